"""Extra cost per state change inside Home Assistant: Care Plug against `derivative`.

Run from the repo root: `.venv/bin/python -m benchmarks.ha_per_reading`.
N households (default 100) with three plug power sensors each. In each repeat three fresh
Home Assistant cores take the same K state changes through `hass.states.async_set`:
(a) nothing listening (the reference), (b) Care Plug watching every plug, (c) one
`derivative` helper per plug. The extra cost per state change of (b) and (c) is their
time minus the reference's, all measured in the same repeat; medians over the repeats.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import time

from homeassistant.core import HomeAssistant

from .ha_harness import (
    POWER_ATTRS,
    median,
    plugs,
    running_hass,
    set_plug_states,
    setup_derivatives,
    setup_households,
    table,
)

STEP_SECONDS = 10.0  # each plug reports every 10 s of simulated time


def readings(households: int, per_source: int, seed: int = 1) -> list[tuple[str, str, float]]:
    """(entity id, value, timestamp): standby wobble, with an appliance on now and then.

    Every reading differs from the source's previous one, so each is a state change.
    """
    rng = random.Random(seed)
    sources = [e for i in range(households) for e in plugs(i)]
    start = time.time() + 3600  # after the initial states, whenever the run starts
    out: list[tuple[str, str, float]] = []
    last: dict[str, str] = {}
    for k in range(per_source):
        for n, entity_id in enumerate(sources):
            on = (k + n) % 30 < 3  # on for 3 readings in 30: crosses the standby threshold
            while True:
                value = (
                    f"{1200 + rng.uniform(-40, 40):.1f}" if on else f"{rng.uniform(0.2, 0.9):.1f}"
                )
                if value != last.get(entity_id):
                    break
            last[entity_id] = value
            stamp = start + k * STEP_SECONDS + n * STEP_SECONDS / len(sources)
            out.append((entity_id, value, stamp))
    return out


async def timed_run(mode: str, households: int, stream: list[tuple[str, str, float]]) -> float:
    """Seconds to push `stream` through the state machine with `mode` listening."""
    async with running_hass() as hass:
        set_plug_states(hass, households)
        if mode == "care_plug":
            await setup_households(hass, households)
        elif mode == "derivative":
            await setup_derivatives(hass, [e for i in range(households) for e in plugs(i)])
        await hass.async_block_till_done()
        return await push(hass, stream)


async def push(hass: HomeAssistant, stream: list[tuple[str, str, float]]) -> float:
    async_set = hass.states.async_set
    gc.collect()
    begin = time.perf_counter()
    for entity_id, value, stamp in stream:
        async_set(entity_id, value, POWER_ATTRS, timestamp=stamp)
    await hass.async_block_till_done()
    return time.perf_counter() - begin


async def main_async(households: int, per_source: int, repeats: int) -> dict[str, object]:
    stream = readings(households, per_source)
    runs: dict[str, list[float]] = {"reference": [], "care_plug": [], "derivative": []}
    extra: dict[str, list[float]] = {"care_plug": [], "derivative": []}
    modes = list(runs)
    for r in range(repeats):
        order = modes[r % 3 :] + modes[: r % 3]  # rotate, so no mode always runs first
        seconds = {mode: await timed_run(mode, households, stream) for mode in order}
        for mode, value in seconds.items():
            runs[mode].append(value / len(stream) * 1e6)
        for mode, values in extra.items():
            values.append((seconds[mode] - seconds["reference"]) / len(stream) * 1e6)
    care = median(extra["care_plug"])
    deriv = median(extra["derivative"])
    return {
        "benchmark": "ha_per_reading",
        "households": households,
        "sources": households * 3,
        "state_changes": len(stream),
        "repeats": repeats,
        "us_per_change": {m: round(median(v), 2) for m, v in runs.items()},
        "extra_us_per_change": {"care_plug": round(care, 2), "derivative": round(deriv, 2)},
        "extra_us_per_change_runs": {m: [round(x, 2) for x in v] for m, v in extra.items()},
        "ratio_care_plug_to_derivative": round(care / deriv, 3),
        "target_ratio": 0.35,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=100)
    parser.add_argument("--per-source", type=int, default=100, help="state changes per plug")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="20 changes per plug, 3 repeats")
    args = parser.parse_args()
    if args.quick:
        args.per_source, args.repeats = 20, 3
    result = asyncio.run(main_async(args.households, args.per_source, args.repeats))
    us = result["us_per_change"]
    ex = result["extra_us_per_change"]
    assert isinstance(us, dict)
    assert isinstance(ex, dict)
    print(
        table(
            ["listening", "µs per state change", "extra µs over reference"],
            [
                ["nothing (reference)", us["reference"], "-"],
                ["Care Plug", us["care_plug"], ex["care_plug"]],
                ["derivative", us["derivative"], ex["derivative"]],
            ],
        )
    )
    print(f"Care Plug / derivative: {result['ratio_care_plug_to_derivative']} (target ≤ 0.35)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
