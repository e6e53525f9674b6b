"""Ingest many documents in parallel: local processes or a Dask cluster, through one code path.

Both back ends are :class:`concurrent.futures.Executor` objects: a
:class:`~concurrent.futures.ProcessPoolExecutor` with the ``spawn`` start method, or the executor of a
:class:`dask.distributed.Client` connected to the given address (``Client.get_executor()``). Tasks
receive the gazetteer as plain data and return plain dicts, so nothing but names and text crosses a
process boundary. A Rich progress bar counts finished documents. A document that cannot be read is
reported with its message and does not stop the others.
"""

from __future__ import annotations

__all__ = ["collect_paths", "ingest_paths", "IngestBatch"]

import multiprocessing
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dialoguelab.errors import InvalidParameterError
from dialoguelab.ingest.actors import Gazetteer, NewActorCandidate
from dialoguelab.ingest.candidates import Candidate, IngestResult, ingest_document
from dialoguelab.ingest.document import MAX_BYTES, SUPPORTED_SUFFIXES, DocumentError


@dataclass
class IngestBatch:
    """Results of a batch: one :class:`IngestResult` per readable document, and the failures."""

    results: list[IngestResult] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    backend: str = "serial"
    workers: int = 1

    @property
    def documents_per_second(self) -> float:
        n = len(self.results) + len(self.errors)
        return n / self.seconds if self.seconds > 0 else 0.0


def collect_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files to ingest: each file given, and every supported file under each folder (sorted).

    Raises
    ------
    InvalidParameterError
        For a path that does not exist or a folder with no supported files.
    """
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise InvalidParameterError(f"{p} does not exist: give files or folders to ingest.")
        if p.is_dir():
            found = sorted(
                q
                for q in p.rglob("*")
                if q.is_file() and q.suffix.lower() in SUPPORTED_SUFFIXES and not q.name.startswith(".")
            )
            if not found:
                raise InvalidParameterError(
                    f"{p} has no documents ({', '.join(SUPPORTED_SUFFIXES)}): nothing to ingest."
                )
            out += found
        else:
            out.append(p)
    return out


_GAZETTEERS: dict[int, Gazetteer] = {}


def _task(
    path: str,
    payload: dict[str, Any],
    events: list[tuple[str, str, list[str]]],
    max_bytes: int,
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Worker entry point: ingest one document and return plain data (or the error message)."""
    key = hash(tuple(tuple(n) for n in payload["names"]))
    gaz = _GAZETTEERS.get(key)
    if gaz is None:  # compiled once per worker process, not once per document
        gaz = _GAZETTEERS[key] = Gazetteer.from_payload(payload)

    class _Ev:  # a minimal stand-in for case events (id, date, actors) that pickles as tuples
        def __init__(self, eid: str, date: str, actors: list[str]) -> None:
            self.id, self.date, self.source_actors = eid, date, actors
            self.target_actors: list[str] = []

    try:
        result = ingest_document(path, gaz, [_Ev(*e) for e in events], max_bytes=max_bytes, metadata=metadata)
    except DocumentError as exc:
        return {"path": path, "error": str(exc)}
    return {"path": path, "result": result.to_dict()}


def _task_many(
    paths: list[str],
    payload: dict[str, Any],
    events: list[tuple[str, str, list[str]]],
    max_bytes: int,
    metadata: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Several documents per task, so that per-task overhead is paid once per chunk."""
    return [_task(p, payload, events, max_bytes, metadata) for p in paths]


def _from_dict(d: dict[str, Any]) -> IngestResult:
    cands = [Candidate(**c) for c in d["candidates"]]
    new = [
        NewActorCandidate(n["name"], n["count"], n["first_line"], tuple(n.get("contexts", ())))
        for n in d["new_actors"]
    ]
    return IngestResult(d["document"], cands, new, d["stats"])


def _executor(workers: int, dask_address: str | None) -> tuple[AbstractContextManager[Any], str]:
    if dask_address:
        from dialoguelab.daskutil import dask_client

        client = dask_client(dask_address)

        class _DaskExec(AbstractContextManager[Executor]):
            def __enter__(self) -> Executor:
                return client.get_executor()

            def __exit__(self, *exc: object) -> None:
                client.close()

        return _DaskExec(), "dask"
    if workers <= 1:
        return nullcontext(None), "serial"
    ctx = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx), "processes"


def ingest_paths(
    paths: Sequence[str | Path],
    gazetteer: Gazetteer,
    case_events: Iterable[Any] = (),
    workers: int = 1,
    dask_address: str | None = None,
    progress: bool = False,
    max_bytes: int = MAX_BYTES,
    on_result: Callable[[str], None] | None = None,
    metadata: dict[str, Any] | None = None,
) -> IngestBatch:
    """Ingest files and folders, serially, on local processes, or on a Dask cluster.

    Parameters
    ----------
    paths : sequence of path
        Files and folders (folders are searched for supported documents).
    gazetteer : Gazetteer
    case_events : iterable of Event, optional
        For linking candidates to existing events.
    workers : int, default=1
        Local worker processes (spawned); 1 runs in this process. Ignored with ``dask_address``.
    dask_address : str, optional
        A Dask scheduler address (``tcp://host:8786``); the tasks then run on that cluster.
    progress : bool, default=False
        Show a Rich progress bar on stderr.
    metadata : dict, optional
        What the reviewer says of the documents (title, publisher, date, url, note), for every one of
        them (:func:`dialoguelab.ingest.api.ingest` allows it for one document only).

    Returns
    -------
    IngestBatch
        Results in the order of ``paths``; unreadable documents are in ``errors``.
    """
    if workers < 1:
        raise InvalidParameterError(f"workers must be at least 1, got {workers}.")
    files = collect_paths(paths)
    payload = gazetteer.to_payload()
    events = [(e.id, str(e.date), sorted(set(e.source_actors) | set(e.target_actors))) for e in case_events]
    t0 = time.perf_counter()
    outputs: dict[str, dict[str, Any]] = {}
    cm, backend = _executor(workers, dask_address)
    bar_cm: AbstractContextManager[Any]
    if progress:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        bar_cm = Progress(
            TextColumn("ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
    else:
        bar_cm = nullcontext(None)
    with cm as ex, bar_cm as bar:
        task = bar.add_task("ingest", total=len(files)) if bar is not None else None
        if ex is None:
            for f in files:
                out = _task(str(f), payload, events, max_bytes, metadata)
                outputs[str(f)] = out
                if bar is not None:
                    bar.advance(task)  # type: ignore[arg-type]
                if on_result:
                    on_result(str(f))
        else:
            size = max(1, min(16, len(files) // (max(workers, 2) * 4)))
            chunks = [[str(f) for f in files[i : i + size]] for i in range(0, len(files), size)]
            futures: dict[Future[list[dict[str, Any]]], list[str]] = {
                ex.submit(_task_many, chunk, payload, events, max_bytes, metadata): chunk for chunk in chunks
            }
            for fut in as_completed(futures):
                for path, out in zip(futures[fut], fut.result(), strict=True):
                    outputs[path] = out
                    if bar is not None:
                        bar.advance(task)  # type: ignore[arg-type]
                    if on_result:
                        on_result(path)
    batch = IngestBatch(
        seconds=time.perf_counter() - t0, backend=backend, workers=1 if backend == "serial" else workers
    )
    for f in files:
        out = outputs[str(f)]
        if "error" in out:
            batch.errors.append((str(f), out["error"]))
        else:
            batch.results.append(_from_dict(out["result"]))
    return batch
