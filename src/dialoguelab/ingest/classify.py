"""A transparent keyword model proposing a PLOVER event type, its source and target, with a confidence.

Each rule is a regular expression over the clause that reports the event, a PLOVER type and a base
confidence; the first rule (in table order) that matches decides the type, and the confidence is
lowered when rules of other types match too (the clause is ambiguous). Actors named before the trigger
word are the source, those after it the target (English is subject–verb–object); passive clauses
("was rejected by", "adopted by") swap them. The table is printed in ``docs/ingest.md`` and is the
whole model: there is nothing learnt.

References
----------
PLOVER: Halterman, A., Schrodt, P. A., Beger, A., Bagozzi, B. E., Scarborough, G. I. (2023). "Creating
Custom Event Data Without Dictionaries: A Bag-of-Tricks", and the PLOVER codebook
(https://github.com/openeventdata/PLOVER).
"""

from __future__ import annotations

__all__ = ["Rule", "RULES", "Classification", "classify"]

import re
from collections.abc import Sequence
from dataclasses import dataclass

from dialoguelab.case.schema import EventType
from dialoguelab.ingest.actors import ActorMention


@dataclass(frozen=True)
class Rule:
    """One row of the classifier table."""

    pattern: str
    type: EventType
    confidence: float
    example: str

    def compiled(self) -> re.Pattern[str]:
        return _compiled(self.pattern)


_CACHE: dict[str, re.Pattern[str]] = {}


def _compiled(p: str) -> re.Pattern[str]:
    if p not in _CACHE:
        _CACHE[p] = re.compile(p, re.IGNORECASE)
    return _CACHE[p]


E = EventType
#: The classifier table, in priority order.
RULES: tuple[Rule, ...] = (
    Rule(
        r"\b(?:invad\w*|invasion|air-?strikes?|bomb\w*|attack\w*|terrorist|killed|execution|massacre|"
        r"full-scale military|military aggression|annex\w*)\b",
        E.ASSAULT,
        0.8,
        "invaded, airstrikes, attack",
    ),
    Rule(
        r"\bthreat\w*\s+(?:to\s+)?(?:use\s+)?(?:a\s+|its\s+)?veto|\bveto\b|\bthreat\w*|\bwarn\w*|\bultimatum",
        E.THREATEN,
        0.75,
        "veto, threatened, warning",
    ),
    Rule(r"\b(?:sanction\w*|embargo|ban(?:ned)?\b|expel\w*)", E.SANCTION, 0.7, "sanctions, embargo, ban"),
    Rule(
        # exercises held together with partners are military cooperation (CAMEO 062 → PLOVER COOPERATE),
        # as the built-in case codes them; a state's own drills and parades stay MOBILIZE below
        r"\b(?:joint|trilateral|bilateral)\s+(?:\w+\s+){0,3}?(?:exercises?|drills?)\b|"
        r"\b(?:exercises?|drills?)\s+(?:\w+\s+){0,2}?(?:with|between)\b",
        E.COOPERATE,
        0.6,
        "joint military exercise, drill with",
    ),
    Rule(
        r"\b(?:deploy\w*|troops?|paratroopers|military (?:exercise|drill|parade)|drills?|exercises?|"
        r"combat readiness|mobili[sz]\w*|parade|seize control)\b",
        E.MOBILIZE,
        0.65,
        "deployed troops, military exercise",
    ),
    Rule(r"\b(?:arrest\w*|indict\w*|detain\w*|seiz\w*)\b", E.COERCE, 0.6, "arrested, indictment"),
    Rule(r"\b(?:protest\w*|rall(?:y|ied|ies)|demonstrat\w*)\b", E.PROTEST, 0.65, "protests, rallied"),
    Rule(
        r"\b(?:reject\w*|refus\w*|declin\w*|revo\w*|withdr[ae]w\w* (?:its |their )?recognition|"
        r"de-?recogni\w*|"
        r"put on hold|oppos\w*|objection|block\w*|not under consideration|dismiss\w*|discard\w*|"
        r"declared (?:its )?independence|declared independence)\b",
        E.REJECT,
        0.7,
        "rejected, refused, revoked recognition",
    ),
    Rule(
        r"\b(?:accus\w*|condemn\w*|criticiz\w*|criticis\w*|blam\w*|denounc\w*|label(?:l)?ed|lamented|"
        r"questioned|justify|justif\w*|precedent|claimed)\b",
        E.ACCUSE,
        0.65,
        "condemned, accused, criticized",
    ),
    Rule(
        r"\b(?:withdr[ae]w\w*|withdrawal|pull(?:ed)? out|disengag\w*|retreat\w*|concluded on)\b",
        E.RETREAT,
        0.6,
        "withdrew troops",
    ),
    Rule(
        r"\b(?:yield\w*|concede\w*|concession|accepted the plan|accept\w* (?:NATO|the) (?:terms|plan))\b",
        E.CONCEDE,
        0.6,
        "accepted the terms, conceded",
    ),
    Rule(
        r"\b(?:call(?:ed|s)? (?:on|for)|urg\w*|demand\w*|appeal\w*|request\w*|directed|ask\w*|insist\w*|"
        r"refer\w*|needs to)\b",
        E.REQUEST,
        0.6,
        "called on, urged, demanded",
    ),
    Rule(
        r"\b(?:agree\w*|signed|sign\w*|initial(?:l)?ed|accord|treaty|"
        r"reached (?:a |an )?(?:consensus|agreement)|"
        r"adopt\w*|approv\w*|passed|accept\w*|endors\w*|consensus|breakthrough|principles)\b",
        E.AGREE,
        0.7,
        "agreed, signed, adopted",
    ),
    Rule(r"\b(?:aid|assistance|donat\w*|humanitarian|loan|grant)\b", E.AID, 0.6, "donation, assistance"),
    Rule(
        r"\b(?:cooperat\w*|partnership|joint\w*|jointly|alliance|coordinat\w*|aligned|alignment|joined)\b",
        E.COOPERATE,
        0.55,
        "cooperation, jointly, partnership",
    ),
    Rule(
        r"\b(?:support\w*|backed|back\w*|praised|recogni[sz]\w*|welcom\w*|endors\w*|stronghold)\b",
        E.SUPPORT,
        0.6,
        "supported, backed, recognition",
    ),
    Rule(
        r"\b(?:met|meet\w*|visit\w*|talks|phone (?:call|conversation)|conversation|consult\w*|negotiat\w*|"
        r"interview|summit|conference|presented|submitted|announced|statement|stated|dialogue)\b",
        E.CONSULT,
        0.5,
        "met, visited, talks, statement",
    ),
)

