"""The base of every household entity: one service device per household, pushed updates."""

from __future__ import annotations

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import CarePlugConfigEntry, CarePlugCoordinator
from .engine.model import HouseholdStatus


class CarePlugEntity(CoordinatorEntity[CarePlugCoordinator]):
    """Writes its state only when its own part of the household's status changed."""

    _attr_has_entity_name = True
    _shown: tuple[object, object] = (None, None)

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

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self._shown = self._shows()

    def _shows(self) -> tuple[object, object]:
        return (self.state, self.extra_state_attributes)

    @callback
    def _handle_coordinator_update(self) -> None:
        # The status covers the whole household; write only entities whose own part changed.
        shown = self._shows()
        if shown != self._shown:
            self._shown = shown
            self.async_write_ha_state()
