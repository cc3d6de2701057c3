"""A source's readings in the engine's units: power in watts, illuminance in lux.

Home Assistant shows a power sensor in the unit its integration reports or the one the
user picked in the entity's settings (W, kW, mW, ...). The engine's thresholds are in W
and lx, so a 2 kW kettle read as "2.0" would look like a plug on standby. Readings are
converted with Home Assistant's own unit converter; a reading in a unit that cannot be
converted becomes a marker the engine classifies as invalid: never activity, and the
source shows as unhealthy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, LIGHT_LUX, Platform, UnitOfPower
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from homeassistant.util.unit_conversion import PowerConverter

from .engine.model import Role

POWER_ROLES: Final = frozenset({Role.POWER, Role.BACKGROUND_POWER})

# Prefix of the state given to the engine for a number in a unit the role cannot use, for
# example "unit:kWh": text, so the engine's number parser marks the reading invalid.
UNIT_MARKER: Final = "unit:"


def native_unit(role: Role) -> str | None:
    """The unit the engine reads `role`'s states in; None for roles without one."""
    if role in POWER_ROLES:
        return UnitOfPower.WATT
    return LIGHT_LUX if role is Role.LIGHT else None


def convertible(role: Role, unit: Any) -> bool:
    """Whether readings in `unit` can feed a source of `role`.

    No unit counts as the role's own (many template and MQTT sensors give none).
    """
    if unit is None or unit == "" or native_unit(role) is None:
        return True
    if role in POWER_ROLES:
        return unit in PowerConverter.VALID_UNITS
    return bool(unit == LIGHT_LUX)


def engine_state(role: Role, state: State) -> str:
    """The state string the engine is given for a `role` source's Home Assistant state.

    Power is converted to W and illuminance checked to be lx. A state that is not a
    number (`unavailable`, text) is passed on unchanged, for the engine to judge; a number
    in a unit that cannot be converted becomes `unit:<unit>`, which the engine marks
    invalid. States of other roles are passed on unchanged.
    """
    text = state.state
    target = native_unit(role)
    if target is None:
        return text
    try:
        value = float(text)
    except ValueError:
        return text
    unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
    if unit is None or unit in ("", target):
        return text
    if not convertible(role, unit):
        return f"{UNIT_MARKER}{unit}"
    return str(PowerConverter.convert(value, unit, target))


def source_unit(hass: HomeAssistant, entity_id: str) -> Any:
    """The unit `entity_id` reports in: its state's, or for an entity not loaded yet, the
    one its registry entry says it will show (the user's choice first)."""
    if (state := hass.states.get(entity_id)) is not None:
        return state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
    entry = er.async_get(hass).async_get(entity_id)
    if entry is None:
        return None
    shown: Mapping[str, Any] = entry.options.get(Platform.SENSOR) or {}
    if (chosen := shown.get(ATTR_UNIT_OF_MEASUREMENT)) is not None:
        return chosen
    private: Mapping[str, Any] = entry.options.get(f"{Platform.SENSOR}.private") or {}
    suggested = private.get("suggested_unit_of_measurement")
    return suggested if suggested is not None else entry.unit_of_measurement
