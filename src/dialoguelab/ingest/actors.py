"""Actors in prose: a gazetteer of the case's names, aliases and metonyms, and new-actor candidates.

The gazetteer is built from a case's actors (id, name, aliases such as Moscow or the Kremlin for
Russia, and ISO codes) plus, for each state of the case, its demonym ("Russian", "Serbian"), which
counts as a weaker mention of the state. Matching is longest-first, on word boundaries, and tolerant of
diacritics ("Vučiċ" finds Vučić). No statistical model is used (spaCy's English models are not on
PyPI); a capitalised phrase that the gazetteer does not know is reported as a *new-actor candidate*
for the reviewer.
"""

from __future__ import annotations

__all__ = [
    "ActorMention",
    "Gazetteer",
    "NewActorCandidate",
    "DEMONYMS",
    "fold",
    "new_actor_candidates",
]

import calendar
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dialoguelab.world import demonyms

#: Demonyms of states (adjective → state name), from the world data (``world/data/demonyms.csv``).
#: Used only for states the case has, by name.
DEMONYMS: dict[str, str] = demonyms()

#: Offices and forms of address: never an actor's name, and the words a title is made of.
_HONORIFICS = {
    "President",
    "Prime",
    "Minister",
    "Foreign",
    "Ambassador",
    "Deputy",
    "Secretary",
    "General",
    "Envoy",
    "Special",
    "Representative",
    "Chief",
    "Head",
    "Former",
    "Then",
    "Mr",
    "Dr",
    "Ms",
    "Mrs",
}
_STOP_CAPS = {
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "Of",
    "For",
    "And",
    "But",
    "Or",
    "However",
    "Yet",
    "Thus",
    "Hence",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "He",
    "She",
    "They",
    "We",
    "Its",
    "His",
    "Her",
    "Their",
    "Our",
    "As",
    "By",
    "With",
    "From",
    "To",
    "After",
    "Before",
    "During",
    "Since",
    "Following",
    "Against",
    "Furthermore",
    "Moreover",
    "Nevertheless",
    "Consequently",
    "Instead",
    "Similarly",
    "Meanwhile",
    "Additionally",
    "Subsequently",
    "Eventually",
    "Indeed",
    "Notably",
    "Interestingly",
    "Paradoxically",
    "According",
    "Despite",
    "Although",
    "While",
    "When",
    "Where",
    "Which",
    "Who",
    "What",
    "First",
    "Second",
    "Third",
    "Fourth",
    "Fifth",
    "Sixth",
    "Seventh",
    "Eighth",
    "Also",
    "Lately",
    "Later",
    "Earlier",
    "Now",
    "Today",
    "Recently",
    "Finally",
    "Just",
    "Over",
    "Two",
    "One",
    "Three",
    "Few",
    "Next",
    "Due",
    "Within",
    "Given",
    "Overall",
    "Under",
    "Most",
    "Many",
    "Some",
    "Both",
    "Such",
    "Available",
    "See",
    "Chapter",
    "Resolution",
    "Agreement",
    "Agreements",
    "Declaration",
    "Article",
    "Annex",
    "Press",
    "Statement",
    "Report",
    "If",
    "Do",
    "Right",
    "Europe",
    "West",
    "Western",
    "East",
    "Eastern",
    "North",
    "Northern",
    "South",
    "Southern",
    "Balkans",
    "Euro",
    "Atlantic",
    "Part",
    "Vol",
    "Cold",
    "War",
    "Mission",
    "Conference",
    "Summit",
} | _HONORIFICS | set(calendar.month_name[1:])
_TITLES = _HONORIFICS | {
    "Marshal",
    "Spokeswoman",
    "Spokesman",
    "Defense",
    "Defence",
    "Interior",
    "Permanent",
    "Senior",
}


def _fold_char(ch: str) -> str:
    if ch == "’":
        return "'"
    base = unicodedata.normalize("NFKD", ch)
    kept = [c for c in base if not unicodedata.combining(c)]
    c = (kept[0] if kept else ch).lower()
    return c if len(c) == 1 else ch


_FOLD: dict[int, str] = {}


def fold(text: str) -> str:
    """Case-fold and strip diacritics, one output character per input character (offsets survive).

    >>> fold("Vučiċ Thaçi")
    'vucic thaci'
    """
    for ch in set(text):
        if ord(ch) not in _FOLD:
            _FOLD[ord(ch)] = _fold_char(ch)
    return text.translate(_FOLD)


@dataclass(frozen=True)
class ActorMention:
    """An actor found in a text: its id, the words, where, and how sure (1.0 name, 0.6 demonym)."""

    actor_id: str
    text: str
    start: int
    end: int
    confidence: float
    kind: str  # name | alias | demonym


@dataclass(frozen=True)
class NewActorCandidate:
    """A capitalised name the gazetteer does not know."""

    name: str
    count: int
    first_line: int
    contexts: tuple[int, ...] = ()


