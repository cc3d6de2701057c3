"""Growth with households and with history: per-reading cost, setup time, memory.

Run from the repo root: `.venv/bin/python -m benchmarks.ha_growth` (sizes 10, 100, 1,000
and 5,000 households; `--households 10,100` picks others, `--quick` stops at 1,000).
For each size, in fresh Home Assistant cores:
- the reference: 10 rounds of readings (every plug reports once per round, 5 s apart in
  simulated time; a block is at least 10 rounds and about 30,000 state changes) with
  nothing listening, µs per state change;
- Care Plug: setup time of all households (fresh, no stored state), then a block
  (extra µs per state change over the reference: "short history"), then `--history`
  blocks more, then a block again ("long history"); the size of
  a household's saved state is taken after each block;
- memory: another core sets the households up under tracemalloc; KB per household.
Linear growth shows as a constant per-household and per-reading figure across sizes;
no dependence on history as equal figures before and after the history.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import time
import tracemalloc
from typing import Any

from homeassistant.core import HomeAssistant

from .ha_harness import (
    POWER_ATTRS,
    plugs,
    running_hass,
    set_plug_states,
    setup_households,
    table,
)

INTERVAL = 5.0
BLOCK_CHANGES = 30_000  # a block has at least 10 rounds and about this many state changes


def block_rounds(households: int) -> int:
    return max(10, BLOCK_CHANGES // (3 * households))


class Feed:
    """Readings of every plug, round after round, on a simulated 5-second clock."""

    def __init__(self, households: int, start: float) -> None:
        self.sources = [e for i in range(households) for e in plugs(i)]
        self.rng = random.Random(3)
        self.round = 0
        self.start = start

    async def push(self, hass: HomeAssistant, rounds: int) -> tuple[float, int]:
        """(seconds, state changes) to push `rounds` rounds."""
        async_set = hass.states.async_set
        rng = self.rng
        count = len(self.sources)
        gc.collect()
        begin = time.perf_counter()
        for _ in range(rounds):
            k = self.round
            base = self.start + k * INTERVAL
            for n, entity_id in enumerate(self.sources):
                on = (k + n) % 60 < 6
                value = (
                    f"{1200 + rng.uniform(-40, 40):.1f}" if on else f"{rng.uniform(0.2, 0.9):.1f}"
                )
                async_set(entity_id, value, POWER_ATTRS, timestamp=base + n * INTERVAL / count)
            self.round += 1
            await asyncio.sleep(0)
        await hass.async_block_till_done()
        return time.perf_counter() - begin, rounds * count


def saved_bytes(hass: HomeAssistant) -> float:
    """Mean size of a household's saved state (JSON), as its Store would write it."""
    entries = hass.config_entries.async_entries("care_plug")
    sizes = [len(json.dumps(e.runtime_data._data_to_save())) for e in entries]
    return sum(sizes) / len(sizes)


async def measure(households: int, history_blocks: int) -> dict[str, Any]:
    block = block_rounds(households)
    history = history_blocks * block
    async with running_hass() as hass:
        set_plug_states(hass, households)
        await hass.async_block_till_done()
        seconds, changes = await Feed(households, time.time() + 3600).push(hass, block)
        reference = seconds / changes * 1e6
    async with running_hass() as hass:
        set_plug_states(hass, households)
        await hass.async_block_till_done()
        begin = time.perf_counter()
        await setup_households(hass, households)
        setup = time.perf_counter() - begin
        feed = Feed(households, time.time() + 3600)
        seconds, changes = await feed.push(hass, block)
        short = seconds / changes * 1e6 - reference
        short_bytes = saved_bytes(hass)
        await feed.push(hass, history)
        seconds, changes = await feed.push(hass, block)
        long = seconds / changes * 1e6 - reference
        long_bytes = saved_bytes(hass)
    async with running_hass() as hass:
        set_plug_states(hass, households)
        await hass.async_block_till_done()
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        await setup_households(hass, households)
        gc.collect()
        memory = (tracemalloc.get_traced_memory()[0] - before) / households
        tracemalloc.stop()
    return {
        "households": households,
        "reference_us_per_change": round(reference, 2),
        "extra_us_per_change_short_history": round(short, 2),
        "extra_us_per_change_long_history": round(long, 2),
        "rounds_before_blocks": (0, block + history),
        "rounds_per_block": block,
        "saved_state_bytes_short_history": round(short_bytes),
        "saved_state_bytes_long_history": round(long_bytes),
        "setup_seconds": round(setup, 3),
        "setup_ms_per_household": round(setup / households * 1000, 3),
        "memory_kb_per_household": round(memory / 1024, 2),
    }


async def main_async(sizes: list[int], history: int) -> dict[str, Any]:
    rows = [await measure(n, history) for n in sizes]
    return {"benchmark": "ha_growth", "history_blocks_between": history, "sizes": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", default="10,100,1000,5000", help="comma-separated")
    parser.add_argument("--history", type=int, default=5, help="blocks between the two")
    parser.add_argument("--quick", action="store_true", help="10,100,1000 households")
    args = parser.parse_args()
    sizes = [int(s) for s in args.households.split(",")]
    if args.quick:
        sizes = [s for s in sizes if s <= 1000]
    result = asyncio.run(main_async(sizes, args.history))
    print(
        table(
            [
                "households",
                "ref µs/change",
                "Care Plug extra µs/change (short history)",
                "(long history)",
                "saved state bytes (short / long)",
                "setup s",
                "setup ms/household",
                "KB/household",
            ],
            [
                [
                    r["households"],
                    r["reference_us_per_change"],
                    r["extra_us_per_change_short_history"],
                    r["extra_us_per_change_long_history"],
                    f"{r['saved_state_bytes_short_history']} / "
                    f"{r['saved_state_bytes_long_history']}",
                    r["setup_seconds"],
                    r["setup_ms_per_household"],
                    r["memory_kb_per_household"],
                ]
                for r in result["sizes"]
            ],
        )
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
