"""The `away` switch, toggled the way a user toggles it in the UI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.care_plug.const import DOMAIN, EVENT_CARE

from .common import move_to as advance
from .common import value as state
from .common import walk

pytestmark = pytest.mark.freeze_time("2026-03-02T17:00:00+00:00")

START = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
AWAY = "switch.mum_away"


async def switch(hass: HomeAssistant, service: str, context: Context | None = None) -> None:
    await hass.services.async_call(
        "switch", service, {"entity_id": AWAY}, blocking=True, context=context
    )


def away(hass: HomeAssistant) -> tuple[str, Any]:
    current = hass.states.get(AWAY)
    assert current is not None
    return current.state, current.attributes["until"]


async def test_switch_belongs_to_the_household(
    hass: HomeAssistant, household: MockConfigEntry
) -> None:
    entry = er.async_get(hass).async_get(AWAY)
    assert entry is not None
    assert entry.unique_id == f"{household.entry_id}_away"
    assert entry.translation_key == "away"
    current = hass.states.get(AWAY)
    assert current is not None
    assert current.state == "off"
    assert dict(current.attributes) == {"until": None, "friendly_name": "Mum Away"}


async def test_turn_on_and_off_pauses_and_resumes_monitoring(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_admin_user: Any,
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    context = Context(user_id=hass_admin_user.id)
    await switch(hass, "turn_on", context)

    assert away(hass) == ("on", None)
    assert state(hass, "sensor.mum_monitoring") == "away"
    assert state(hass, "sensor.mum_next_escalation") == "unknown"
    assert [
        (e.data["type"], e.data["previous_monitoring"], e.data["monitoring"]) for e in events
    ] == [("monitoring", "ok", "away")]
    assert events[0].context is context

    # No end: hours go by (well past critical) without a single alert.
    back = START + timedelta(hours=5)
    await walk(hass, freezer, START, back)
    assert len(events) == 1
    assert away(hass) == ("on", None)
    assert state(hass, "sensor.mum_care_level") == "normal"

    await switch(hass, "turn_off", context)
    assert away(hass) == ("off", None)
    assert state(hass, "sensor.mum_monitoring") == "ok"
    assert [
        (e.data["type"], e.data["previous_monitoring"], e.data["monitoring"]) for e in events
    ] == [
        ("monitoring", "ok", "away"),
        ("monitoring", "away", "ok"),
    ]
    # A fresh clock from the moment the switch went off.
    assert state(hass, "sensor.mum_next_escalation") == "2026-03-02T23:00:00+00:00"


async def test_turn_on_at_warning_ends_the_alert(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    await advance(hass, freezer, START + timedelta(hours=2))
    events = async_capture_events(hass, EVENT_CARE)
    await switch(hass, "toggle")

    assert away(hass) == ("on", None)
    assert [(e.data["type"], e.data.get("resolved_by"), e.data["monitoring"]) for e in events] == [
        ("resolved", "check_in", "ok"),
        ("monitoring", None, "away"),
    ]
    assert state(hass, "binary_sensor.mum_alert") == "off"


async def test_switch_shows_the_end_set_by_the_action_and_turns_itself_off(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    await hass.services.async_call(
        DOMAIN,
        "set_away",
        {"config_entry_id": household.entry_id, "duration": {"hours": 3, "minutes": 30}},
        blocking=True,
    )
    end = START + timedelta(hours=3, minutes=30)
    assert away(hass) == ("on", end)

    await advance(hass, freezer, end - timedelta(seconds=1))
    assert away(hass) == ("on", end)
    await advance(hass, freezer, end)
    assert away(hass) == ("off", None)
    assert state(hass, "sensor.mum_monitoring") == "ok"


async def test_turn_off_before_the_end_cancels_it(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    await hass.services.async_call(
        DOMAIN,
        "set_away",
        {"config_entry_id": household.entry_id, "until": "2026-03-02T21:00:00+00:00"},
        blocking=True,
    )
    events = async_capture_events(hass, EVENT_CARE)
    back = START + timedelta(hours=1)
    freezer.move_to(back)
    await switch(hass, "turn_off")
    assert away(hass) == ("off", None)
    assert [(e.data["type"], e.data["monitoring"]) for e in events] == [("monitoring", "ok")]

    # The old end passes unnoticed; the fresh clock runs from the turn-off.
    await advance(hass, freezer, back + timedelta(hours=1))
    assert [(e.data["type"], e.data["level"]) for e in events[1:]] == [("alert", "attention")]
    await walk(hass, freezer, back + timedelta(hours=1), datetime(2026, 3, 2, 21, 0, tzinfo=UTC))
    assert [(e.data["type"], e.data["level"]) for e in events[1:]] == [
        ("alert", "attention"),
        ("alert", "warning"),
        ("reminder", "warning"),
        ("alert", "critical"),
    ]


async def test_turn_on_while_away_with_an_end_keeps_away_without_end(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    await hass.services.async_call(
        DOMAIN,
        "set_away",
        {"config_entry_id": household.entry_id, "duration": "02:00:00"},
        blocking=True,
    )
    events = async_capture_events(hass, EVENT_CARE)
    await switch(hass, "turn_on")
    assert away(hass) == ("on", None)
    assert events == []  # still away: no monitoring change
    await advance(hass, freezer, START + timedelta(hours=2))
    assert away(hass) == ("on", None)
    assert events == []
