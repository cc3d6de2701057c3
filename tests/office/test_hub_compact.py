"""A compact welfare office: each household's care level and acknowledge button only.

Driven as in test_hub.py: boxes' messages through the MQTT mock, the officer through
button presses and the options flow.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Context, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.template import Template
from homeassistant.util.yaml import load_yaml_dict
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.care_plug.const import DOMAIN, EVENT_CARE

from ..common import attribute, move_to, state_of, value
from .test_hub import (
    ACKNOWLEDGE,
    ALERT,
    CARE_LEVEL,
    CHECK_IN,
    GN,
    LAST_ACTIVITY,
    LAST_HEARD,
    MONITORING,
    OFFICE_OPTIONS,
    T0,
    commands,
    event,
    fired,
    household_device,
    publish,
    status,
)
from .test_hub import mqtt as mqtt_fixture

# test_hub.py's broker: its socket closes at the end, as a real client's does.
mqtt = mqtt_fixture

FULL_ONLY = (MONITORING, ALERT, CHECK_IN, LAST_ACTIVITY, LAST_HEARD)


def office_with(hass: HomeAssistant, mode: str, root: str = "care_plug") -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"Office {root}",
        options={**OFFICE_OPTIONS, "name": f"Office {root}", "root": root, "entities": mode},
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def compact(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, mqtt: MqttMockHAClient
) -> MockConfigEntry:
    """A compact office set up at T0 and listening."""
    return await set_up(hass, freezer, "compact")


async def set_up(hass: HomeAssistant, freezer: FrozenDateTimeFactory, mode: str) -> MockConfigEntry:
    """An office of `mode` set up at T0 and listening."""
    freezer.move_to(T0)
    entry = office_with(hass, mode)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def household_entities(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, er.RegistryEntry]:
    """Every registry entry of GN-0142's device, disabled ones too, by entity id."""
    device = household_device(hass, entry)
    assert device is not None
    registry = er.async_get(hass)
    entries = er.async_entries_for_device(registry, device.id, include_disabled_entities=True)
    return {entity.entity_id: entity for entity in entries}


async def test_a_compact_office_has_a_care_level_and_acknowledge_per_household(
    hass: HomeAssistant, compact: MockConfigEntry
) -> None:
    await publish(
        hass,
        "status",
        status(level="warning", reason="inactivity", alert_id="a-1", monitoring="degraded"),
        retain=True,
    )

    assert set(household_entities(hass, compact)) == {CARE_LEVEL, ACKNOWLEDGE}
    for entity_id in FULL_ONLY:
        assert hass.states.get(entity_id) is None
    assert value(hass, CARE_LEVEL) == "warning"
    care = state_of(hass, CARE_LEVEL).attributes
    # What an officer needs, on the one sensor.
    assert care["office_id"] == GN
    assert care["reason"] == "inactivity"
    assert care["since"] == T0
    assert care["last_activity"] == T0 - timedelta(minutes=40)
    assert care["quiet_since"] == T0 - timedelta(minutes=40)
    assert care["alert_id"] == "a-1"
    assert care["acknowledged"] is False
    assert care["acknowledged_by"] is None
    assert care["monitoring"] == "degraded"
    assert care["last_heard"] is None  # the box reports
    assert attribute(hass, ACKNOWLEDGE, "office_id") == GN


async def test_a_silent_box_shows_on_the_care_level(
    hass: HomeAssistant, compact: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    await publish(hass, "status", status(level="attention", reason="inactivity"))

    await move_to(hass, freezer, T0 + timedelta(minutes=15))

    assert value(hass, CARE_LEVEL) == "box_offline"
    assert attribute(hass, CARE_LEVEL, "monitoring") == "box_offline"
    assert attribute(hass, CARE_LEVEL, "reported_level") == "attention"
    assert attribute(hass, CARE_LEVEL, "last_heard") == T0

    back = T0 + timedelta(hours=1)
    await move_to(hass, freezer, back)
    await publish(hass, "status", status(at=back, level="attention", reason="inactivity"))
    assert value(hass, CARE_LEVEL) == "attention"
    assert attribute(hass, CARE_LEVEL, "monitoring") == "ok"
    assert attribute(hass, CARE_LEVEL, "last_heard") is None


async def test_the_acknowledge_button_sends_the_command(
    hass: HomeAssistant,
    compact: MockConfigEntry,
    mqtt: MqttMockHAClient,
    hass_admin_user: MockUser,
) -> None:
    await publish(hass, "status", status(level="warning", reason="inactivity", alert_id="a-1"))

    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": ACKNOWLEDGE},
        blocking=True,
        context=Context(user_id=hass_admin_user.id),
    )

    [sent] = commands(mqtt)
    assert sent["command"] == "acknowledge"
    assert sent["office_id"] == GN
    assert sent["by"] == hass_admin_user.name


