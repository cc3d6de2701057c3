"""Setting the integration and its entries up and down (called from the package's entry points)."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.typing import ConfigType

from . import issues
from .const import DOMAIN
from .coordinator import CarePlugConfigEntry, CarePlugCoordinator
from .engine.settings import HouseholdSettings, SettingsError
from .household_store import household_store
from .office.box_options import CONF_OFFICE_ID
from .office.box_store import async_remove_box_store
from .office.console import async_setup_console
from .office.hub import async_remove_office, async_setup_office, async_unload_office
from .office.hub_const import is_office
from .services import async_setup_services

PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.SENSOR,
    Platform.SWITCH,
]


async def async_setup_integration(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions once, for every household."""
    async_setup_services(hass)
    return True


async def async_setup_household(hass: HomeAssistant, entry: CarePlugConfigEntry) -> bool:
    """Restore the household, create its entities, then start watching its sources."""
    if is_office(entry):
        await async_setup_console(hass)
        return await async_setup_office(hass, entry)
    try:
        settings = HouseholdSettings.from_options(entry.options)
    except SettingsError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="invalid_options",
            translation_placeholders={"error": str(err)},
        ) from err
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, entry.entry_id)},
        entry_type=dr.DeviceEntryType.SERVICE,
        name=entry.title,
        manufacturer="Care Plug",
        model="Household",
    )
    coordinator = CarePlugCoordinator(hass, entry, settings, device.id)
    await coordinator.async_load()
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    coordinator.async_start()
    if entry.options.get(CONF_OFFICE_ID):
        # The welfare office link; MQTT's client code is loaded only for it.
        from .office.box import async_setup_box  # noqa: PLC0415

        await async_setup_box(hass, entry)
    return True


async def async_unload_household(hass: HomeAssistant, entry: CarePlugConfigEntry) -> bool:
    """Remove the entities and save the household's state."""
    if is_office(entry):
        return await async_unload_office(hass, entry)
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.async_stop()
    return unloaded


async def async_remove_household(hass: HomeAssistant, entry: CarePlugConfigEntry) -> None:
    """Forget a deleted household: its stored state and its repair issues."""
    if is_office(entry):
        await async_remove_office(hass, entry)
        return
    await household_store(hass, entry.entry_id).async_remove()
    await async_remove_box_store(hass, entry.entry_id)
    issues.async_delete_entry_issues(hass, entry)
