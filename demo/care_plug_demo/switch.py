"""One switch per demo home: on incapacitates the resident, off lets them recover."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.helpers.typing import ConfigType, DiscoveryInfoType
from homeassistant.util import dt as dt_util

from . import DATA_RESIDENTS
from .resident import Resident


async def async_setup_platform(
    hass: HomeAssistant,
    config: ConfigType,
    async_add_entities: AddEntitiesCallback,
    discovery_info: DiscoveryInfoType | None = None,
) -> None:
    residents: list[Resident] = hass.data[DATA_RESIDENTS]
    async_add_entities(IncapacitateSwitch(resident) for resident in residents)


class IncapacitateSwitch(SwitchEntity):
    """The resident collapses (on) or is found and recovers (off)."""

    _attr_should_poll = False
    _attr_icon = "mdi:human-handsdown"

    def __init__(self, resident: Resident) -> None:
        self._resident = resident
        self._attr_name = f"Incapacitate {resident.name}"
        self._attr_unique_id = f"care_plug_demo_incapacitate_{resident.prefix}"
        self.entity_id = f"switch.incapacitate_{resident.prefix}"

    @property
    def is_on(self) -> bool:
        return self._resident.incapacitated

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        # scripts/develop reads the home's sources from here to create its household.
        return {"household": self._resident.name, "sources": self._resident.options()}

    async def async_turn_on(self, **kwargs: Any) -> None:
        self._resident.incapacitate(dt_util.utcnow())
        self.async_write_ha_state()

    async def async_turn_off(self, **kwargs: Any) -> None:
        self._resident.recover(dt_util.utcnow())
        self.async_write_ha_state()