async def test_the_offices_care_events_are_the_same_in_both_modes(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, mqtt: MqttMockHAClient
) -> None:
    """The same boxes under two roots: a full office and a compact one say the same."""
    freezer.move_to(T0)
    full = office_with(hass, "full", "full")
    compact = office_with(hass, "compact", "compact")
    assert await hass.config_entries.async_setup(full.entry_id)  # sets up every entry
    await hass.async_block_till_done()
    assert compact.state is ConfigEntryState.LOADED
    events = async_capture_events(hass, EVENT_CARE)

    async def both(kind: str, payload: dict[str, Any]) -> None:
        for root in ("full", "compact"):
            await publish(hass, kind, payload, name=f"{root}/{GN}/{kind}")

    await both("status", status(seq=100))
    await both("event", event(101))
    await both("status", status(seq=101, level="warning", reason="inactivity"))
    await move_to(hass, freezer, T0 + timedelta(minutes=15))  # silent: box_offline
    back = T0 + timedelta(hours=1)
    await move_to(hass, freezer, back)
    await both("status", status(at=back, seq=101, level="warning", reason="inactivity"))

    by_office: dict[str, list[dict[str, Any]]] = {full.entry_id: [], compact.entry_id: []}
    for data in fired(events):
        entry_id = data.pop("entry_id")
        data.pop("device_id")
        by_office[entry_id].append(data)
    said = by_office[full.entry_id]
    assert [(e["type"], e["monitoring"]) for e in said] == [
        ("alert", "ok"),
        ("monitoring", "box_offline"),
        ("monitoring", "ok"),
    ]
    assert by_office[compact.entry_id] == said


async def change_mode(hass: HomeAssistant, entry: MockConfigEntry, mode: str) -> None:
    """The officer changes "Entities per household" in the office's options (it reloads)."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "office"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"root": entry.options["root"], "tolerance": {"minutes": 15}, "entities": mode},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


async def test_switching_modes_leaves_no_orphan_and_keeps_the_shared_entities(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, mqtt: MqttMockHAClient
) -> None:
    entry = await set_up(hass, freezer, "full")
    await publish(hass, "status", status(level="warning", reason="inactivity"), retain=True)
    full = household_entities(hass, entry)
    assert set(full) == {CARE_LEVEL, ACKNOWLEDGE, *FULL_ONLY}

    await change_mode(hass, entry, "compact")
    # The broker hands the retained status over again when the office subscribes.
    await publish(hass, "status", status(level="warning", reason="inactivity"), retain=True)

    compact = household_entities(hass, entry)
    assert set(compact) == {CARE_LEVEL, ACKNOWLEDGE}
    for entity_id in (CARE_LEVEL, ACKNOWLEDGE):
        assert compact[entity_id].unique_id == full[entity_id].unique_id
        assert compact[entity_id].id == full[entity_id].id  # the same registry entry
    for entity_id in FULL_ONLY:
        assert hass.states.get(entity_id) is None
    assert value(hass, CARE_LEVEL) == "warning"

    await change_mode(hass, entry, "full")
    await publish(hass, "status", status(level="warning", reason="inactivity"), retain=True)

    again = household_entities(hass, entry)
    assert set(again) == set(full)  # no `_2` duplicates
    assert {e.unique_id for e in again.values()} == {e.unique_id for e in full.values()}
    assert again[CARE_LEVEL].id == full[CARE_LEVEL].id
    assert value(hass, MONITORING) == "ok"
    assert value(hass, ALERT) == "on"
    assert not again[MONITORING].disabled
    assert again[LAST_HEARD].disabled  # disabled by default, as in a new full office


def officer_table() -> str:
    """The households table of dashboards/officer.yaml (a Markdown card's template)."""
    path = Path(__file__).parents[2] / "dashboards" / "officer.yaml"

    def find(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, child in node.items():
                if key == "content" and isinstance(child, str) and "_care_level" in child:
                    yield child
                yield from find(child)
        elif isinstance(node, list):
            for child in node:
                yield from find(child)

    [content] = find(load_yaml_dict(path))
    return content


async def test_the_officer_dashboard_shows_a_compact_households_monitoring(
    hass: HomeAssistant, compact: MockConfigEntry
) -> None:
    await publish(hass, "status", status(monitoring="degraded"), retain=True)

    rendered = Template(officer_table(), hass).async_render(parse_result=False)

    [row] = [line for line in rendered.splitlines() if line.startswith(f"| {GN} ")]
    assert row.rstrip(" |").endswith("degraded")  # from the care level: no monitoring sensor
    assert "40 minutes ago" in row
