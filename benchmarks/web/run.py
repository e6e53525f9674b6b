"""Load benchmark of the dashboard: 50 concurrent clients on a just-started server, then warm.

Run: ``python benchmarks/web/run.py`` (from the repository root, with the package installed).

For the code under test and for a baseline (by default the merge base with ``main``: main before this
branch's change), it:

1. starts the app with uvicorn in a subprocess on 127.0.0.1 and a free port (one process, as
   ``dialoguelab serve`` runs it), with an empty cache directory (``DIALOGUELAB_CACHE``): nothing
   computed in memory or on disk; the baseline's ``src/`` is exported with ``git archive`` and put
   first on ``PYTHONPATH``;
2. **cold**: as soon as the server answers, 50 clients, each with one keep-alive connection, request
   every URL of the mix twice, each client starting at another URL: every request must be answered
   (200) and none may take more than 5 s;
3. **warm**: the same 50 clients share a budget of requests over the same URLs: p50/p95/p99 latency
   (target: p95 < 100 ms) and throughput;
4. records the server's CPU seconds in each phase (``/proc/<pid>/stat``) and the load generator's own
   CPU per request, and writes ``results.json`` with both runs side by side and their ratios.

The load generator is this file's own asyncio HTTP/1.1 client (raw sockets, no HTTP library), run in
a process of its own: a few tens of microseconds of CPU per request (measured and written to the
results), so that it is not what limits the figures on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
COLD_LIMIT_S = 5.0
TARGET_P95_MS = 100.0

URLS = [
    "/api/v1/membership/series?body=un",
    "/api/v1/membership/series?body=unesco",
    "/api/v1/membership/series?body=eu",
    "/api/v1/findings",
    "/api/v1/stance",
    "/api/v1/stance?series=russia-west",
    "/api/v1/membership/compare",
    "/api/v1/membership/compare?recognize=ESP,SVK,ROU,GRC,CYP",
    "/api/v1/membership/outcome?body=un",
    "/api/v1/membership/admission?body=unesco&date=2015-11-09",
    "/api/v1/timeline",
    "/api/v1/summary",
    "/findings",
    "/stance",
]

SERVER = """
import sys, uvicorn
from dialoguelab.web.app import create_app
uvicorn.run(create_app(), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


# --------------------------------------------------------------------------------------------
# the load generator (runs in its own process: ``run.py --client ...``)


async def _one_request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, path: str) -> int:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: */*\r\n\r\n".encode("latin-1"))
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = None
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if length is not None:
        await reader.readexactly(length)
    elif chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def _drive(port: int, urls: list[str], clients: int, passes: int, budget: int, timeout: float) -> dict[str, Any]:
    host = f"127.0.0.1:{port}"
    latencies: list[float] = []
    per_url: dict[str, list[float]] = {u: [] for u in urls}
    errors: dict[str, int] = {}
    counter = iter(range(budget)) if budget else None
    deadline = time.monotonic() + (timeout * 2 if not budget else 600)  # the whole phase, bounded

    async def client(k: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        plan = [urls[(k + i) % len(urls)] for i in range(len(urls) * passes)] if not budget else None
        i = 0
        while True:
            if plan is not None:
                if i >= len(plan):
                    break
                url = plan[i]
            else:
                n = next(counter, None)  # type: ignore[arg-type]
                if n is None:
                    break
                url = urls[n % len(urls)]
            i += 1
            if time.monotonic() > deadline:
                key = f"not sent (phase over) {url}"
                errors[key] = errors.get(key, 0) + 1
                continue
            t0 = time.perf_counter()
            try:
                status = await asyncio.wait_for(_one_request(reader, writer, host, url), timeout)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                key = f"{type(exc).__name__} {url}"
                errors[key] = errors.get(key, 0) + 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            dt = (time.perf_counter() - t0) * 1000
            latencies.append(dt)
            per_url[url].append(dt)
            if status != 200:
                key = f"{status} {url}"
                errors[key] = errors.get(key, 0) + 1
        writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    wall = time.perf_counter() - t0
    return {"latencies": latencies, "per_url": per_url, "errors": errors, "wall": wall}


def client_main(args: argparse.Namespace) -> None:
    """The load generator process: drive the server, print the raw figures as JSON."""
    urls = json.loads(args.urls)
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    out = asyncio.run(_drive(args.port, urls, args.clients, args.passes, args.budget, args.timeout))
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    out["client_cpu_s"] = cpu
    json.dump(out, sys.stdout)


# --------------------------------------------------------------------------------------------
# the runner


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))
    return round(s[k], 2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], env=env)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                probe = f"GET /api/v1/summary HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
                s.sendall(probe.encode())
                if s.recv(12).startswith(b"HTTP/1.1 200"):
                    return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start within 180 s")


def run_client(port: int, clients: int, passes: int, budget: int, timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--client", "--port", str(port), "--clients", str(clients),
           "--passes", str(passes), "--budget", str(budget), "--timeout", str(timeout), "--urls", json.dumps(URLS)]
    done = subprocess.run(cmd, capture_output=True, check=True, text=True)
    return json.loads(done.stdout)


def summarise(raw: dict[str, Any], server_cpu: float) -> dict[str, Any]:
    lat = raw["latencies"]
    n_err = sum(raw["errors"].values())
    answered = len(lat) - sum(v for k, v in raw["errors"].items() if k[:1].isdigit())
    total = len(lat) + sum(v for k, v in raw["errors"].items() if not k[:1].isdigit())
    return {
        "requests": total, "answered_200": answered, "errors": n_err, "error_detail": raw["errors"],
        "seconds": round(raw["wall"], 2), "throughput_rps": round(answered / raw["wall"], 1) if raw["wall"] else None,
        "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "p99_ms": pct(lat, 99),
        "max_ms": round(max(lat), 1) if lat else None, "mean_ms": round(statistics.fmean(lat), 2) if lat else None,
        "server_cpu_s": round(server_cpu, 2),
        "client_cpu_us_per_request": round(raw["client_cpu_s"] / max(total, 1) * 1e6, 1),
        "max_ms_by_url": {u: round(max(v), 1) for u, v in raw["per_url"].items() if v},
    }


def export_src(ref: str, dest: Path) -> Path:
    data = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref, "src"], capture_output=True,
                          check=True).stdout
    tar = dest / "src.tar"
    tar.write_bytes(data)
    with tarfile.open(tar) as t:
        t.extractall(dest, filter="data")
    return dest / "src"


def measure(label: str, src: Path | None, args: argparse.Namespace) -> dict[str, Any]:
    cache = Path(tempfile.mkdtemp(prefix="dl-bench-cache-"))
    env = {**os.environ, "DIALOGUELAB_CACHE": str(cache)}
    if src is not None:
        env["PYTHONPATH"] = str(src) + os.pathsep + env.get("PYTHONPATH", "")
    port = free_port()
    load_before = [round(x, 2) for x in os.getloadavg()]
    print(f"{label}: starting the server (empty cache {cache})", file=sys.stderr)
    t_start = time.monotonic()
    proc = start_server(port, env)
    ready = time.monotonic() - t_start
    try:
        c0 = cpu_seconds(proc.pid)
        print(f"{label}: cold, {args.clients} clients x {len(URLS)} URLs x 2", file=sys.stderr)
        cold_raw = run_client(port, args.clients, 2, 0, args.cold_timeout)
        c1 = cpu_seconds(proc.pid)
        cold = summarise(cold_raw, c1 - c0)
        cold["all_answered_within_5s"] = bool(cold["errors"] == 0 and (cold["max_ms"] or 1e9) < COLD_LIMIT_S * 1000)
        print(f"  max {cold['max_ms']} ms, p50 {cold['p50_ms']} ms, errors {cold['errors']}, "
              f"server CPU {cold['server_cpu_s']} s", file=sys.stderr)
        print(f"{label}: warm, {args.clients} clients, {args.requests} requests", file=sys.stderr)
        warm_raw = run_client(port, args.clients, 0, args.requests, 60)
        c2 = cpu_seconds(proc.pid)
        warm = summarise(warm_raw, c2 - c1)
        warm["meets_target"] = bool(warm["errors"] == 0 and (warm["p95_ms"] or 1e9) < TARGET_P95_MS)
        warm["server_cpu_ms_per_request"] = round((c2 - c1) / max(warm["requests"], 1) * 1000, 3)
        print(f"  p50 {warm['p50_ms']} ms, p95 {warm['p95_ms']} ms, {warm['throughput_rps']} req/s", file=sys.stderr)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(cache, ignore_errors=True)
    return {"server_ready_s": round(ready, 2), "load_average_before": load_before, "cold": cold, "warm": warm}


def machine() -> dict[str, Any]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    import importlib.util

    import fastapi
    import uvicorn

    fast = [m for m in ("httptools", "uvloop") if importlib.util.find_spec(m) is not None]
    return {"cpu": cpu, "logical_cpus": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version(), "fastapi": fastapi.__version__, "uvicorn": uvicorn.__version__,
            "uvicorn_http": "httptools" if "httptools" in fast else "h11",
            "uvicorn_loop": "uvloop" if "uvloop" in fast else "asyncio"}


def ratio(a: float | None, b: float | None) -> float | None:
    return None if not a or not b else round(a / b, 2)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--passes", type=int, default=2, help=argparse.SUPPRESS)
    ap.add_argument("--budget", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--timeout", type=float, default=60.0, help=argparse.SUPPRESS)
    ap.add_argument("--urls", default="[]", help=argparse.SUPPRESS)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=5000, help="requests of the warm phase")
    ap.add_argument("--cold-timeout", type=float, default=180.0,
                    help="give up on a cold request after this many seconds (counted as unanswered)")
    ap.add_argument("--baseline", default=None, help="git ref of the baseline (default: merge base with main)")
    ap.add_argument("--no-baseline", action="store_true", help="measure the working tree only")
    ap.add_argument("--out", type=Path, default=HERE / "results.json")
    args = ap.parse_args(argv)
    if args.client:
        client_main(args)
        return 0

    results: dict[str, Any] = {
        "benchmark": "web: 50 concurrent clients on a just-started server (cold), then warm",
        "command": "python benchmarks/web/run.py",
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine(),
        "clients": args.clients,
        "urls": URLS,
        "targets": {"cold": f"every request answered (200), none slower than {COLD_LIMIT_S:g} s",
                    "warm": f"p95 < {TARGET_P95_MS:g} ms, no errors"},
        "load_generator": "benchmarks/web/run.py's own asyncio HTTP/1.1 client (raw sockets, keep-alive, one "
                          "connection per client) in a process of its own; its CPU per request is in the results",
        "notes": "one uvicorn process (as `dialoguelab serve`) and the load generator on the same machine; each "
                 "server starts with an empty DIALOGUELAB_CACHE; the cold phase starts when the server first "
                 "answers /api/v1/summary; load_average_before shows what else the (shared) machine was running",
    }
    results["after"] = measure("after", None, args)
    if not args.no_baseline:
        ref = args.baseline or subprocess.run(["git", "-C", str(ROOT), "merge-base", "HEAD", "main"],
                                              capture_output=True, check=True, text=True).stdout.strip()
        with tempfile.TemporaryDirectory(prefix="dl-bench-base-") as tmp:
            src = export_src(ref, Path(tmp))
            results["baseline_ref"] = ref
            results["baseline"] = measure("baseline", src, args)
        b, a = results["baseline"], results["after"]
        results["ratio_baseline_over_after"] = {
            "cold_max_ms": ratio(b["cold"]["max_ms"], a["cold"]["max_ms"]),
            "cold_p50_ms": ratio(b["cold"]["p50_ms"], a["cold"]["p50_ms"]),
            "cold_server_cpu_s": ratio(b["cold"]["server_cpu_s"], a["cold"]["server_cpu_s"]),
            "warm_p95_ms": ratio(b["warm"]["p95_ms"], a["warm"]["p95_ms"]),
            "warm_throughput_rps": ratio(a["warm"]["throughput_rps"], b["warm"]["throughput_rps"]),
        }
    ok = results["after"]["cold"]["all_answered_within_5s"] and results["after"]["warm"]["meets_target"]
    results["after_meets_targets"] = ok
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
