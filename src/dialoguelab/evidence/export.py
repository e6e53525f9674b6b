"""Export the whole case: CSV, Parquet and JSON tables, and the actor network as GraphML."""

from __future__ import annotations

__all__ = ["export_case", "FORMATS"]

import json
import os
import shutil
import tempfile
from pathlib import Path

import networkx as nx

from dialoguelab.case import Case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.evidence.actors import actor_network
from dialoguelab.jsonable import to_jsonable
from dialoguelab.store import TABLES, open_store

FORMATS = ("csv", "parquet", "json")


def export_case(
    case: Case, out: str | Path, *, formats: tuple[str, ...] = FORMATS, overwrite: bool = False
) -> list[Path]:
    """Write every table of the case in the given formats, plus ``network.graphml``, into ``out``.

    The files are written into a temporary folder beside ``out`` and moved into place at the end, so a
    failed export leaves nothing half-written. Returns the written paths.
    """
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise InvalidParameterError(f"The 'formats' parameter takes {', '.join(FORMATS)}. Got {bad or formats!r}.")
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise InvalidParameterError(f"{out} exists and is not empty: choose another folder or pass overwrite=True.")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=out.parent))
    try:
        store = open_store(case)
        for name in TABLES:
            df = store.table(name)
            if "csv" in formats:
                flat = df.copy()
                for col in flat.columns:
                    if flat[col].dtype == object and any(
                        hasattr(v, "__len__") and not isinstance(v, str) for v in flat[col]
                    ):
                        flat[col] = flat[col].map(lambda v: json.dumps(to_jsonable(list(v))) if v is not None else None)
                flat.to_csv(tmp / f"{name}.csv", index=False)
            if "parquet" in formats:
                df.to_parquet(tmp / f"{name}.parquet", index=False)
            if "json" in formats:
                df.to_json(tmp / f"{name}.json", orient="records", date_format="iso", indent=1, force_ascii=False)
        nx.write_graphml(actor_network(case), tmp / "network.graphml")
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sorted(out.iterdir())
