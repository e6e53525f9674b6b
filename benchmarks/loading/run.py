"""Benchmark of reading a case: the bounded reader (libyaml, and its pure-Python fallback) against the
reader it replaced.

Run: python benchmarks/loading/run.py   (writes benchmarks/loading/results.json)

Baseline: ``baseline_reader.py``, the reader as it was before (PyYAML's pure-Python ``SafeLoader``
composing a node graph, then constructing each record), patched into the same loaders, so the same
validation and cross-checks run on top of both. Figures are medians of repeated runs, in CPU seconds
(``time.process_time``; other work on a shared machine does not count); each ratio is baseline time
over new time. Besides valid input it times the refusal of the malformed inputs the
bounded reader exists for (each baseline run in a subprocess with a time limit).
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "results.json"
sys.path.insert(0, str(HERE))

import baseline_reader  # noqa: E402

BASELINE_TIMEOUT = 30.0  # seconds a malformed input may keep the baseline busy before it is called hung


def median_time(fn: Callable[[], Any], repeat: int) -> float:
    """Median CPU time of ``fn`` (``time.process_time``: the machine is shared, wall time is noisy)."""
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)


@contextlib.contextmanager
def reader(kind: str) -> Iterator[None]:
    """Run the loaders with the baseline reader (``"baseline"``) or the new one on libyaml or Python."""
    import dialoguelab.case.loader as case_loader
    import dialoguelab.membership.data as membership_data
    import dialoguelab.world.loader as world_loader
    from dialoguelab.case import files

    names = ("read_yaml_mapping", "read_yaml_records", "read_yaml_list", "read_csv_records", "validate_records")
    modules = (case_loader, world_loader, membership_data)
    saved = [(m, n, getattr(m, n)) for m in modules for n in names if hasattr(m, n)]
    libyaml = files.USE_LIBYAML
    try:
        if kind == "baseline":
            for m, n, _ in saved:
                setattr(m, n, getattr(baseline_reader, n))
        files.USE_LIBYAML = kind == "libyaml"
        yield
    finally:
        for m, n, f in saved:
            setattr(m, n, f)
        files.USE_LIBYAML = libyaml


def synthetic_events(case_root: Path, megabytes: float) -> str:
    """The built-in case's events repeated (ids made unique) up to about ``megabytes`` MiB."""
    body = "".join(p.read_text(encoding="utf-8") for p in sorted((case_root / "events").glob("*.yaml")))
    chunks: list[str] = []
    size = 0
    while size < megabytes * 1024 * 1024:
        chunk = re.sub(r"^- id: (\S+)", rf"- id: \g<1>-{len(chunks)}", body, flags=re.M)
        chunks.append(chunk)
        size += len(chunk.encode("utf-8"))
    return "".join(chunks)


LAUGHS = "\n".join(
    ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(9)]
)


def _baseline_in_subprocess(case_dir: Path) -> dict[str, Any]:
    """Time ``check_case`` with the baseline reader in a child process, stopped after BASELINE_TIMEOUT."""
    code = "\n".join(
        [
            f"import sys, time; sys.path.insert(0, {str(HERE)!r})",
            "import run",
            "from dialoguelab.case import check_case",
            "t = time.perf_counter()",
            "with run.reader('baseline'):",
            "    try:",
            f"        r = check_case({str(case_dir)!r}); out = str(len(r.problems)) + ' problem(s)'",
            "    except BaseException as exc:",
            "        out = type(exc).__name__",
            "print(time.perf_counter() - t, out)",
        ]
    )
    t = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=BASELINE_TIMEOUT, env=os.environ
        )
    except subprocess.TimeoutExpired:
        return {"seconds": None, "outcome": f"still running after {BASELINE_TIMEOUT:g} s (stopped)"}
    if proc.returncode != 0 or not proc.stdout.strip():
        return {"seconds": round(time.perf_counter() - t, 3), "outcome": f"crashed: {proc.stderr.strip()[-200:]}"}
    seconds, outcome = proc.stdout.strip().split(" ", 1)
    return {"seconds": round(float(seconds), 3), "outcome": outcome}


