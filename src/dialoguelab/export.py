"""Export a case with what the engines make of it: one folder of tables in CSV, Parquet and JSON.

The evidence tables and the actor network (:mod:`dialoguelab.evidence.export`), and, from the engines'
public functions:

==========================  ===================================================================
``recognitions``            recognition of the applicant by each state on the day, under a position
                            (:func:`~dialoguelab.membership.views.recognition_table`)
``applicant_memberships``   the bodies the applicant has joined
                            (:func:`~dialoguelab.membership.views.applicant_memberships`)
``body_outcomes``           every body's outcome for the applicant on the day, who blocks and who could
                            (:func:`~dialoguelab.membership.views.body_outcomes`)
``rollcalls``               the recorded votes of the world data (``case.world.rollcalls``)
``rollcall_votes``          their per-state records, one row per state and roll call
``findings``                each finding with its status, figure and evidence
                            (:func:`~dialoguelab.stance.findings.findings_table`)
``stance``                  every stance series of the case, by year
                            (:func:`~dialoguelab.stance.series.stance_series`)
==========================  ===================================================================

A table whose case part is missing (a case without ``membership/``, ``findings.yaml`` or
``blocs.yaml``) is left out and named in :attr:`ExportResult.skipped`. The folder is written
atomically (:func:`~dialoguelab.evidence.export.write_tables`).
"""

from __future__ import annotations

__all__ = ["ENGINE_TABLES", "ExportResult", "engine_tables", "export_all"]

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dialoguelab.case import Case
from dialoguelab.evidence.export import (
    FORMATS,
    check_export_target,
    evidence_tables,
    parse_formats,
    write_tables,
)

#: the tables from the engines, in the order they are written, with the case part each needs
ENGINE_TABLES: dict[str, str | None] = {
    "recognitions": "membership",
    "applicant_memberships": "membership",
    "body_outcomes": "membership",
    "rollcalls": None,
    "rollcall_votes": None,
    "findings": "findings",
    "stance": "blocs",
}


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the files, the day of the day-dependent tables, and the tables left out."""

    files: list[Path]
    on: str
    position: str | None
    skipped: dict[str, str] = field(default_factory=dict)


def _rollcalls(case: Case) -> list[dict[str, Any]]:
    return [rc.model_dump(mode="json") for rc in case.world.rollcalls.values()]


def _rollcall_votes(case: Case) -> pd.DataFrame:
    from dialoguelab.world.schema import RollCallVote

    rows = [
        {"rollcall": rid, **v.model_dump(mode="json")}
        for rid, votes in case.world.rollcall_votes.items()
        for v in votes
    ]
    return pd.DataFrame(rows, columns=["rollcall", *RollCallVote.model_fields])


def _stance(case: Case) -> pd.DataFrame:
    from dialoguelab.stance.series import series_specs, stance_series

    frames = [stance_series(case, name) for name in series_specs(case)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def engine_tables(
    case: Case, on: dt.date | str | None = None, *, position: str | None = None
) -> tuple[dict[str, pd.DataFrame | list[dict[str, Any]]], dict[str, str]]:
    """The engines' tables of a case (:data:`ENGINE_TABLES`) and, for those left out, why.

    Parameters
    ----------
    case : Case
    on : date or str, optional
        The day of ``recognitions`` and ``body_outcomes`` (default today).
    position : str, optional
        Whose reading of disputed withdrawals (one of ``case.positions()``; default the applicant's).

    Returns
    -------
    tables : dict of str to DataFrame or list of dict
    skipped : dict of str to str
        Table name to the reason it was left out (the case lacks the part it needs).
    """
    from dialoguelab.membership.views import applicant_memberships, body_outcomes, recognition_table
    from dialoguelab.stance.findings import findings_table

    make: dict[str, Callable[[], pd.DataFrame | list[dict[str, Any]]]] = {
        "recognitions": lambda: recognition_table(case, on, position),
        "applicant_memberships": lambda: applicant_memberships(case),
        "body_outcomes": lambda: body_outcomes(case, on, position=position),
        "rollcalls": lambda: _rollcalls(case),
        "rollcall_votes": lambda: _rollcall_votes(case),
        "findings": lambda: findings_table(case),
        "stance": lambda: _stance(case),
    }
    tables: dict[str, pd.DataFrame | list[dict[str, Any]]] = {}
    skipped: dict[str, str] = {}
    for name, part in ENGINE_TABLES.items():
        if part is not None and not case.has_part(part):
            skipped[name] = f"the case has no {part!r} part"
            continue
        tables[name] = make[name]()
    return tables, skipped


def export_all(
    case: Case,
    out: str | Path,
    *,
    formats: Iterable[str] = FORMATS,
    overwrite: bool = False,
    on: dt.date | str | None = None,
    position: str | None = None,
) -> ExportResult:
    """Write the evidence tables, the actor network and the engines' tables of a case into ``out``.

    Parameters
    ----------
    case : Case
    out : path
        A new or empty folder (or any folder with ``overwrite=True``, which replaces it).
    formats : iterable of str, default=("csv", "parquet", "json")
    overwrite : bool, default=False
    on : date or str, optional
        The day of the day-dependent tables (default today).
    position : str, optional
        Whose reading of disputed withdrawals (default the applicant's).

    Returns
    -------
    ExportResult

    Raises
    ------
    ExportTargetExistsError
        ``out`` holds files and ``overwrite`` is false (checked before anything is computed).
    InvalidParameterError
        An unknown format, or ``out`` is a file.

    Examples
    --------
    >>> import tempfile
    >>> from dialoguelab.case import load_case
    >>> res = export_all(load_case(), tempfile.mkdtemp() + "/out", formats=["csv"], on="2024-06-01")
    >>> sorted(p.name for p in res.files if p.stem in ("recognitions", "findings", "events"))
    ['events.csv', 'findings.csv', 'recognitions.csv']
    """
    chosen = parse_formats(list(formats))
    check_export_target(out, overwrite)
    import networkx as nx

    from dialoguelab.evidence.actors import actor_network
    from dialoguelab.membership.world import as_date

    day = as_date(on).isoformat()
    tables: dict[str, pd.DataFrame | list[dict[str, Any]]] = dict(evidence_tables(case))
    engine, skipped = engine_tables(case, day, position=position)
    clash = set(tables) & set(engine)
    assert not clash, f"engine tables named like evidence tables: {sorted(clash)}"
    tables.update(engine)
    network = actor_network(case)
    files = write_tables(
        tables,
        out,
        formats=chosen,
        overwrite=overwrite,
        extra=lambda folder: nx.write_graphml(network, folder / "network.graphml"),
    )
    shown_position = case.position_id(position) if case.meta.applicant is not None else position
    return ExportResult(files=files, on=day, position=shown_position, skipped=skipped)
