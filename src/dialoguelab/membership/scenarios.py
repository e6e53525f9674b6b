"""Scenarios: small YAML files of dated changes, compared against the baseline.

A scenario file::

    name: Five EU holdouts recognise
    description: Spain, Slovakia, Romania, Greece and Cyprus recognise Kosovo.
    changes:
      - {action: recognize, state: ESP, date: 2025-06-01}
      - {action: set_vote, state: RUS, vote: abstain, bodies: [un]}
      - {action: serbia_drops_objection}
      - {action: join, state: UKR, body: nato, date: 2030-01-01}
      - {action: set_probabilities, class: does_not, yes: 0.2, no: 0.4, abstain: 0.3, absent: 0.1}

Actions: ``recognize``, ``withdraw``, ``set_stance`` (class ``recognizes``, ``does_not``,
``withdrew``, ``opponent``, ``supporter``), ``set_vote``, ``serbia_drops_objection``, ``join``,
``leave``, ``set_probabilities``. A change without ``date`` applies at every date.
"""

from __future__ import annotations

__all__ = [
    "CLASSES",
    "StanceClass",
    "Change",
    "Scenario",
    "load_scenario",
    "parse_scenario",
    "compare",
    "series",
]

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from dialoguelab.case.dates import PartialDate
from dialoguelab.errors import CaseValidationError, InvalidParameterError, Problem

if TYPE_CHECKING:
    import pandas as pd

StanceClass = Literal["recognizes", "does_not", "withdrew", "opponent", "supporter", "unknown"]
CLASSES: tuple[str, ...] = ("recognizes", "does_not", "withdrew", "opponent", "supporter", "unknown")
Action = Literal[
    "recognize",
    "withdraw",
    "set_stance",
    "set_vote",
    "serbia_drops_objection",
    "join",
    "leave",
    "set_probabilities",
]


class Change(BaseModel):
    """One dated change of a scenario."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    action: Action
    date: PartialDate | None = None
    state: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    body: str | None = None
    bodies: list[str] = Field(default_factory=list)
    stance: StanceClass | None = None
    vote: Literal["yes", "no", "abstain", "absent"] | None = None
    klass: StanceClass | None = Field(default=None, alias="class")
    yes: float | None = Field(default=None, ge=0, le=1)
    no: float | None = Field(default=None, ge=0, le=1)
    abstain: float | None = Field(default=None, ge=0, le=1)
    absent: float | None = Field(default=None, ge=0, le=1)
    note: str | None = None

    @model_validator(mode="after")
    def _fields_for_action(self) -> Change:
        need: dict[str, tuple[str, ...]] = {
            "recognize": ("state",),
            "withdraw": ("state",),
            "set_stance": ("state", "stance"),
            "set_vote": ("state", "vote"),
            "serbia_drops_objection": (),
            "join": ("state", "body"),
            "leave": ("state", "body"),
            "set_probabilities": ("klass", "yes", "no", "abstain", "absent"),
        }
        missing = [("class" if f == "klass" else f) for f in need[self.action] if getattr(self, f) is None]
        if missing:
            raise ValueError(f"action {self.action!r} needs {', '.join(missing)}")
        if self.action == "set_probabilities":
            total = (self.yes or 0) + (self.no or 0) + (self.abstain or 0) + (self.absent or 0)
            if abs(total - 1) > 1e-9:
                raise ValueError(f"yes + no + abstain + absent must be 1, got {total:g}")
        return self

    def active(self, on: dt.date) -> bool:
        """Whether the change is in force on ``on`` (a partial date takes effect at its last day)."""
        return self.date is None or self.date.last_day() <= on


class Scenario(BaseModel):
    """A named list of changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    description: str | None = None
    changes: list[Change] = Field(default_factory=list)

    def key(self) -> str:
        """A hashable fingerprint for caches."""
        return self.model_dump_json()


def parse_scenario(data: Any, file: str = "<scenario>", text: str | None = None) -> Scenario:
    """Validate a scenario mapping; errors name the file, line and field."""
    lines: list[int] = []
    if text is not None:
        try:
            node = yaml.compose(text)
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if k.value == "changes" and isinstance(v, yaml.SequenceNode):
                        lines = [item.start_mark.line + 1 for item in v.value]
        except yaml.YAMLError:
            lines = []
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            loc = list(e.get("loc", ()))
            line = 0
            if len(loc) >= 2 and loc[0] == "changes" and isinstance(loc[1], int) and loc[1] < len(lines):
                line = lines[loc[1]]
            problems.append(Problem(file, line, ".".join(str(p) for p in loc), e["msg"]))
        raise CaseValidationError(problems) from exc


