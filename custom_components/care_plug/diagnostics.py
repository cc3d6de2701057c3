"""Diagnostics for one household, with its name and every free-text field redacted."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .coordinator import CarePlugConfigEntry
from .engine import state
from .office.box_options import CONF_OFFICE_ID
from .office.hub_const import is_office

# The household's name (title and option), anything a person typed, and the resident's
# `person` or `device_tracker` (its entity id is often the person's name).
TO_REDACT = {"title", "name", "household", "note", "by", "resident"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: CarePlugConfigEntry
) -> dict[str, Any]:
    """Options, status and the engine's saved state: what support needs, nothing personal."""
    if is_office(entry):
        office: dict[str, Any] = entry.runtime_data.diagnostics()  # type: ignore[attr-defined]
        return async_redact_data(office, TO_REDACT)
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
    data: dict[str, Any] = {
        "entry": {"title": entry.title, "options": dict(entry.options)},
        "status": coordinator.as_dict(),
        "engine": engine,
        "watching": coordinator.started,
    }
    if entry.options.get(CONF_OFFICE_ID):
        # The welfare office link; MQTT's client code is loaded only for it.
        from .office.box import box_diagnostics  # noqa: PLC0415

        data["office_link"] = box_diagnostics(hass, entry.entry_id)
    return async_redact_data(data, TO_REDACT)
