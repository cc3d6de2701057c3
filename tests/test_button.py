"""The `check_in` and `acknowledge` buttons, pressed the way a user presses them in the UI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.care_plug.const import DOMAIN, EVENT_CARE

from .common import move_to as advance
from .common import value as state

pytestmark = pytest.mark.freeze_time("2026-03-02T17:00:00+00:00")

START = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
CHECK_IN = "button.mum_check_in"
ACKNOWLEDGE = "button.mum_acknowledge"


async def press(hass: HomeAssistant, entity_id: str, context: Context | None = None) -> None:
    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id}, blocking=True, context=context
    )


async def test_buttons_belong_to_the_household(
    hass: HomeAssistant, household: MockConfigEntry
) -> None:
    registry = er.async_get(hass)
    for entity_id, key, name in (
        (CHECK_IN, "check_in", "Mum Check in"),
        (ACKNOWLEDGE, "acknowledge", "Mum Acknowledge"),
    ):
        entry = registry.async_get(entity_id)
        assert entry is not None
        assert entry.unique_id == f"{household.entry_id}_{key}"
        assert entry.translation_key == key
        assert entry.config_entry_id == household.entry_id
        assert entry.device_id is not None
        current = hass.states.get(entity_id)
        assert current is not None
        assert current.state == "unknown"  # never pressed
        assert current.attributes["friendly_name"] == name


async def test_check_in_button_resolves_the_alert(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_admin_user: Any,
) -> None:
    await advance(hass, freezer, START + timedelta(hours=2))
    assert state(hass, "sensor.mum_care_level") == "warning"
    events = async_capture_events(hass, EVENT_CARE)

    pressed = START + timedelta(hours=2, minutes=20)
    freezer.move_to(pressed)
    context = Context(user_id=hass_admin_user.id)
    await press(hass, CHECK_IN, context)

    assert [(e.data["type"], e.data["resolved_by"], e.data["previous_level"]) for e in events] == [
        ("resolved", "check_in", "warning")
    ]
    assert events[0].context is context
    assert state(hass, CHECK_IN) == "2026-03-02T19:20:00+00:00"
    assert state(hass, "sensor.mum_care_level") == "normal"
    assert state(hass, "binary_sensor.mum_alert") == "off"
    assert state(hass, "sensor.mum_next_escalation") == "2026-03-02T20:20:00+00:00"


async def test_check_in_button_at_normal_restarts_the_clock(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    freezer.move_to(START + timedelta(minutes=45))
    await press(hass, CHECK_IN)
    assert events == []
    assert state(hass, "sensor.mum_next_escalation") == "2026-03-02T18:45:00+00:00"


async def test_acknowledge_button_names_the_user_who_pressed_it(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_admin_user: Any,
) -> None:
    daughter = await hass.auth.async_create_user("Kim Jiwoo", group_ids=["system-users"])
    await advance(hass, freezer, START + timedelta(hours=2, minutes=30))  # warning, 1 reminder
    events = async_capture_events(hass, EVENT_CARE)

    freezer.move_to(START + timedelta(hours=2, minutes=40))
    await press(hass, ACKNOWLEDGE, Context(user_id=daughter.id))

    assert len(events) == 1
    data = events[0].data
    assert (data["type"], data["level"], data["by"], data["note"]) == (
        "acknowledged",
        "warning",
        "Kim Jiwoo",
        None,
    )
    assert data["message"] == (
        "Mum: the alert at care level warning was acknowledged by Kim Jiwoo;"
        " no sign of activity for 2 h 40 min."
    )
    assert events[0].context.user_id == daughter.id
    assert state(hass, ACKNOWLEDGE) == "2026-03-02T19:40:00+00:00"
    care_level = hass.states.get("sensor.mum_care_level")
    assert care_level is not None
    assert care_level.attributes["acknowledged"] is True

    # No reminder at 3:00 is due any more; critical is a new alert, acknowledged anew.
    await advance(hass, freezer, START + timedelta(hours=2, minutes=59))
    assert len(events) == 1

    # Another user presses it again at critical: that press names them.
    await advance(hass, freezer, START + timedelta(hours=3))
    assert events[1].data["type"] == "alert"
    await press(hass, ACKNOWLEDGE, Context(user_id=hass_admin_user.id))
    assert (events[2].data["type"], events[2].data["level"], events[2].data["by"]) == (
        "acknowledged",
        "critical",
        "Mock User",
    )


async def test_acknowledge_button_pressed_by_an_automation_has_no_name(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    await advance(hass, freezer, START + timedelta(hours=1))
    events = async_capture_events(hass, EVENT_CARE)
    await press(hass, ACKNOWLEDGE, Context())
    assert [(e.data["type"], e.data["level"], e.data["by"]) for e in events] == [
        ("acknowledged", "attention", None)
    ]


async def test_acknowledge_button_at_normal_is_refused(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_admin_user: Any,
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    freezer.move_to(START + timedelta(minutes=5))
    before = {
        entity_id: hass.states.get(entity_id)
        for entity_id in ("sensor.mum_care_level", "sensor.mum_next_escalation", "switch.mum_away")
    }

    with pytest.raises(ServiceValidationError) as caught:
        await press(hass, ACKNOWLEDGE, Context(user_id=hass_admin_user.id))

    err = caught.value
    assert err.translation_domain == DOMAIN
    assert err.translation_key == "nothing_to_acknowledge"
    assert err.translation_placeholders == {"household": "Mum"}
    assert str(err) == "Mum is at normal: there is no alert to acknowledge"
    assert events == []
    for entity_id, previous in before.items():
        assert hass.states.get(entity_id) == previous
