"""The baseline side of the power-index benchmark: times the ``powerindex`` package on the games it is given.

Runs in the benchmark's own environment (a venv that holds ``powerindex``, never ours): reads
``{"games": [{"weights": [...], "quota": q, "index": "banzhaf"|"shapley_shubik", "reps": r}, ...]}`` as
JSON on stdin and writes one result per game (median seconds, values or the error) as JSON on stdout.
Standard library and ``powerindex`` only: it must not import dialoguelab.
"""

from __future__ import annotations

import json
import statistics
import sys
import time


def main() -> None:
    import powerindex as px

    try:
        from importlib.metadata import version

        ver = version("powerindex")
    except Exception:  # noqa: BLE001 - the version is informative only
        ver = "unknown"
    spec = json.load(sys.stdin)
    out = []
    for game in spec["games"]:
        w, q, idx, reps = game["weights"], game["quota"], game["index"], game["reps"]
        times = []
        values = None
        try:
            for _ in range(reps):
                t = time.perf_counter()
                g = px.Game(q, weights=w)
                if idx == "banzhaf":
                    g.calc_banzhaf()
                    values = g.banzhaf
                else:
                    g.calc_shapley_shubik()
                    values = g.shapley_shubik
                times.append(time.perf_counter() - t)
            out.append({"seconds": statistics.median(times), "runs": times, "values": values})
        except Exception as exc:  # noqa: BLE001 - recorded as the baseline's failure
            out.append({"error": f"{type(exc).__name__}: {exc}"})
    json.dump({"powerindex_version": ver, "python": sys.version.split()[0], "results": out}, sys.stdout)


if __name__ == "__main__":
    main()
