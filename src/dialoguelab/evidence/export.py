"""Export the evidence: every table of the store as CSV, Parquet and JSON, and the actor network as GraphML.

Also the writer every export shares (:func:`write_tables`): the files go into a temporary folder beside
the target and the folder is moved into place at the end, so an export that fails leaves the target as
it was. The full export with the engines' results (recognitions, outcomes, findings, stance) composes
this writer in :mod:`dialoguelab.export`.
"""

from __future__ import annotations

__all__ = [
    "FORMATS",
    "ExportTargetExistsError",
    "check_export_target",
    "evidence_tables",
    "export_case",
    "parse_formats",
    "write_tables",
]

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from dialoguelab.case import Case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.fsutil import default_file_mode
from dialoguelab.jsonable import to_jsonable

FORMATS = ("csv", "parquet", "json")


class ExportTargetExistsError(InvalidParameterError):
    """The export's target folder exists and holds files, and replacing it was not asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path} exists and is not empty: choose another folder or pass overwrite=True.")


def parse_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """The formats of an export from ``"csv,json"`` or a sequence; raises on an unknown or empty list.

    Examples
    --------
    >>> parse_formats("csv, json")
    ('csv', 'json')
    """
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in items if f.strip()))
    bad = [f for f in chosen if f not in FORMATS]
    if bad or not chosen:
        raise InvalidParameterError(
            f"The 'formats' parameter takes one or more of {', '.join(FORMATS)}. Got {', '.join(bad) or 'none'}."
        )
    return chosen


def check_export_target(out: str | Path, overwrite: bool = False) -> Path:
    """Refuse a target that is a file, or a non-empty folder unless ``overwrite``; returns it as a Path."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InvalidParameterError(f"{out} is a file: the export writes a folder of tables there.")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise ExportTargetExistsError(out)
    return out


def evidence_tables(case: Case) -> dict[str, pd.DataFrame]:
    """Every table of the case's store (``dialoguelab.store.TABLES``), by name."""
    from dialoguelab.store import TABLES, open_store

    store = open_store(case)
    return {name: store.table(name) for name in TABLES}


def _frame(table: pd.DataFrame | list[dict[str, Any]]) -> pd.DataFrame:
    df = table if isinstance(table, pd.DataFrame) else pd.DataFrame(to_jsonable(list(table)))
    return df


def _json_cells(df: pd.DataFrame, *, dicts_only: bool) -> pd.DataFrame:
    """Object columns holding lists or dicts (dicts only if ``dicts_only``) as JSON text."""
    flat = df.copy()
    for col in flat.columns:
        if flat[col].dtype != object:
            continue
        kinds = (dict,) if dicts_only else (dict, list, tuple)
        values = list(flat[col])
        nested = [isinstance(v, kinds) or (not dicts_only and type(v).__name__ == "ndarray") for v in values]
        if any(nested):
            flat[col] = [
                json.dumps(to_jsonable(v), ensure_ascii=False) if n else v for v, n in zip(values, nested, strict=True)
            ]
    return flat


def write_tables(
    tables: Mapping[str, pd.DataFrame | list[dict[str, Any]]],
    out: str | Path,
    *,
    formats: Iterable[str] = FORMATS,
    overwrite: bool = False,
    extra: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Write each table as ``<name>.csv``, ``.parquet`` and/or ``.json`` into the folder ``out``, atomically.

    Parameters
    ----------
    tables : mapping of str to DataFrame or list of dict
    out : path
        The folder to create (or, with ``overwrite=True``, to replace).
    formats : iterable of str, default=("csv", "parquet", "json")
        In CSV, list and dict cells are JSON text; in Parquet, dict cells are JSON text.
    extra : callable, optional
        Writes further files into the temporary folder it is given (e.g. a GraphML network).

    Returns
    -------
    list of Path
        The files written, sorted.

    Notes
    -----
    Everything is written into a temporary folder beside ``out``; only when every file is written does
    it take ``out``'s place (an existing ``out`` is first renamed aside, then removed), so a failure
    at any point leaves ``out`` as it was and no temporary folder behind. The folder gets the
    permissions of a folder made by ``mkdir`` under the process's umask.
    """
    chosen = parse_formats(list(formats))
    out = check_export_target(out, overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.export-", dir=out.parent))
    aside: Path | None = None
    try:
        files = default_file_mode()  # the folder gets the mode mkdir would give it, not mkdtemp's 0o700
        tmp.chmod(files | ((files & 0o444) >> 2))
        for name, table in tables.items():
            df = _frame(table)
            if "csv" in chosen:
                _json_cells(df, dicts_only=False).to_csv(tmp / f"{name}.csv", index=False)
            if "parquet" in chosen:
                _json_cells(df, dicts_only=True).to_parquet(tmp / f"{name}.parquet", index=False)
            if "json" in chosen:
                (tmp / f"{name}.json").write_text(
                    json.dumps(to_jsonable(df), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
                )
        if extra is not None:
            extra(tmp)
        if out.exists():
            aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.replace(out, aside / "old")
        try:
            os.replace(tmp, out)
        except BaseException:
            if aside is not None:
                os.replace(aside / "old", out)
            raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
    return sorted(out.iterdir())


def export_case(
    case: Case, out: str | Path, *, formats: Iterable[str] = FORMATS, overwrite: bool = False
) -> list[Path]:
    """Write every evidence table of the case in the given formats, plus ``network.graphml``, into ``out``.

    The engines' results (recognitions, outcomes, findings, stance) are exported by
    :func:`dialoguelab.export.export_all`. Nothing is half-written: see :func:`write_tables`.
    Returns the written paths.
    """
    chosen = parse_formats(list(formats))
    check_export_target(out, overwrite)
    import networkx as nx

    from dialoguelab.evidence.actors import actor_network

    network = actor_network(case)
    return write_tables(
        evidence_tables(case),
        out,
        formats=chosen,
        overwrite=overwrite,
        extra=lambda folder: nx.write_graphml(network, folder / "network.graphml"),
    )
