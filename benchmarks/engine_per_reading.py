"""Engine cost per reading, by role: median and 99th percentile in microseconds.

Run from the repo root: `.venv/bin/python -m benchmarks.engine_per_reading`.
Each role gets a household with one source of that role (plus a fridge as background
power, as in a real home) and a stream of realistic readings, fed through
`Household.observe` with timezone-aware datetimes, exactly as the integration does.
Each call is timed on its own; the cost of the timer itself is measured and subtracted.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from custom_components.care_plug.engine import Household, HouseholdSettings

START = datetime(2026, 1, 5, tzinfo=UTC)
STEP = timedelta(seconds=10)

type Stream = Callable[[random.Random, int], str]


def power(rng: random.Random, i: int) -> str:
    # A TV: off at 0.5 W most of the time, on at ~80 W with picture wobble in the evening.
    on = (i // 360) % 4 == 0
    return f"{80 + rng.uniform(-8, 8):.1f}" if on else "0.5"


def background(rng: random.Random, i: int) -> str:
    # A fridge compressor cycle: ~15 minutes on in every 40.
    return f"{95 + rng.uniform(-5, 5):.1f}" if i % 240 < 90 else "1.2"


def light(rng: random.Random, i: int) -> str:
    # Daylight curve with noise, and a lamp switched on and off now and then.
    hour = (i * 10 / 3600) % 24
    daylight = max(0.0, 400 * (1 - abs(hour - 12) / 6))
    lamp = 120 if (i // 720) % 3 == 0 else 0
    return f"{daylight + lamp + rng.uniform(0, 2):.1f}"


def presence(rng: random.Random, i: int) -> str:
    return "on" if rng.random() < 0.1 else "off"


def other(rng: random.Random, i: int) -> str:
    return rng.choice(("playing", "paused", "idle", "playing"))


ROLES: dict[str, tuple[str, Stream]] = {
    "power": ("power_sources", power),
    "background_power": ("background_power_sources", background),
    "light": ("light_sources", light),
    "presence": ("presence_sources", presence),
    "other": ("other_sources", other),
}


def timer_overhead(samples: int) -> float:
    """Nanoseconds two perf_counter_ns calls cost with nothing between them."""
    clock = time.perf_counter_ns
    costs = []
    for _ in range(samples):
        a = clock()
        b = clock()
        costs.append(b - a)
    return statistics.median(costs)


def measure_role(role: str, readings: int, seed: int) -> list[float]:
    """Per-call cost in nanoseconds for `readings` readings of one role."""
    key, stream = ROLES[role]
    entity = f"sensor.{role}"
    options: dict[str, object] = {key: [entity], "critical_after": {"days": 14}}
    options["attention_after"] = {"days": 12}
    options["warning_after"] = {"days": 13}
    if role == "background_power":
        options["presence_sources"] = ["binary_sensor.door"]
    else:
        options["background_power_sources"] = ["sensor.fridge"]
    house = Household(HouseholdSettings.from_options(options), START, location=(37.57, 126.98))
    rng = random.Random(seed)
    states = [stream(rng, i) for i in range(readings)]
    moments = [START + STEP * i for i in range(readings)]
    clock = time.perf_counter_ns
    observe = house.observe
    costs: list[float] = []
    gc.disable()
    try:
        for state, moment in zip(states, moments, strict=True):
            a = clock()
            observe(entity, state, moment)
            b = clock()
            costs.append(b - a)
    finally:
        gc.enable()
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=int, default=100_000, help="readings per role")
    parser.add_argument("--repeat", type=int, default=5, help="runs per role")
    args = parser.parse_args()
    overhead = timer_overhead(100_000)
    results: dict[str, dict[str, float]] = {}
    for role in ROLES:
        medians, p99s = [], []
        for run in range(args.repeat):
            costs = sorted(c - overhead for c in measure_role(role, args.readings, run))
            medians.append(costs[len(costs) // 2] / 1000)
            p99s.append(costs[int(len(costs) * 0.99)] / 1000)
        results[role] = {
            "median_us": round(statistics.median(medians), 3),
            "p99_us": round(statistics.median(p99s), 3),
        }
    summary = {
        "benchmark": "engine_per_reading",
        "readings_per_role": args.readings,
        "runs": args.repeat,
        "timer_overhead_ns": overhead,
        "target_median_us": 5.0,
        "roles": results,
    }
    print(json.dumps(summary, indent=2))
    print()
    print(f"{'role':<18}{'median µs':>12}{'p99 µs':>10}")
    for role, figures in results.items():
        print(f"{role:<18}{figures['median_us']:>12.3f}{figures['p99_us']:>10.3f}")


if __name__ == "__main__":
    main()
