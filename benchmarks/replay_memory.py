"""Replay memory: peak resident memory of the replay command for 30 and 300 days of input.

    .venv/bin/python -m benchmarks.replay_memory

Writes 10-second readings of one power source (30 days: 259,200 rows; 300 days:
2,592,000 rows) to a temporary directory, replays each in a subprocess and reads that
process's peak resident set size from the kernel (`os.wait4`). The files are deleted
afterwards. A streamed replay needs about the same memory for both, so the ratio stays
near 1. Prints a table and a JSON line; nothing here asserts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.replay_throughput import ROOT, replay_command, write_history

ENTITY = "sensor.tv_power"
DAYS = (30, 300)


def peak_rss_mb(command: list[str]) -> tuple[float, float]:
    """Peak resident memory (MB) and wall-clock seconds of one subprocess."""
    began = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - began
    if process.returncode != 0:
        raise SystemExit(f"{command} failed with exit code {process.returncode}")
    return usage.ru_maxrss / 1024.0, seconds  # ru_maxrss is in KiB on Linux


def main() -> None:
    results: list[dict[str, object]] = []
    peaks: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        options_path = Path(tmp) / "options.json"
        options_path.write_text(json.dumps({"power_sources": [ENTITY]}))
        baseline, _ = peak_rss_mb(
            [sys.executable, "-c", "import custom_components.care_plug.replay"]
        )
        for days in DAYS:
            history = Path(tmp) / f"{days}d.csv"
            rows = write_history(history, [ENTITY], days)
            size = history.stat().st_size / 1e6
            command = replay_command(options_path, history)
            peak, seconds = peak_rss_mb(command)
            peaks.append(peak)
            history.unlink()
            results.append(
                {
                    "days": days,
                    "readings": rows,
                    "file_megabytes": round(size, 1),
                    "peak_rss_megabytes": round(peak, 1),
                    "seconds": round(seconds, 2),
                }
            )
    ratio = round(peaks[-1] / peaks[0], 3)
    print(f"interpreter + import alone: {baseline:.1f} MB peak")
    print(f"{'days':>5} {'readings':>10} {'file MB':>8} {'peak MB':>8} {'seconds':>8}")
    for r in results:
        print(
            f"{r['days']:>5} {r['readings']:>10} {r['file_megabytes']:>8} "
            f"{r['peak_rss_megabytes']:>8} {r['seconds']:>8}"
        )
    print(f"peak memory ratio {DAYS[1]} d / {DAYS[0]} d: {ratio}")
    print(
        json.dumps(
            {
                "benchmark": "replay_memory",
                "baseline_megabytes": round(baseline, 1),
                "results": results,
                "ratio": ratio,
            }
        )
    )


if __name__ == "__main__":
    main()
