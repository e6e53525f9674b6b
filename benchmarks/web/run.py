"""Load benchmark of the dashboard's JSON API: 50 concurrent clients on loopback.

Run: ``python benchmarks/web/run.py`` (from the repository root, with the package installed).

Starts ``dialoguelab``'s app with uvicorn in a subprocess on 127.0.0.1 and a free port (one
process, as ``dialoguelab serve`` runs it), then drives it with 50 concurrent clients (httpx, async)
for a bounded number of requests per route group, and writes p50/p95/p99 latency, throughput and
errors, with the machine's description, to ``benchmarks/web/results.json``.

Each route group cycles through a fixed list of distinct URLs (different filters, bodies, dates).
The first request for a URL is computed; repeats may be served by the app's response cache
(:mod:`dialoguelab.web.cache`), as they would be for real users. ``cold_ms`` reports the first,
uncached answer of each URL measured alone, so the cost of a computation is visible too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
TARGET_P95_MS = 100.0

ROUTES: dict[str, list[str]] = {
    "timeline": [
        "/api/v1/timeline",
        "/api/v1/timeline?actor=russia",
        "/api/v1/timeline?actor=serbia&date_from=2011",
        "/api/v1/timeline?event_type=REJECT,THREATEN",
        "/api/v1/timeline?date_from=2008&date_to=2013",
        "/api/v1/timeline?text=veto",
        "/api/v1/timeline?actor=Moscow&event_type=SUPPORT",
        "/api/v1/timeline/per-year?actor=russia",
    ],
    "membership": [
        "/api/v1/membership/outcome?body=un",
        "/api/v1/membership/outcome?body=nato",
        "/api/v1/membership/outcome?body=osce&date=2015-11-09",
        "/api/v1/membership/outcome?body=un&recognize=ESP,SVK,ROU,GRC,CYP",
        "/api/v1/membership/admission?body=unesco&date=2015-11-09",
        "/api/v1/membership/admission?body=interpol&date=2018-11-20",
        "/api/v1/membership/compare?recognize=ESP,SVK,ROU,GRC,CYP",
        "/api/v1/recognitions?date=2013-06-01",
    ],
}


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    import importlib.util

    import fastapi
    import uvicorn

    fast = [m for m in ("httptools", "uvloop") if importlib.util.find_spec(m) is not None]
    return {
        "uvicorn_http": "httptools" if "httptools" in fast else "h11",
        "uvicorn_loop": "uvloop" if "uvloop" in fast else "asyncio",
        "platform": platform.platform(), "python": platform.python_version(), "cpu": cpu,
        "logical_cpus": os.cpu_count(), "memory_gb": mem, "fastapi": fastapi.__version__,
        "uvicorn": uvicorn.__version__, "httpx": httpx.__version__,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SERVER = """
import sys, uvicorn
from dialoguelab.web.app import create_app
uvicorn.run(create_app(), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


def start_server(port: int) -> subprocess.Popen[bytes]:
    # No background warm-up: the cold pass below computes the same things, one URL at a time,
    # and a warm-up thread would compete with the measured requests for the interpreter.
    env = {**os.environ, "DIALOGUELAB_WARM_UP": "false"}
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/summary", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start within 120 s")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))
    return s[k]


async def drive(base: str, urls: list[str], clients: int, requests: int, max_seconds: float) -> dict[str, Any]:
    """``clients`` concurrent clients, each its own ``httpx.AsyncClient`` with one keep-alive connection,
    sharing a budget of ``requests`` requests (and ``max_seconds``); each request waits for the full body."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    counter = iter(range(requests))
    deadline = time.monotonic() + max_seconds

    async def one_client() -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
            for i in counter:
                if time.monotonic() > deadline:
                    return
                url = urls[i % len(urls)]
                t0 = time.perf_counter()
                try:
                    r = await client.get(url)
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                    continue
                latencies.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    key = f"{r.status_code} {url}"
                    errors[key] = errors.get(key, 0) + 1

    t0 = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(clients)))
    wall = time.perf_counter() - t0
    ok = len(latencies) - sum(v for k, v in errors.items() if k[:1].isdigit())
    return {
        "requests": len(latencies) + sum(v for k, v in errors.items() if not k[:1].isdigit()),
        "errors": sum(errors.values()), "error_detail": errors,
        "seconds": round(wall, 3), "throughput_rps": round(ok / wall, 1) if wall else None,
        "p50_ms": round(pct(latencies, 50), 2), "p95_ms": round(pct(latencies, 95), 2),
        "p99_ms": round(pct(latencies, 99), 2), "max_ms": round(max(latencies), 2) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies), 2) if latencies else None,
    }


def cold(base: str, urls: list[str]) -> dict[str, float]:
    out = {}
    with httpx.Client(base_url=base, timeout=120) as c:
        for u in urls:
            t0 = time.perf_counter()
            r = c.get(u)
            out[u] = round((time.perf_counter() - t0) * 1000, 2) if r.status_code == 200 else float("nan")
            if r.status_code != 200:
                print(f"  warning: {u} answered {r.status_code}: {r.text[:200]}", file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=5000, help="requests per route group")
    ap.add_argument("--max-seconds", type=float, default=60.0, help="time bound per route group")
    ap.add_argument("--out", type=Path, default=HERE / "results.json")
    args = ap.parse_args(argv)

    port = free_port()
    proc = start_server(port)
    base = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {
        "benchmark": "web API under concurrent load (loopback)",
        "command": "python benchmarks/web/run.py",
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine(),
        "clients": args.clients,
        "target": f"p95 < {TARGET_P95_MS:g} ms, no errors",
        "notes": "one uvicorn process (as `dialoguelab serve`), client and server on the same machine; each "
                 "URL is computed once (cold_ms) and then answered from the app's response cache; each "
                 "client is its own httpx.AsyncClient with one keep-alive connection",
        "routes": {},
    }
    try:
        for group, urls in ROUTES.items():
            print(f"{group}: cold pass over {len(urls)} URLs", file=sys.stderr)
            cold_ms = cold(base, urls)
            print(f"{group}: {args.clients} clients, up to {args.requests} requests", file=sys.stderr)
            stats = asyncio.run(drive(base, urls, args.clients, args.requests, args.max_seconds))
            stats["urls"] = urls
            stats["cold_ms"] = cold_ms
            stats["meets_target"] = bool(stats["errors"] == 0 and stats["p95_ms"] < TARGET_P95_MS)
            results["routes"][group] = stats
            print(f"  p50 {stats['p50_ms']} ms  p95 {stats['p95_ms']} ms  p99 {stats['p99_ms']} ms  "
                  f"{stats['throughput_rps']} req/s  errors {stats['errors']}", file=sys.stderr)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    results["all_meet_target"] = all(r["meets_target"] for r in results["routes"].values())
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0 if results["all_meet_target"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
