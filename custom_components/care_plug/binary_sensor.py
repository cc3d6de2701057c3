"""The `alert` problem sensor: on while the household is at `warning` or above."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import CarePlugConfigEntry
from .engine.model import HouseholdStatus, Level
from .entity import CarePlugStatusEntity
from .office.hub_const import is_office
from .office.hub_entities import async_setup_office_binary_sensors

PARALLEL_UPDATES = 0

ALERT = BinarySensorEntityDescription(
    key="alert", translation_key="alert", device_class=BinarySensorDeviceClass.PROBLEM
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CarePlugConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One alert sensor per household."""
    if is_office(entry):
        await async_setup_office_binary_sensors(hass, entry, async_add_entities)
        return
    async_add_entities([AlertBinarySensor(entry, ALERT)])


class AlertBinarySensor(CarePlugStatusEntity, BinarySensorEntity):
    """On at `warning` and `critical`: someone should act."""

    def watched(self, status: HouseholdStatus) -> object:
        return status.level >= Level.WARNING

    @property
    def is_on(self) -> bool:
        return self.status.level >= Level.WARNING
