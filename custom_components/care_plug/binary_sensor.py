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
from .engine.model import Level
from .entity import CarePlugEntity

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
    async_add_entities([AlertBinarySensor(entry, ALERT)])


class AlertBinarySensor(CarePlugEntity, BinarySensorEntity):
    """On at `warning` and `critical`: someone should act."""

    @property
    def is_on(self) -> bool:
        return self.status.level >= Level.WARNING
