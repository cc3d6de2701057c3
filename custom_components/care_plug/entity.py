"""The bases of every household entity: one service device per household, pushed updates."""

from __future__ import annotations

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import CarePlugConfigEntry, CarePlugCoordinator
from .engine.model import HouseholdStatus


class CarePlugEntity(Entity):
    """An entity of the household's device that acts, or shows events, not the status."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, entry: CarePlugConfigEntry, description: EntityDescription) -> None:
        self.coordinator: CarePlugCoordinator = entry.runtime_data
        self.entity_description = description
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, entry.entry_id)})


class CarePlugStatusEntity(CoordinatorEntity[CarePlugCoordinator]):
    """Shows a part of the household's status; written only when that part changed."""

    _attr_has_entity_name = True
    _shown: object = None

    def __init__(self, entry: CarePlugConfigEntry, description: EntityDescription) -> None:
        super().__init__(entry.runtime_data)
        self.entity_description = description
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, entry.entry_id)})

    @property
    def status(self) -> HouseholdStatus:
        return self.coordinator.data

    @property
    def available(self) -> bool:
        return True  # the household always has a status: nothing is fetched that could fail

    def watched(self, status: HouseholdStatus) -> object:
        """The fields of `status` this entity shows (compared before any write)."""
        raise NotImplementedError

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self._shown = self.watched(self.status)

    @callback
    def _handle_coordinator_update(self) -> None:
        # The status covers the whole household: compare only this entity's own fields,
        # as plain values, which is far cheaper than building its state to compare.
        shown = self.watched(self.status)
        if shown != self._shown:
            self._shown = shown
            self.async_write_ha_state()
