"""Idle households: timer callbacks, state writes and Store writes over 48 silent hours.

Run from the repo root: `.venv/bin/python -m benchmarks.ha_idle`.
N households (default 1,000, `at_risk`: attention 12 h, warning 24 h, critical 36 h; plugs
stale after 6 h, monitoring lost 15 min later, reminders every 30 min from `warning`) are
set up, then their plugs never report again. Simulated time advances 48 h in 1-minute
steps with phcc's `async_fire_time_changed`. Counted: calls of the coordinator's
`_on_deadline` (local midnight, for the day's activity count, is one of its deadlines),
`state_changed`/`state_reported` of Care Plug entities, and `Store._async_write_data` of
Care Plug stores. The expected counts are derived from the thresholds; anything periodic
would show as a surplus.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import Event, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.care_plug.coordinator import CarePlugCoordinator
from custom_components.care_plug.engine.settings import PRESETS, Tuning

from .ha_harness import DOMAIN, running_hass, set_plug_states, setup_households, table

HOUR = 3600.0


def expected_per_household(hours: float) -> dict[str, int]:
    """Deadlines an idle `at_risk` household needs in `hours`, from the thresholds."""
    tuning = Tuning()
    _attention, warning, critical = (h * HOUR for h in PRESETS["at_risk"])
    horizon = hours * HOUR
    stale = tuning.stale_after_seconds  # all three plugs go stale together
    lost = stale + tuning.monitoring_lost_after_seconds  # -> attention (monitoring lost)
    every = tuning.reminder_interval_seconds
    ticks = {"stale": int(stale <= horizon), "monitoring_lost": int(lost <= horizon)}
    # attention is already raised by the loss of monitoring: no tick of its own
    ticks["warning"] = int(warning <= horizon)
    ticks["reminders_warning"] = max(0, math.ceil((min(critical, horizon) - warning) / every) - 1)
    ticks["critical"] = int(critical <= horizon)
    ticks["reminders_critical"] = max(0, math.floor((horizon - critical) / every))
    total = sum(ticks.values())
    # one delayed save per deadline that had outputs, plus the one at start and at stop
    return {**ticks, "deadline_total": total, "store_writes": total + 2}


class Counters:
    def __init__(self) -> None:
        self.deadlines = 0
        self.writes_in_deadline = 0
        self.writes_elsewhere = 0
        self.store_writes = 0
        self.in_deadline = False
        self.by_entity: dict[str, int] = {}


def instrument(counters: Counters) -> Callable[[], None]:
    """Wrap the coordinator's timer callbacks and Store writes; returns an undo."""
    on_deadline = CarePlugCoordinator._on_deadline
    write = Store._async_write_data

    @callback
    def deadline(self: CarePlugCoordinator, when: datetime) -> None:
        counters.deadlines += 1
        counters.in_deadline = True
        try:
            on_deadline(self, when)
        finally:
            counters.in_deadline = False

    async def write_data(self: Store[Any], data: dict[str, Any]) -> None:
        if self.key.startswith(f"{DOMAIN}."):
            counters.store_writes += 1
        await write(self, data)

    CarePlugCoordinator._on_deadline = deadline  # type: ignore[method-assign]
    Store._async_write_data = write_data  # type: ignore[method-assign]

    def undo() -> None:
        CarePlugCoordinator._on_deadline = on_deadline  # type: ignore[method-assign]
        Store._async_write_data = write  # type: ignore[method-assign]

    return undo


async def main_async(households: int, hours: float, step_minutes: float) -> dict[str, Any]:
    counters = Counters()
    undo = instrument(counters)
    try:
        async with running_hass() as hass:
            set_plug_states(hass, households)
            await setup_households(hass, households)
            ours = {
                e.entity_id for e in er.async_get(hass).entities.values() if e.platform == DOMAIN
            }

            @callback
            def count(event: Event[Any]) -> None:
                kind = re.sub(r"\.h\d+_", ".", event.data["entity_id"])
                counters.by_entity[kind] = counters.by_entity.get(kind, 0) + 1
                if counters.in_deadline:
                    counters.writes_in_deadline += 1
                else:
                    counters.writes_elsewhere += 1

            @callback
            def is_ours(data: Any) -> bool:
                return data["entity_id"] in ours

            hass.bus.async_listen(EVENT_STATE_CHANGED, count, event_filter=is_ours)
            hass.bus.async_listen(EVENT_STATE_REPORTED, count, event_filter=is_ours)
            start = dt_util.utcnow()
            steps = int(hours * 60 / step_minutes) + 1
            begin = time.perf_counter()
            for step in range(1, steps + 1):
                async_fire_time_changed(hass, start + timedelta(minutes=step * step_minutes))
                await hass.async_block_till_done()
            wall = time.perf_counter() - begin
            timers = sum(
                1
                for e in hass.config_entries.async_entries(DOMAIN)
                if e.runtime_data._timer is not None
            )
    finally:
        undo()
    expected = expected_per_household(hours)
    return {
        "benchmark": "ha_idle",
        "households": households,
        "simulated_hours": hours,
        "care_plug_entities": len(ours),
        "deadline_callbacks": counters.deadlines,
        "deadline_callbacks_expected": expected["deadline_total"] * households,
        "state_writes": counters.writes_in_deadline + counters.writes_elsewhere,
        "state_writes_per_deadline": round(
            counters.writes_in_deadline / max(1, counters.deadlines), 2
        ),
        "state_writes_outside_deadlines": counters.writes_elsewhere,
        "state_writes_per_household_by_entity": {
            k: round(v / households, 2) for k, v in sorted(counters.by_entity.items())
        },
        "store_writes": counters.store_writes,
        "store_writes_expected": expected["store_writes"] * households,
        "timers_pending_at_end": timers,
        "expected_per_household": expected,
        "wall_seconds": round(wall, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--hours", type=float, default=48.0)
    parser.add_argument("--step-minutes", type=float, default=1.0)
    parser.add_argument("--quick", action="store_true", help="5-minute steps")
    args = parser.parse_args()
    if args.quick:
        args.step_minutes = 5.0
    r = asyncio.run(main_async(args.households, args.hours, args.step_minutes))
    n = args.households
    print(
        table(
            ["count", "measured", "expected", "per household"],
            [
                [
                    "deadline callbacks",
                    r["deadline_callbacks"],
                    r["deadline_callbacks_expected"],
                    r["expected_per_household"]["deadline_total"],
                ],
                [
                    "Store writes",
                    r["store_writes"],
                    r["store_writes_expected"],
                    r["expected_per_household"]["store_writes"],
                ],
                [
                    "state writes (all in deadlines)",
                    r["state_writes"],
                    "-",
                    round(r["state_writes"] / n, 1),
                ],
                ["state writes outside deadlines", r["state_writes_outside_deadlines"], 0, 0],
                ["timers pending at end", r["timers_pending_at_end"], n, 1],
            ],
        )
    )
    print(json.dumps(r))


if __name__ == "__main__":
    main()
