"""Helpers shared by the Home Assistant tests: move the clock, read entity states."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, State
from pytest_homeassistant_custom_component.common import async_fire_time_changed


async def move_to(hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: datetime) -> None:
    """Let the clock run to `moment`, firing every timer that is due by then."""
    freezer.move_to(moment)
    async_fire_time_changed(hass, moment)
    await hass.async_block_till_done()


async def walk(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, start: datetime, end: datetime
) -> None:
    """Let the clock run from `start` to `end` in ten-minute steps (a real evening)."""
    moment = start
    while moment < end:
        moment = min(moment + timedelta(minutes=10), end)
        await move_to(hass, freezer, moment)


def state_of(hass: HomeAssistant, entity_id: str) -> State:
    """The entity's current state; fails the test when the entity does not exist."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state


def value(hass: HomeAssistant, entity_id: str) -> str:
    """The entity's state string."""
    return state_of(hass, entity_id).state


def attribute(hass: HomeAssistant, entity_id: str, name: str) -> Any:
    """One attribute of the entity's state."""
    return state_of(hass, entity_id).attributes[name]