@dataclass
class Gazetteer:
    """Names → actor ids, with a compiled longest-first matcher.

    Parameters
    ----------
    names : sequence of (name, actor_id, kind)
        ``kind`` is ``name``, ``alias`` or ``demonym``.
    actor_types : dict, optional
        Actor id → type (state, organization, person, group); persons are preferred as sources.

    Examples
    --------
    >>> russia = {"id": "russia", "name": "Russia", "type": "state", "aliases": ["Moscow"]}
    >>> g = Gazetteer.from_actors([russia])
    >>> [(m.actor_id, m.text, m.kind) for m in g.find("Moscow and the Russian envoy")]
    [('russia', 'Moscow', 'alias'), ('russia', 'Russian', 'demonym')]
    """

    names: Sequence[tuple[str, str, str]]
    actor_types: dict[str, str] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False)
    _lookup: dict[str, tuple[str, str]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        lookup: dict[str, tuple[str, str]] = {}
        for name, actor_id, kind in self.names:
            key = fold(name.strip())
            if len(key) < 2:
                continue
            # an exact name beats an alias, which beats a demonym
            rank = {"name": 0, "alias": 1, "demonym": 2}
            if key not in lookup or rank[kind] < rank[lookup[key][1]]:
                lookup[key] = (actor_id, kind)
        self._lookup = lookup
        if lookup:
            alts = sorted(lookup, key=len, reverse=True)
            body = "|".join(re.escape(a) for a in alts)
            self._pattern = re.compile(rf"(?<![\w])(?:{body})(?:'s)?(?![\w])")

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def from_actors(cls, actors: Iterable[Any]) -> Gazetteer:
        """Build from actors (pydantic :class:`~dialoguelab.case.Actor` or dicts with the same keys)."""
        names: list[tuple[str, str, str]] = []
        types: dict[str, str] = {}
        states: dict[str, str] = {}
        for a in actors:
            get = a.get if isinstance(a, dict) else (lambda k, _a=a: getattr(_a, k, None))
            actor_id, name = str(get("id")), str(get("name"))
            atype = str(getattr(get("type"), "value", get("type")) or "")
            types[actor_id] = atype
            names.append((name, actor_id, "name"))
            if "-" in actor_id and atype == "person":
                pass
            for alias in get("aliases") or []:
                names.append((str(alias), actor_id, "alias"))
            iso = get("iso3")
            if iso and iso not in ("XKX",):
                names.append((str(iso), actor_id, "alias"))
            if atype == "state":
                states[name] = actor_id
                for alias in get("aliases") or []:
                    states.setdefault(str(alias), actor_id)
        for adj, state_name in DEMONYMS.items():
            if state_name in states:
                names.append((adj, states[state_name], "demonym"))
                names.append((adj + "s", states[state_name], "demonym"))
        return cls(names, types)

    @classmethod
    def from_case(cls, case: Any) -> Gazetteer:
        """Build from a loaded :class:`~dialoguelab.case.Case`."""
        return cls.from_actors(case.actors)

    def to_payload(self) -> dict[str, Any]:
        """A picklable, JSON-able form (for worker processes)."""
        return {"names": [list(n) for n in self.names], "actor_types": dict(self.actor_types)}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Gazetteer:
        names = [(str(n[0]), str(n[1]), str(n[2])) for n in payload["names"]]
        return cls(names, dict(payload.get("actor_types", {})))

    # -- matching -------------------------------------------------------------------------------
    def find(self, text: str, base: int = 0) -> list[ActorMention]:
        """Every actor mention in ``text``, longest match first, non-overlapping, in order."""
        if self._pattern is None:
            return []
        folded = fold(text)
        out: list[ActorMention] = []
        for m in self._pattern.finditer(folded):
            key = m.group(0)
            if key.endswith("'s") and key not in self._lookup:
                key = key[:-2]
            hit = self._lookup.get(key)
            if hit is None:
                continue
            actor_id, kind = hit
            words = text[m.start() : m.start() + len(key)]
            # case matters for short all-caps aliases ("US", "EU") and capitalised names
            if not words[:1].isupper() and not words[:1].isdigit():
                if not (words.lower().startswith("the ") and words[4:5].isupper()):
                    continue
            if len(key) <= 3 and words != words.upper():
                continue
            conf = {"name": 1.0, "alias": 0.9, "demonym": 0.6}[kind]
            out.append(
                ActorMention(actor_id, words, base + m.start(), base + m.start() + len(key), conf, kind)
            )
        return out

    def knows(self, phrase: str) -> bool:
        return fold(phrase.strip()) in self._lookup


_CAP_WORD = r"[A-Z\u00C0-\u017F][\w\u00C0-\u017F'’\.\-]*"
_CAP_PHRASE = re.compile(rf"{_CAP_WORD}(?:\s+(?:of|the|and|for|de|van|von|al|bin)?\s*{_CAP_WORD})*")


def new_actor_candidates(
    texts: Iterable[tuple[str, int]], gazetteer: Gazetteer, min_count: int = 1
) -> list[NewActorCandidate]:
    """Capitalised phrases that the gazetteer does not know, with counts (candidates for new actors).

    Parameters
    ----------
    texts : iterable of (text, line)
        Sentences with the document line they start on.
    min_count : int, default=1

    Notes
    -----
    A phrase is a run of capitalised words, allowing "of", "the", "and", "for" inside ("Constitutional
    Court of Kosovo"). Titles at its start are dropped ("President Hashim Thaçi" → "Hashim Thaçi"), with a
    known name or demonym that qualifies the title ("Kosovo Prime Minister Albin Kurti", "Serbian
    President Boris Tadić" → the person); names joined by "and" are separate names when one of them is
    known ("Vučić and Kurti"), one name otherwise ("Trinidad and Tobago");
    phrases of stop words (sentence openers, months, titles) and phrases the gazetteer knows are
    skipped; a phrase containing a known name is kept when it names something else (a court, a party).
    """
    counts: dict[str, list[int]] = {}

    def known(words: Sequence[str]) -> bool:
        phrase = " ".join(words)
        return gazetteer.knows(phrase) or phrase in DEMONYMS or phrase.rstrip("s") in DEMONYMS

    def is_actor(words: Sequence[str]) -> bool:
        hit = gazetteer._lookup.get(fold(" ".join(words)))
        return hit is not None and hit[1] != "demonym"

    def strip_modifiers(words: list[str]) -> list[str]:
        """Drop leading titles, sentence openers, and a known name or demonym qualifying a title
        ("Kosovo Prime Minister Albin Kurti", "Serbian President Boris Tadić" → the person)."""
        while words and words[-1] in ("The", "A", "An"):  # the next sentence's first word
            words = words[:-1]
        while words and not known(words):
            if words[0] in _TITLES or words[0] in _STOP_CAPS:
                words = words[1:]
                if words and words[0] in ("of", "for"):  # "Minister of Trade": the rest is the title's
                    return []
                continue
            longest = max((j for j in range(1, min(len(words), 6) + 1) if known(words[:j])), default=0)
            if not longest or len(words) <= longest or words[longest] not in _TITLES:
                break
            words = words[longest:]  # "UN General Assembly …" keeps its longest known name whole
        while words and words[-1] in ("of", "the", "and", "for"):
            words = words[:-1]
        return words

    def consider(words: list[str], line: int, opens_sentence: bool) -> None:
        if not words:
            return
        phrase = " ".join(words).rstrip(".,;:")
        if not gazetteer.knows(phrase):
            # "Ostia and Suria", "Ostia-Suria": names joined are not a new name
            parts = [p for p in re.split(r"\s+and\s+|-(?=[A-Z])", phrase) if p]
            if len(parts) > 1 and all(gazetteer.knows(p) or p in DEMONYMS or p in _STOP_CAPS for p in parts):
                return
            if re.fullmatch(r"[IVXLC]+", phrase) or re.fullmatch(r"[A-Z][\w\-]*-[a-z][\w\-]*", phrase):
                return
        if len(phrase) < 3 or phrase.isupper() and len(phrase) <= 2:
            return
        if all(
            w in _STOP_CAPS or w in _TITLES or w in DEMONYMS or w.lower() in ("of", "the", "and", "for")
            for w in words
        ):
            return
        if known([phrase]):
            return
        if len(words) == 1 and opens_sentence:
            return  # a single capitalised word opening a sentence is usually not a name
        if re.fullmatch(r"[A-Z]?\d[\w\-/]*", phrase):
            return
        counts.setdefault(phrase, []).append(line)

    for text, line in texts:
        for m in _CAP_PHRASE.finditer(text):
            raw_words = m.group(0).replace("’s", "").replace("'s", "").split()
            words = [w.strip(',.;:()[]“”"') for w in raw_words]
            words = strip_modifiers([w for w in words if w])
            if "and" in words and not {"of", "for"} & set(words) and not gazetteer.knows(" ".join(words)):
                # names joined by "and" ("Vučić and Ostia's Prime Minister Albin Kurti") are several names
                # when one of them is a known actor; otherwise the "and" may be part of one name ("Trinidad
                # and Tobago", and "Brotherhood of Airmen of Russia and Serbia", kept whole by its "of")
                parts: list[list[str]] = [[]]
                for w in words:
                    if w == "and":
                        parts.append([])
                    else:
                        parts[-1].append(w)
                chunks: list[list[str]] = []  # the longest known runs first: "Bosnia and Herzegovina" is one
                i = 0
                while i < len(parts):
                    j = next(
                        j for j in range(len(parts), i, -1) if j == i + 1 or gazetteer.knows(" and ".join(
                            " ".join(p) for p in parts[i:j]
                        ))
                    )
                    chunks.append([w for k, p in enumerate(parts[i:j]) for w in ((["and"] if k else []) + p)])
                    i = j
                cleaned = [strip_modifiers(c) for c in chunks]
                if len(chunks) > 1 and any(c and is_actor(c) for c in cleaned):
                    for k, c in enumerate(cleaned):
                        consider(c, line, m.start() == 0 and k == 0)
                    continue
            consider(words, line, m.start() == 0)
    out = [NewActorCandidate(k, len(v), v[0], tuple(v[:5])) for k, v in counts.items() if len(v) >= min_count]
    return sorted(out, key=lambda c: (-c.count, c.first_line, c.name))
