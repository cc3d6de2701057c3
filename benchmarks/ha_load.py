"""CPU used by Care Plug per second of load: 1,000 households, plugs reporting every 5 s.

Run from the repo root: `.venv/bin/python -m benchmarks.ha_load`.
Each household has three plugs; every plug reports every 5 s of simulated time for 10
simulated minutes (600 readings/s at 1,000 households), pushed as fast as the core takes
them. The readings carry their simulated timestamps, so Care Plug sees 5 s spacing.
The same readings go through a core with no households (the reference) in each repeat;
Care Plug's share is (CPU with households - CPU of the reference) / simulated seconds,
CPU being `time.process_time` (every thread of the process, Store writes included).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import time

from .ha_harness import (
    POWER_ATTRS,
    median,
    plugs,
    running_hass,
    set_plug_states,
    setup_households,
    table,
)

INTERVAL = 5.0


def plug_value(rng: random.Random, on: bool) -> str:
    return f"{1200 + rng.uniform(-40, 40):.1f}" if on else f"{rng.uniform(0.2, 0.9):.1f}"


async def run(households: int, minutes: float, with_households: bool) -> tuple[float, int]:
    """(CPU seconds, readings) for the load, with or without Care Plug households."""
    rng = random.Random(7)
    sources = [e for i in range(households) for e in plugs(i)]
    rounds = int(minutes * 60 / INTERVAL)
    async with running_hass() as hass:
        set_plug_states(hass, households)
        if with_households:
            await setup_households(hass, households)
        await hass.async_block_till_done()
        async_set = hass.states.async_set
        start = time.time() + 3600
        gc.collect()
        cpu = time.process_time()
        for k in range(rounds):
            base = start + k * INTERVAL
            for n, entity_id in enumerate(sources):
                on = (k + n) % 60 < 6  # each appliance on 30 s in every 5 minutes
                stamp = base + n * INTERVAL / len(sources)
                async_set(entity_id, plug_value(rng, on), POWER_ATTRS, timestamp=stamp)
            await asyncio.sleep(0)  # let the loop run what the round scheduled
        await hass.async_block_till_done()
        cpu = time.process_time() - cpu
    return cpu, rounds * len(sources)


async def main_async(households: int, minutes: float, repeats: int) -> dict[str, object]:
    care: list[float] = []
    ref: list[float] = []
    share: list[float] = []
    readings = 0
    for r in range(repeats):
        order = [True, False] if r % 2 == 0 else [False, True]
        cpu: dict[bool, float] = {}
        for with_households in order:
            cpu[with_households], readings = await run(households, minutes, with_households)
        care.append(cpu[True])
        ref.append(cpu[False])
        share.append((cpu[True] - cpu[False]) / (minutes * 60))
    return {
        "benchmark": "ha_load",
        "households": households,
        "simulated_seconds": minutes * 60,
        "readings": readings,
        "readings_per_simulated_second": round(readings / (minutes * 60), 1),
        "repeats": repeats,
        "cpu_seconds_reference": round(median(ref), 3),
        "cpu_seconds_with_care_plug": round(median(care), 3),
        "care_plug_cpu_seconds_per_second": round(median(share), 4),
        "care_plug_cpu_seconds_per_second_runs": [round(s, 4) for s in share],
        "care_plug_us_per_reading": round(median(share) * minutes * 60 / readings * 1e6, 2),
        "target": 0.1,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=10.0, help="simulated minutes")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="2 simulated minutes, 3 repeats")
    args = parser.parse_args()
    if args.quick:
        args.minutes = 2.0
    result = asyncio.run(main_async(args.households, args.minutes, args.repeats))
    print(
        table(
            ["households", "readings/s", "CPU s reference", "CPU s Care Plug", "Care Plug CPU s/s"],
            [
                [
                    result["households"],
                    result["readings_per_simulated_second"],
                    result["cpu_seconds_reference"],
                    result["cpu_seconds_with_care_plug"],
                    result["care_plug_cpu_seconds_per_second"],
                ]
            ],
        )
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