def load_scenario(path: Path | str) -> Scenario:
    """Read a scenario YAML file.

    Raises
    ------
    InvalidParameterError
        If the file does not exist.
    CaseValidationError
        If it is not valid YAML or a change is malformed (file, line, field named).
    """
    p = Path(path)
    if not p.is_file():
        raise InvalidParameterError(
            f"Scenario file {p} does not exist: give the path of a YAML scenario file."
        )
    text = p.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 1) if mark else 0
        raise CaseValidationError([Problem(p.name, line, "", f"not valid YAML: {exc}")]) from exc
    if not isinstance(data, dict):
        raise CaseValidationError([Problem(p.name, 1, "", "a scenario is a mapping with name and changes")])
    return parse_scenario(data, p.name, text)


def compare(
    scenario: Scenario,
    on: dt.date | str | None = None,
    *,
    position: str = "kosovo",
    root: Path | str | None = None,
    include_unverified: bool = False,
) -> pd.DataFrame:
    """Every body's outcome and admission probability, baseline beside scenario.

    Returns a DataFrame with one row per body: ``body``, ``baseline_passed``, ``scenario_passed``,
    ``baseline_blocking``, ``scenario_blocking``, ``baseline_probability``, ``scenario_probability``,
    ``probability_basis`` (``vote_model``, ``declared_positions`` or ``mixed``: see
    :class:`~dialoguelab.membership.votes.AdmissionResult`).
    """
    import pandas as pd

    from dialoguelab.membership.data import load_membership
    from dialoguelab.membership.outcomes import outcome
    from dialoguelab.membership.votes import admission_probability

    data = load_membership(root)
    rows = []
    for bid in data.bodies:
        base = outcome(
            bid, on, position=position, root=root, include_unverified=include_unverified, detail=False
        )
        scen = outcome(
            bid,
            on,
            scenario=scenario,
            position=position,
            root=root,
            include_unverified=include_unverified,
            detail=False,
        )
        pb = admission_probability(
            bid, on, position=position, root=root, include_unverified=include_unverified
        )
        ps = admission_probability(
            bid, on, scenario=scenario, position=position, root=root, include_unverified=include_unverified
        )
        rows.append(
            {
                "body": bid,
                "baseline_passed": base.passed,
                "scenario_passed": scen.passed,
                "baseline_blocking": ", ".join(base.blocking),
                "scenario_blocking": ", ".join(scen.blocking),
                "baseline_probability": float(pb.probability),
                "scenario_probability": float(ps.probability),
                "probability_basis": pb.basis,
            }
        )
    return pd.DataFrame(rows)


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(dt.date(y, m, 1) if (y, m) != (start.year, start.month) else start)
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def series(
    bodies: list[str] | None = None,
    *,
    scenario: Scenario | None = None,
    start: dt.date | str = "2008-02-17",
    end: dt.date | str | None = None,
    position: str = "kosovo",
    root: Path | str | None = None,
    include_unverified: bool = False,
) -> pd.DataFrame:
    """Admission probability and deterministic outcome per body, month by month.

    Returns a long DataFrame: ``date``, ``body``, ``probability``, ``probability_basis`` (how the
    probability was obtained: ``vote_model``, ``declared_positions`` or ``mixed``), ``passed``,
    ``recognizers``.
    The first row is ``start`` (default: the declaration of independence, 17 February 2008), then
    the first day of every month up to ``end`` (default: today).
    """
    import pandas as pd

    from dialoguelab.membership.data import load_membership
    from dialoguelab.membership.outcomes import outcome
    from dialoguelab.membership.votes import admission_probability
    from dialoguelab.membership.world import as_date, world

    data = load_membership(root)
    ids = [data.body(b).id for b in bodies] if bodies else list(data.bodies)
    s = as_date(start)
    e = as_date(end) if end is not None else dt.date.today()
    if e < s:
        raise InvalidParameterError(f"The series end ({e}) is before its start ({s}).")
    rows = []
    for d in _months(s, e):
        w = world(d, scenario=scenario, position=position, root=root, include_unverified=include_unverified)
        n_rec = w.recognizer_count()
        for bid in ids:
            o = outcome(
                bid,
                d,
                scenario=scenario,
                position=position,
                root=root,
                include_unverified=include_unverified,
                detail=False,
            )
            p = admission_probability(
                bid, d, scenario=scenario, position=position, root=root, include_unverified=include_unverified
            )
            rows.append(
                {
                    "date": d,
                    "body": bid,
                    "probability": float(p.probability),
                    "probability_basis": p.basis,
                    "passed": o.passed,
                    "recognizers": n_rec,
                }
            )
    return pd.DataFrame(rows)
