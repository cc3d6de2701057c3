"""Care Plug: a wellbeing check for people who live alone, from smart plugs and light sensors.

The replay command (`python -m custom_components.care_plug.replay`) imports this package
without Home Assistant, so Home Assistant is imported only when it calls in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.device_registry import DeviceEntry
    from homeassistant.helpers.typing import ConfigType

    from .coordinator import CarePlugConfigEntry

from .const import DOMAIN

__all__ = ["DOMAIN"]


def __getattr__(name: str) -> Any:
    """`CONFIG_SCHEMA`, built on first use (see the module docstring): households are set up
    in the UI only, so any `care_plug:` key in YAML is reported."""
    if name == "CONFIG_SCHEMA":
        from homeassistant.helpers import config_validation as cv  # noqa: PLC0415

        return cv.config_entry_only_config_schema(DOMAIN)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions once, for every household."""
    from .lifecycle import async_setup_integration  # noqa: PLC0415 (see module docstring)

    return await async_setup_integration(hass, config)


async def async_migrate_entry(hass: HomeAssistant, entry: CarePlugConfigEntry) -> bool:
    """Bring an entry saved by an older Care Plug up to date (office/hub_migration.py)."""
    from .office.hub_migration import async_migrate  # noqa: PLC0415

    return await async_migrate(hass, entry)


async def async_setup_entry(hass: HomeAssistant, entry: CarePlugConfigEntry) -> bool:
    """Start watching one household."""
    from .lifecycle import async_setup_household  # noqa: PLC0415

    return await async_setup_household(hass, entry)


async def async_unload_entry(hass: HomeAssistant, entry: CarePlugConfigEntry) -> bool:
    """Stop watching one household; its state is saved for the next start."""
    from .lifecycle import async_unload_household  # noqa: PLC0415

    return await async_unload_household(hass, entry)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: CarePlugConfigEntry, device: DeviceEntry
) -> bool:
    """Only a welfare office's households can be deleted (retired); they are forgotten."""
    from .office.hub import async_remove_office_device  # noqa: PLC0415

    return await async_remove_office_device(hass, entry, device)


async def async_remove_entry(hass: HomeAssistant, entry: CarePlugConfigEntry) -> None:
    """Forget a deleted household: its stored state and its repair issues."""
    from .lifecycle import async_remove_household  # noqa: PLC0415

    await async_remove_household(hass, entry)
