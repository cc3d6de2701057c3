"""Diagnostics for one household, with its name and every free-text field redacted."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .coordinator import CarePlugConfigEntry
from .engine import state

# The household's name (title and option), anything a person typed, and the resident's
# `person` or `device_tracker` (its entity id is often the person's name).
TO_REDACT = {"title", "name", "household", "note", "by", "resident"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: CarePlugConfigEntry
) -> dict[str, Any]:
    """Options, status and the engine's saved state: what support needs, nothing personal."""
    coordinator = entry.runtime_data
    household = coordinator.household
    engine = state.to_dict(household)
    # When the resident usually sleeps, wakes and goes out is personal: only its extent.
    engine["routine"] = {
        "days": coordinator.data.routine_days,
        "ready": coordinator.data.routine_ready,
    }
    # So are when each appliance is usually on and how long the home stays quiet after
    # each kind of start: only how much has been learned.
    appliances = engine["appliances"]
    engine["appliances"] = {
        "sessions": {e: sum(map(len, rings)) for e, rings in appliances["durations"].items()},
        "on": sorted(appliances["on_since"]),
    }
    engine["beginnings"] = {
        "quiet_spells": sum(sum(map(len, rings)) for rings in engine["beginnings"]["gaps"].values())
    }
    return async_redact_data(
        {
            "entry": {"title": entry.title, "options": dict(entry.options)},
            "status": coordinator.as_dict(),
            "engine": engine,
            "watching": coordinator.started,
        },
        TO_REDACT,
    )
