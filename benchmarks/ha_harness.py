"""Shared set-up for the `ha_*` benchmarks: a real Home Assistant core with households.

The core is pytest-homeassistant-custom-component's `async_test_home_assistant` (the same
Home Assistant as the tests), run from a plain script with `asyncio.run`, with its
configuration (and so every `Store`) in a temporary directory unless one is given.
"""

from __future__ import annotations

import logging
import statistics
import tempfile
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from homeassistant import loader
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

# Imported before phcc so its own `custom_components` package does not shadow ours.
import custom_components.care_plug  # noqa: F401

DOMAIN = "care_plug"
POWER_ATTRS = {"device_class": "power", "unit_of_measurement": "W"}


@asynccontextmanager
async def running_hass(config_dir: str | None = None) -> AsyncIterator[HomeAssistant]:
    """A running Home Assistant with custom integrations enabled; stopped on exit.

    Registries are phcc's in-memory ones (fresh at every start); `Store`s are real files.
    """
    logging.getLogger("homeassistant").setLevel(logging.ERROR)
    logging.getLogger("custom_components").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="careplug-bench-") as tmp:
        async with async_test_home_assistant(config_dir=config_dir or tmp) as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
            try:
                yield hass
            finally:
                await hass.async_stop(force=True)  # households save their Stores


def plugs(index: int) -> list[str]:
    """Household `index`'s three plug power sensors."""
    return [
        f"sensor.h{index}_tv_power",
        f"sensor.h{index}_kettle_power",
        f"sensor.h{index}_lamp_power",
    ]


def set_plug_states(hass: HomeAssistant, households: int, value: str = "0.4") -> None:
    """Every household's plugs, quiet (standby power)."""
    for i in range(households):
        for entity_id in plugs(i):
            hass.states.async_set(entity_id, value, POWER_ATTRS)


def household_options(index: int) -> dict[str, Any]:
    """Options of household `index`: three plugs, the `at_risk` preset (12 h / 24 h / 36 h)."""
    return {"name": f"H{index}", "power_sources": plugs(index), "risk_group": "at_risk"}


def add_households(hass: HomeAssistant, households: int) -> list[MockConfigEntry]:
    """Care Plug config entries for `households` households, added but not set up."""
    entries = []
    for i in range(households):
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=f"H{i}",
            options=household_options(i),
            entry_id=f"household{i:05d}",
        )
        entry.add_to_hass(hass)
        entries.append(entry)
    return entries


async def setup_households(hass: HomeAssistant, households: int) -> list[MockConfigEntry]:
    """Add and set up `households` households (as Home Assistant does at start)."""
    entries = add_households(hass, households)
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()
    loaded = sum(1 for e in entries if e.state is ConfigEntryState.LOADED)
    assert loaded == households, f"only {loaded} of {households} households loaded"
    return entries


def add_derivatives(hass: HomeAssistant, sensors: Iterable[str]) -> None:
    """One `derivative` helper (config entry) per sensor, as a user would add them."""
    for entity_id in sensors:
        name = entity_id.removeprefix("sensor.") + " rate"
        MockConfigEntry(
            domain="derivative",
            title=name,
            options={
                "name": name,
                "source": entity_id,
                "round": 2.0,
                "time_window": {"hours": 0, "minutes": 0, "seconds": 0},
                "unit_time": "h",
            },
        ).add_to_hass(hass)


async def setup_derivatives(hass: HomeAssistant, sensors: list[str]) -> None:
    add_derivatives(hass, sensors)
    assert await async_setup_component(hass, "derivative", {})
    await hass.async_block_till_done()
    count = len(hass.states.async_entity_ids("sensor")) - len(sensors)
    assert count == len(sensors), f"{count} derivative sensors for {len(sensors)} sources"


def median(values: list[float]) -> float:
    return statistics.median(values)


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