def malformed(root: Path, work: Path) -> dict[str, Any]:
    """Time the refusal of each malformed input by the new reader; the baseline's outcome beside it."""
    from dialoguelab.case import check_case

    def make(name: str, edit: Callable[[Path], None]) -> Path:
        d = work / name
        shutil.copytree(root, d)
        edit(d)
        return d

    events = "events/ingested.yaml"

    def laughs(d: Path) -> None:
        p = d / events
        p.write_text("- " + LAUGHS.replace("\n", "\n  ") + "\n  id: *j\n" + p.read_text(encoding="utf-8"))

    def deep(d: Path) -> None:
        p = d / events
        p.write_text("- id: deep\n  summary: " + "[" * 5000 + "]" * 5000 + "\n" + p.read_text(encoding="utf-8"))

    def oversize(d: Path) -> None:
        with (d / events).open("r+b") as fh:  # sparse: a gigabyte on paper, nothing on disk
            fh.truncate(1 << 30)

    out: dict[str, Any] = {}
    for name, edit in (("billion_laughs_alias", laughs), ("nesting_5000_deep", deep), ("events_file_1_gib", oversize)):
        d = make(name, edit)
        with reader("libyaml"):
            t = time.perf_counter()
            report = check_case(d)
            seconds = time.perf_counter() - t
        out[name] = {
            "new_seconds": round(seconds, 3),
            "new_outcome": [str(p) for p in report.problems],
            "baseline": _baseline_in_subprocess(d),
        }
    return out


def main() -> None:
    os.environ["DIALOGUELAB_CACHE"] = tempfile.mkdtemp(prefix="dl-bench-")
    import dialoguelab.case.loader as case_loader
    import dialoguelab.membership.data as membership_data
    import dialoguelab.world.loader as world_loader
    from dialoguelab.case import builtin_case_path, files, load_case
    from dialoguelab.case.files import MAX_FILE_BYTES
    from dialoguelab.case.schema import Event

    root = builtin_case_path()
    case = load_case(root)
    results: dict[str, Any] = {"what": {}, "seconds": {}, "ratio_baseline_over_new": {}, "clock": "CPU seconds"}

    def build_case() -> None:
        case_loader._build(root)

    def load_membership() -> None:
        world_loader._CACHE.clear()
        case.clear_cached()
        membership_data._load(case)

    def load_membership_files() -> None:
        case.clear_cached()  # the world data stay in their own cache, as when a second case is loaded
        membership_data._load(case)

    work = Path(tempfile.mkdtemp(prefix="dl-bench-load-"))
    big = work / "events-1mib.yaml"
    big.write_text(synthetic_events(root, 1), encoding="utf-8")
    limit_file = work / "events-at-limit.yaml"
    text = synthetic_events(root, MAX_FILE_BYTES / (1024 * 1024) * 0.95)
    limit_file.write_text(text, encoding="utf-8")

    def parse_big() -> None:
        problems: list[Any] = []
        recs = case_loader.read_yaml_records(big, problems)
        case_loader.validate_records(recs, Event, problems)

    def parse_limit() -> None:
        problems: list[Any] = []
        recs = files.read_yaml_records(limit_file, problems)
        files.validate_records(recs, Event, problems)

    results["what"] = {
        "load_case": f"read and validate the built-in case's evidence files ({len(case.events)} events), "
        "cross-checks and locators included (loader._build)",
        "membership": "read the world data and the case's membership files and compile the rules "
        "(membership.data._load, world cache cleared)",
        "membership_files": "the same with the world data already loaded (their cache kept): the case's own "
        "membership files",
        "events_1mib": f"read and validate one synthetic events file of {big.stat().st_size} bytes",
        "events_at_limit": f"the same at {limit_file.stat().st_size} bytes, just under the limit "
        f"({MAX_FILE_BYTES} bytes); new reader only (the baseline takes minutes)",
    }
    for kind in ("libyaml", "python", "baseline"):
        with reader(kind):
            results["seconds"][f"load_case_{kind}"] = median_time(build_case, 9)
            results["seconds"][f"membership_{kind}"] = median_time(load_membership, 15)
            load_membership()  # the world data of this reader in the cache
            results["seconds"][f"membership_files_{kind}"] = median_time(load_membership_files, 15)
            results["seconds"][f"events_1mib_{kind}"] = median_time(parse_big, 1 if kind != "libyaml" else 3)
    with reader("libyaml"):
        results["seconds"]["events_at_limit_libyaml"] = median_time(parse_limit, 1)
    for what in ("load_case", "membership", "membership_files", "events_1mib"):
        base = results["seconds"][f"{what}_baseline"]
        results["ratio_baseline_over_new"][what] = round(base / results["seconds"][f"{what}_libyaml"], 2)
        results["ratio_baseline_over_new"][f"{what}_python_fallback"] = round(
            base / results["seconds"][f"{what}_python"], 2
        )
    results["seconds"] = {k: round(v, 4) for k, v in results["seconds"].items()}
    results["malformed"] = malformed(root, work)
    shutil.rmtree(work, ignore_errors=True)
    import yaml

    results["machine"] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "pyyaml": yaml.__version__,
        "libyaml": yaml.__with_libyaml__,
    }
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: results[k] for k in ("seconds", "ratio_baseline_over_new")}, indent=2))


if __name__ == "__main__":
    main()
