"""Config entry versions: what an entry saved by an older Care Plug needs once.

1.2: a welfare office's `last_activity` and `last_heard` sensors are disabled by default
(their values live on the care level and monitoring entities, and `last_heard` changed on
every heartbeat: a recorder row per box every few minutes). Offices set up before keep
entities Home Assistant never disables by itself, so the migration disables them once;
an officer who wants them can enable them again.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .hub_const import is_office_options

CONFIG_VERSION = 1
CONFIG_MINOR_VERSION = 2
# Office entities disabled by default since 1.2 (keys of office/hub_entities.py).
QUIET_BY_DEFAULT = ("last_activity", "last_heard")


async def async_migrate(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Bring `entry` to the current version; False for a version from a newer Care Plug."""
    if entry.version > CONFIG_VERSION:
        return False
    if entry.minor_version < 2 and is_office_options(entry.options):
        registry = er.async_get(hass)
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
            if entity.disabled_by is None and entity.unique_id.endswith(
                tuple(f"_{key}" for key in QUIET_BY_DEFAULT)
            ):
                registry.async_update_entity(
                    entity.entity_id, disabled_by=er.RegistryEntryDisabler.INTEGRATION
                )
    hass.config_entries.async_update_entry(
        entry, version=CONFIG_VERSION, minor_version=CONFIG_MINOR_VERSION
    )
    return True
