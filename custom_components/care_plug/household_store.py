"""Where a household's state is kept between runs, and reading it back whatever it holds.

The checks of what was saved are the engine's (engine/state.py); this module only reads the
file with Home Assistant's `Store`, and turns anything unusable into a fresh start with the
`state_reset` repair issue: a household is always watched.
"""

from __future__ import annotations

import contextlib
import logging
import os
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from . import issues
from .const import DOMAIN, STATE_SAVED, STORAGE_VERSION
from .engine import state
from .engine.monitor import Household
from .engine.settings import HouseholdSettings

_LOGGER = logging.getLogger(__package__)


def household_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Where one household's engine state is kept between runs."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}", private=True)


async def async_restore(
    hass: HomeAssistant,
    entry: ConfigEntry,
    store: Store[dict[str, Any]],
    settings: HouseholdSettings,
    location: tuple[float, float],
) -> state.Restored | None:
    """The household as it was saved; None (after a repair issue, when something had been
    saved) when there is nothing usable to restore.

    Whatever the file holds (damaged bytes, JSON of another shape, a version from a newer
    Care Plug), the caller gets a household to watch: this one, or a fresh one.
    """
    try:
        stored = await store.async_load()
    except Exception as err:  # any bytes at all must not stop the household watching
        await hass.async_add_executor_job(_set_aside, store.path)
        _start_afresh(hass, entry, f"the file cannot be read: {type(err).__name__}")
        return None
    if stored is None:
        if entry.data.get(STATE_SAVED):
            # Home Assistant reads an empty or corrupt file as "nothing saved".
            _start_afresh(hass, entry, "the saved state is gone")
        return None
    try:
        return state.restore(
            settings,
            stored,
            clock=dt_util.utcnow(),
            location=location,
            time_zone=hass.config.time_zone,
        )
    except state.StateError as err:
        _start_afresh(hass, entry, str(err))
        return None


def document(hass: HomeAssistant, entry: ConfigEntry, household: Household) -> dict[str, Any]:
    """What the Store writes for `household` now (called by the Store when it writes)."""
    if not entry.data.get(STATE_SAVED):
        # From now on a missing state file means it was lost, not that it never was.
        hass.config_entries.async_update_entry(entry, data={**entry.data, STATE_SAVED: True})
    return state.save(household, dt_util.utcnow())


def _start_afresh(hass: HomeAssistant, entry: ConfigEntry, reason: str) -> None:
    _LOGGER.warning(
        "Care Plug household %s: stored state could not be restored (%s); monitoring starts afresh",
        entry.entry_id,
        reason,
    )
    issues.async_state_reset(hass, entry)


def _set_aside(path: str) -> None:
    """Keep an unreadable state file beside the fresh one (a downgrade's newer state can
    be put back by hand), instead of writing over it."""
    with contextlib.suppress(OSError):
        os.replace(path, f"{path}.unreadable")
