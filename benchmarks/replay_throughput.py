"""Replay throughput, end to end: readings per second of the real command, CSV parsing included.

    .venv/bin/python -m benchmarks.replay_throughput [--days N] [--runs N]

Generates a History-panel file of 10-second readings (a TV plug, a fridge plug and a
light sensor), then times the replay command in a subprocess several times, for the
file grouped by entity (as Home Assistant writes it) and sorted by time. Prints a table
and a JSON line with the medians. Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 1, 5, tzinfo=UTC).timestamp()
STEP = 10.0  # seconds between readings

ENTITIES = {
    "sensor.tv_power": "power_sources",
    "sensor.fridge_power": "background_power_sources",
    "sensor.lounge_lux": "light_sources",
}


def options() -> dict[str, object]:
    """A household watching the generated entities."""
    out: dict[str, list[str]] = {}
    for entity_id, key in ENTITIES.items():
        out.setdefault(key, []).append(entity_id)
    return {**out, "attention_after": {"hours": 12}}


def _stamp(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def series(entity_id: str, days: float, seed: int) -> Iterator[tuple[float, str]]:
    """10-second readings of one entity, with use that the engine must classify."""
    rng = random.Random(f"{entity_id}-{seed}")
    count = int(days * 86400 / STEP)
    for i in range(count):
        ts = START + i * STEP
        hour = (i * STEP / 3600.0) % 24
        if entity_id == "sensor.tv_power":
            value = rng.uniform(80, 95) if 19 <= hour < 22 else rng.uniform(0.3, 0.6)
            yield ts, f"{value:.1f}"
        elif entity_id == "sensor.fridge_power":
            value = rng.uniform(85, 95) if (i // 90) % 3 == 0 else rng.uniform(1.5, 2.5)
            yield ts, f"{value:.1f}"
        else:
            lamp = 60 if 18 <= hour < 23 else 0
            daylight = max(0.0, 300 * (1 - abs(hour - 12) / 5))
            yield ts, f"{lamp + daylight + rng.uniform(0, 2):.0f}"


def write_history(
    path: Path, entities: list[str], days: float, *, sort: bool = False, seed: int = 1
) -> int:
    """Write a History-panel CSV (grouped by entity, or sorted by time); the row count."""
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("entity_id,state,last_changed\n")
        if sort:
            streams = [series(entity_id, days, seed) for entity_id in entities]
            for readings in zip(*streams, strict=True):
                for entity_id, (ts, state) in zip(entities, readings, strict=True):
                    out.write(f"{entity_id},{state},{_stamp(ts)}\n")
                    rows += 1
        else:
            for entity_id in entities:
                # Streamed: a parent that holds the whole file would inflate the peak memory
                # that Linux reports for the children it forks.
                for ts, state in series(entity_id, days, seed):
                    out.write(f"{entity_id},{state},{_stamp(ts)}\n")
                    rows += 1
    return rows


def replay_command(options_path: Path, history: Path) -> list[str]:
    """The replay command line the benchmarks run, activity output included."""
    return [
        sys.executable,
        "-m",
        "custom_components.care_plug.replay",
        "--options",
        str(options_path),
        "--events",
        str(history),
        "--activity",
    ]


def replay_seconds(options_path: Path, history: Path) -> float:
    """Wall-clock seconds of one replay command, interpreter start included."""
    command = replay_command(options_path, history)
    began = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=30.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        options_path = Path(tmp) / "options.json"
        options_path.write_text(json.dumps(options()))
        for layout in ("grouped", "sorted"):
            history = Path(tmp) / f"{layout}.csv"
            rows = write_history(history, list(ENTITIES), args.days, sort=layout == "sorted")
            times = [replay_seconds(options_path, history) for _ in range(args.runs)]
            median = statistics.median(times)
            results.append(
                {
                    "layout": layout,
                    "days": args.days,
                    "readings": rows,
                    "megabytes": round(history.stat().st_size / 1e6, 1),
                    "runs": args.runs,
                    "median_seconds": round(median, 3),
                    "readings_per_second": round(rows / median),
                }
            )
            history.unlink()
    print(f"{'layout':<8} {'readings':>10} {'MB':>6} {'median s':>9} {'readings/s':>11}")
    for r in results:
        print(
            f"{r['layout']!s:<8} {r['readings']:>10} {r['megabytes']:>6} "
            f"{r['median_seconds']:>9} {r['readings_per_second']:>11}"
        )
    print(json.dumps({"benchmark": "replay_throughput", "results": results}))


if __name__ == "__main__":
    main()