_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are)\s+(?:\w+ly\s+)?(\w+ed)\s+by\b", re.IGNORECASE)

#: A negation just before a trigger ("would not agree", "never accepted", "did not veto", "no agreement"):
#: at most two words between them, and not "not only" / "not just", which add rather than deny.
_NEGATED = re.compile(
    r"(?:\b(?:not|never|no|nor|neither|without)|n[’']t)\s+(?!only\b|just\b|merely\b|least\b)"
    r"(?:[\w’'-]+\s+){0,2}$",
    re.IGNORECASE,
)
#: Types that a negation turns into REJECT (PLOVER: refusing to agree, support, cooperate, concede or aid).
_DENIED_AS_REJECT = {EventType.AGREE, EventType.SUPPORT, EventType.COOPERATE, EventType.CONCEDE, EventType.AID}


def _negated(text: str, at: int) -> bool:
    """Whether the trigger at ``at`` is negated: a negation within the two words before it, same clause."""
    before = text[max(0, at - 60) : at]
    before = re.split(r"[,;:()]|\b(?:but|and|while|which|that|who)\b", before)[-1]
    return bool(_NEGATED.search(before))


_JOINED = re.compile(r"\s*(?:,\s*|\s+)?(?:and|&)\s+(?:the\s+)?|\s*,\s*(?:the\s+)?", re.IGNORECASE)
_REDUCED_PASSIVE = re.compile(r"\s+by\b", re.IGNORECASE)
#: Finite verbs among the triggers: past forms, and the irregular ones the table has.
_PAST = re.compile(r"(?:\w+ed|met|withdrew|sought|won|took|held|began|fought|struck|shot)", re.IGNORECASE)
#: Words after which a following -ed word is not a verb with a subject ("the planned talks", "of signed").
_NOT_A_SUBJECT = re.compile(
    r"(?:^|\b(?:the|a|an|its|their|his|her|this|that|these|those|of|for|to|in|on|at|by|with|from|and|or|"
    r"but|who|which|newly|jointly|recently|already|also|has|have|had|was|were|is|are|be|been|being)|[,;:(–—])\s*$",
    re.IGNORECASE,
)


def _has_subject(text: str, pos: int, trigger: str) -> bool:
    """Whether the trigger is a finite verb with a subject before it ("armed Serbs attacked").

    True for a past-tense trigger preceded by a word that can end a subject noun phrase: not an article, a
    preposition, a conjunction, an auxiliary or a punctuation mark, and not the start of the clause.
    """
    if not _PAST.fullmatch(trigger):
        return False
    before = re.sub(r"(?:\b\w+ly\s+)+$", "", text[max(0, pos - 60) : pos])  # "was aptly demonstrated"
    return not _NOT_A_SUBJECT.search(before)


