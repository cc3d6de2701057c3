"""Start with households restored from storage: setup time and memory per household.

Run from the repo root: `.venv/bin/python -m benchmarks.ha_restore`.
A first core in a temporary configuration directory sets up N households (default
1,000), feeds each some readings and stops, so every household's `Store` file and the
registries are on disk. Then, per repeat, a fresh core in that directory adds the same
config entries and sets the integration up (as Home Assistant does at start): the time
from `async_setup_component` until every household is loaded and watching is measured
(median over the repeats). A last start runs under tracemalloc: memory still allocated
after setup, minus that before, divided by N (entities, registry entries, states,
coordinator, engine and learned routine all included).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import tempfile
import time
import tracemalloc
from pathlib import Path

from homeassistant.setup import async_setup_component

from .ha_harness import (
    DOMAIN,
    POWER_ATTRS,
    add_households,
    median,
    plugs,
    running_hass,
    set_plug_states,
    setup_households,
    table,
)


async def prefill(config_dir: str, households: int) -> int:
    """Households set up, fed a day of hourly readings and stopped: stores on disk."""
    async with running_hass(config_dir) as hass:
        set_plug_states(hass, households)
        await setup_households(hass, households)
        start = time.time() + 3600
        for hour in range(24):
            for i in range(households):
                for n, entity_id in enumerate(plugs(i)):
                    value = "80.0" if (hour + n) % 4 == 0 else "0.4"
                    stamp = start + hour * 3600 + n
                    hass.states.async_set(entity_id, value, POWER_ATTRS, timestamp=stamp)
        await hass.async_block_till_done()
    files = list((Path(config_dir) / ".storage").glob(f"{DOMAIN}.*"))
    return len(files)


async def start(config_dir: str, households: int, *, trace: bool) -> tuple[float, float]:
    """(seconds to set up every household, bytes allocated per household)."""
    async with running_hass(config_dir) as hass:
        set_plug_states(hass, households)
        await hass.async_block_till_done()
        gc.collect()
        if trace:
            tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0] if trace else 0
        begin = time.perf_counter()
        entries = add_households(hass, households)
        assert await async_setup_component(hass, DOMAIN, {})
        await hass.async_block_till_done()
        seconds = time.perf_counter() - begin
        assert all(e.runtime_data.started for e in entries)
        gc.collect()
        per_household = 0.0
        if trace:
            per_household = (tracemalloc.get_traced_memory()[0] - before) / households
            tracemalloc.stop()
    return seconds, per_household


async def main_async(households: int, repeats: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="careplug-restore-") as config_dir:
        stores = await prefill(config_dir, households)
        assert stores == households, f"{stores} stores for {households} households"
        store_bytes = sum(
            f.stat().st_size for f in (Path(config_dir) / ".storage").glob(f"{DOMAIN}.*")
        )
        times = [(await start(config_dir, households, trace=False))[0] for _ in range(repeats)]
        _, per_household = await start(config_dir, households, trace=True)
    return {
        "benchmark": "ha_restore",
        "households": households,
        "repeats": repeats,
        "setup_seconds": round(median(times), 3),
        "setup_seconds_runs": [round(t, 3) for t in times],
        "setup_ms_per_household": round(median(times) / households * 1000, 3),
        "memory_kb_per_household": round(per_household / 1024, 2),
        "store_bytes_per_household": round(store_bytes / households),
        "target_setup_seconds": 5.0,
        "target_memory_kb_per_household": 50.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="200 households, 3 repeats")
    args = parser.parse_args()
    if args.quick:
        args.households, args.repeats = 200, 3
    result = asyncio.run(main_async(args.households, args.repeats))
    print(
        table(
            ["households", "setup s", "ms per household", "KB per household", "Store bytes each"],
            [
                [
                    result["households"],
                    result["setup_seconds"],
                    result["setup_ms_per_household"],
                    result["memory_kb_per_household"],
                    result["store_bytes_per_household"],
                ]
            ],
        )
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
