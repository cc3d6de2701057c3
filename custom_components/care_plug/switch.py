"""The `away` switch: no inactivity alerts while the resident is away or in hospital."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import CarePlugConfigEntry
from .engine.model import HouseholdStatus, Monitoring
from .entity import CarePlugStatusEntity

PARALLEL_UPDATES = 0

AWAY = SwitchEntityDescription(key="away", translation_key="away")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CarePlugConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One away switch per household."""
    async_add_entities([AwaySwitch(entry, AWAY)])


class AwaySwitch(CarePlugStatusEntity, SwitchEntity):
    """On while away; turning it on has no end (the `set_away` action takes one)."""

    def watched(self, status: HouseholdStatus) -> object:
        return (status.monitoring is Monitoring.AWAY, status.away_until)

    @property
    def is_on(self) -> bool:
        return self.status.monitoring is Monitoring.AWAY

    @property
    def extra_state_attributes(self) -> Mapping[str, Any]:
        return {"until": self.status.away_until}

    async def async_turn_on(self, **kwargs: Any) -> None:
        self.coordinator.set_away(None, self._context)

    async def async_turn_off(self, **kwargs: Any) -> None:
        self.coordinator.end_away(self._context)