@dataclass(frozen=True)
class Classification:
    """The proposed type, source and target, with the rule that fired and the confidence."""

    type: EventType | None
    confidence: float
    rule: str | None
    trigger: str | None
    source_actors: tuple[str, ...]
    target_actors: tuple[str, ...]
    actor_confidence: float


def classify(
    text: str, actors: Sequence[ActorMention], actor_types: dict[str, str] | None = None
) -> Classification:
    """Propose a PLOVER type, source and target for the clause ``text``.

    Parameters
    ----------
    text : str
        The clause (offsets of ``actors`` are relative to it).
    actors : sequence of ActorMention
        Actors found in the clause.
    actor_types : dict, optional
        Actor id → type; a person named next to its state's demonym ("Russian Foreign Minister Lavrov")
        makes the demonym redundant, so the state is kept as a mentioned actor only.

    Returns
    -------
    Classification
        ``type`` is None when no rule fires (the reviewer must choose).

    Examples
    --------
    >>> from dialoguelab.ingest.actors import Gazetteer
    >>> g = Gazetteer.from_actors([{"id": "ostia", "name": "Ostia", "type": "state"},
    ...                            {"id": "norland", "name": "Norland", "type": "state"}])
    >>> t = "Ostia threatened to veto Norland's membership"
    >>> c = classify(t, g.find(t))
    >>> c.type.value, c.source_actors, c.target_actors
    ('THREATEN', ('ostia',), ('norland',))
    """
    # each rule's first trigger that is not negated: a negated one denies its event rather than reports it
    hits: list[tuple[int, Rule, str, int]] = []  # (order, rule, trigger, position)
    denial: tuple[Rule, re.Match[str]] | None = None
    for k, rule in enumerate(RULES):
        for m in rule.compiled().finditer(text):
            if not _negated(text, m.start()):
                hits.append((k, rule, m.group(0), m.start()))
                break
            if denial is None and rule.type in _DENIED_AS_REJECT:
                denial = (rule, m)
    if denial is not None and not any(h[1].type is EventType.REJECT for h in hits):
        # "would not agree", "did not support": refusing is PLOVER's REJECT, in the REJECT rule's place
        k = next(i for i, r in enumerate(RULES) if r.type is EventType.REJECT)
        rule, m = denial
        negated = Rule(rule.pattern, EventType.REJECT, RULES[k].confidence, "negated")
        hits.append((k, negated, f"not {m.group(0)}", m.start()))
        hits.sort(key=lambda h: h[0])
    if not hits:
        etype, conf, rule_text, trig, pos = None, 0.0, None, None, len(text) // 2
    else:
        _, rule, trig, pos = hits[0]
        others = {h[1].type for h in hits[1:]} - {rule.type}
        conf = rule.confidence * (1.0 if not others else max(0.5, 1.0 - 0.1 * len(others)))
        etype, rule_text = rule.type, rule.pattern
    passive = _PASSIVE.search(text)
    ordered = sorted(actors, key=lambda a: a.start)
    before = [a for a in ordered if a.start < pos]
    after = [a for a in ordered if a.start >= pos]
    if trig is not None and trig[:1].isupper() and pos > 0:
        # a place in a document's name ("the Brussels Agreement", "the Ohrid Agreement") names, it does not act
        before = [a for a in before if a.end > pos or text[a.end : pos].strip()]
    reduced = trig is not None and bool(_REDUCED_PASSIVE.match(text, pos + len(trig)))
    if passive and passive.start() <= pos <= passive.end() + 5 or reduced and trig and trig.endswith("ed"):
        before, after = after, before  # "was condemned by Russia", "the resolution adopted by the Council"
    elif not before and after and trig is not None and _has_subject(text, pos, trig):
        # an active verb with a subject the case does not know ("armed men attacked Ostia's police"): the
        # actors after the verb are its objects, the targets; the source is left for the reviewer
        pass
    elif not before and after:
        # a noun trigger opens the clause ("paratroopers of Russia seized …"): the first actor is the likeliest
        # source, with those joined to it by "and" ("… envisages that Ostia and Suria acknowledge …")
        k = 1
        while k < len(after) and _JOINED.fullmatch(text[after[k - 1].end : after[k].start]):
            k += 1
        before, after = after[:k], after[k:]

    def ids(ms: Sequence[ActorMention]) -> list[str]:
        out: list[str] = []
        for a in ms:
            if a.actor_id not in out:
                out.append(a.actor_id)
        return out

    src, tgt = ids(before), [i for i in ids(after) if i not in ids(before)]
    actor_conf = max((a.confidence for a in ordered), default=0.0)
    if etype is None:
        actor_conf *= 0.5
    return Classification(
        etype, round(conf, 3), rule_text, trig, tuple(src), tuple(tgt), round(actor_conf, 3)
    )
