"""The welfare office, driven through Home Assistant and its MQTT the way boxes drive it.

The broker is the test plugin's MQTT mock: the test publishes what boxes would send
(`async_fire_mqtt_message`, retained where the contract says so) and reads what the
office published from the mock's record. The office listens under `care_plug` with the
default tolerance of 15 minutes; its households are `GN-0142` and `GN-0143`.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_capture_events,
    async_fire_mqtt_message,
    async_mock_service,
)
from pytest_homeassistant_custom_component.typing import (
    MqttMockHAClient,
    MqttMockPahoClient,
    WebSocketGenerator,
)

from custom_components.care_plug.const import DOMAIN, EVENT_CARE
from custom_components.care_plug.office.contract import MAX_PAYLOAD_BYTES, STATUS_KEYS

from ..common import attribute, move_to, state_of, value

ROOT = "care_plug"
BLUEPRINTS = Path(__file__).parents[2] / "blueprints" / "automation" / "care_plug"
GN = "GN-0142"
OTHER = "GN-0143"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OFFICE_OPTIONS: dict[str, Any] = {
    "kind": "office",
    "name": "Gangnam office",
    "root": ROOT,
    "tolerance": {"hours": 0, "minutes": 15, "seconds": 0},
}
CARE_LEVEL = "sensor.gn_0142_care_level"
MONITORING = "sensor.gn_0142_monitoring"
ALERT = "binary_sensor.gn_0142_alert"
LAST_HEARD = "sensor.gn_0142_last_heard"
LAST_ACTIVITY = "sensor.gn_0142_last_activity"
ACKNOWLEDGE = "button.gn_0142_acknowledge"
CHECK_IN = "button.gn_0142_check_in"
DROPPED = "sensor.gangnam_office_dropped_messages"


def topic(kind: str, office_id: str = GN) -> str:
    return f"{ROOT}/{office_id}/{kind}"


def status(
    office_id: str = GN, *, at: datetime = T0, seq: int = 100, **fields: Any
) -> dict[str, Any]:
    """A box's status as the contract describes it (a quiet morning, attention soon)."""
    payload: dict[str, Any] = {
        "schema": 1,
        "office_id": office_id,
        "name": None,
        "level": "normal",
        "reason": "none",
        "alert_id": None,
        "acknowledged": False,
        "monitoring": "ok",
        "last_activity": (at - timedelta(minutes=40)).isoformat(),
        "inactive_seconds": 2400,
        "next_escalation": (at + timedelta(hours=11, minutes=20)).isoformat(),
        "next_level": "attention",
        "away_until": None,
        "sources_online": 5,
        "sources_total": 5,
        "routine_ready": True,
        "explanation": None,
        "seq": seq,
        "sent_at": at.isoformat(),
    }
    payload.update(fields)
    assert tuple(payload) == STATUS_KEYS
    return payload


def event(
    seq: int,
    office_id: str = GN,
    *,
    at: datetime = T0,
    kind: str = "alert",
    level: str = "warning",
    previous_level: str = "attention",
    **fields: Any,
) -> dict[str, Any]:
    """A care event as a box publishes it: the bus payload with `office_id`, `seq`, times."""
    return {
        "schema": 1,
        "office_id": office_id,
        "type": kind,
        "level": level,
        "previous_level": previous_level,
        "reason": "inactivity",
        "alert_id": "20260302T080000Z-1",
        "last_activity": (at - timedelta(hours=24)).isoformat(),
        "last_activity_entity": "sensor.kettle_power",
        "inactive_seconds": 86400,
        "monitoring": "ok",
        "message": f"{office_id} is at {level}: no activity for 24 hours.",
        "seq": seq,
        "occurred_at": at.isoformat(),
        "sent_at": at.isoformat(),
        **fields,
    }


async def publish(
    hass: HomeAssistant,
    kind: str,
    payload: dict[str, Any] | str | bytes,
    office_id: str = GN,
    *,
    retain: bool = False,
    name: str | None = None,
) -> None:
    """A box's message arrives at the office."""
    raw = json.dumps(payload) if isinstance(payload, dict) else payload
    async_fire_mqtt_message(hass, name or topic(kind, office_id), raw, qos=1, retain=retain)
    await hass.async_block_till_done()


def commands(mqtt: MqttMockHAClient, office_id: str = GN) -> list[dict[str, Any]]:
    """The commands the office published to one household, checked for QoS 1, not retained."""
    found = []
    for call in mqtt.async_publish.call_args_list:
        name, payload, qos, retain = call.args[:4]
        if name == topic("command", office_id):
            assert (qos, retain) == (1, False)
            found.append(json.loads(payload))
    return found


def fired(events: list[Any]) -> list[dict[str, Any]]:
    return [dict(e.data) for e in events]


@pytest.fixture
def mqtt(
    mqtt_mock: MqttMockHAClient, mqtt_client_mock: MqttMockPahoClient
) -> Iterator[MqttMockHAClient]:
    """The broker; at the end its socket closes, as a real client's does when HA stops."""
    yield mqtt_mock
    mqtt_client_mock.on_socket_close(mqtt_client_mock, None, MagicMock(fileno=lambda: -1))


@pytest.fixture
def office_entry(hass: HomeAssistant) -> MockConfigEntry:
    entry = MockConfigEntry(domain=DOMAIN, title="Gangnam office", options=OFFICE_OPTIONS)
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def office(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mqtt: MqttMockHAClient,
    office_entry: MockConfigEntry,
) -> MockConfigEntry:
    """The office set up at T0 and listening."""
    freezer.move_to(T0)
    assert await hass.config_entries.async_setup(office_entry.entry_id)
    await hass.async_block_till_done()
    return office_entry


def household_device(hass: HomeAssistant, entry: MockConfigEntry, office_id: str = GN) -> Any:
    return dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"{entry.entry_id}_{office_id}"), entry.entry_id
    )


# ------------------------------------------------------------------ statuses


async def test_subscribes_to_every_household_under_the_root(
    hass: HomeAssistant, office: MockConfigEntry, mqtt: MqttMockHAClient
) -> None:
    assert office.state is ConfigEntryState.LOADED
    subscribed = {(call.args[0], call.args[2]) for call in mqtt.async_subscribe.call_args_list}
    for kind in ("status", "event", "availability", "reply"):
        assert (f"{ROOT}/+/{kind}", 1) in subscribed
    assert not any(name.endswith("/command") for name, _ in subscribed)  # its own commands
    # No household yet: only the office's own device.
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), office.entry_id)
    assert [device.model for device in devices] == ["Welfare office"]


async def test_a_status_creates_the_household_with_its_entities(
    hass: HomeAssistant, office: MockConfigEntry
) -> None:
    await publish(
        hass,
        "status",
        status(
            level="warning",
            reason="inactivity",
            alert_id="20260302T080000Z-1",
            explanation="usually 6 activities between 07:00 and 10:00; none today",
        ),
        retain=True,
    )

    device = household_device(hass, office)
    assert device is not None
    assert device.name == GN  # the box does not share the name
    assert device.serial_number == GN
    assert value(hass, CARE_LEVEL) == "warning"
    care = state_of(hass, CARE_LEVEL).attributes
    assert care["office_id"] == GN
    assert care["reason"] == "inactivity"
    assert care["alert_id"] == "20260302T080000Z-1"
    assert care["acknowledged"] is False
    assert care["acknowledged_by"] is None
    assert care["since"] == T0
    assert care["explanation"] == "usually 6 activities between 07:00 and 10:00; none today"
    assert care["options"] == ["normal", "attention", "warning", "critical", "box_offline"]
    # Last activity is on the care level (its own sensor is disabled by default).
    assert care["last_activity"] == T0 - timedelta(minutes=40)
    assert care["quiet_since"] == T0 - timedelta(minutes=40)
    assert value(hass, MONITORING) == "ok"
    assert attribute(hass, MONITORING, "sources_online") == 5
    assert attribute(hass, MONITORING, "last_heard") is None  # the box reports
    assert value(hass, ALERT) == "on"
    for entity_id in (ACKNOWLEDGE, CHECK_IN):
        assert attribute(hass, entity_id, "office_id") == GN
    # Every entity of the household is on its device; five are enabled and say whose
    # they are, last activity and last heard are there to enable (no state until then).
    registry = er.async_get(hass)
    entities = er.async_entries_for_device(registry, device.id, include_disabled_entities=True)
    assert {e.entity_id for e in entities} == {
        CARE_LEVEL,
        MONITORING,
        ALERT,
        LAST_HEARD,
        LAST_ACTIVITY,
        ACKNOWLEDGE,
        CHECK_IN,
    }
    disabled = {e.entity_id: e.disabled_by for e in entities if e.disabled}
    assert disabled == {
        LAST_HEARD: er.RegistryEntryDisabler.INTEGRATION,
        LAST_ACTIVITY: er.RegistryEntryDisabler.INTEGRATION,
    }
    assert hass.states.get(LAST_HEARD) is None
    assert hass.states.get(LAST_ACTIVITY) is None
    enabled = [e.entity_id for e in entities if not e.disabled]
    assert all(attribute(hass, entity_id, "office_id") == GN for entity_id in enabled)


async def test_a_shared_name_names_the_device(hass: HomeAssistant, office: MockConfigEntry) -> None:
    await publish(hass, "status", status(name="Mrs Kim"))

    device = household_device(hass, office)
    assert device.name == "Mrs Kim"
    assert attribute(hass, CARE_LEVEL, "household") == "Mrs Kim"
    assert state_of(hass, CARE_LEVEL).name == "Mrs Kim Care level"


async def test_a_newer_status_updates_the_entities_and_keeps_since(
    hass: HomeAssistant, office: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    await publish(hass, "status", status(level="attention", reason="inactivity"))
    later = T0 + timedelta(minutes=5)
    await move_to(hass, freezer, later)
    await publish(hass, "status", status(at=later, level="attention", reason="inactivity"))

    assert value(hass, CARE_LEVEL) == "attention"
    assert attribute(hass, CARE_LEVEL, "since") == T0  # the level began with the first status
    assert value(hass, ALERT) == "off"  # attention asks nobody to act yet


async def test_a_heartbeat_writes_no_state_but_the_console_hears_it(
    hass: HomeAssistant,
    office: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: WebSocketGenerator,
) -> None:
    assert await async_setup_component(hass, "websocket_api", {})
    await hass.async_block_till_done()
    # A box with no activity yet: its silence is counted in whole seconds by its clock.
    escalation = (T0 + timedelta(hours=2)).isoformat()
    quiet: dict[str, Any] = {
        "last_activity": None,
        "inactive_seconds": 3600,
        "next_escalation": escalation,
    }
    await publish(hass, "status", status(level="attention", reason="inactivity", **quiet))
    device_id = household_device(hass, office).id
    written = async_capture_events(hass, "state_changed")
    client = await hass_ws_client(hass)

    later = T0 + timedelta(minutes=5, seconds=0.7)
    await move_to(hass, freezer, later)
    # 0.7 s off after the box's rounding; nothing else changed.
    heartbeat = {**quiet, "inactive_seconds": 3900}
    await publish(
        hass, "status", status(at=later, level="attention", reason="inactivity", **heartbeat)
    )

    assert [e.data["entity_id"] for e in written] == []  # no recorder row per heartbeat
    assert attribute(hass, CARE_LEVEL, "quiet_since") == T0 - timedelta(hours=1)
    await client.send_json_auto_id(
        {"type": "care_plug/office_last_heard", "entry_id": office.entry_id}
    )
    answer = await client.receive_json()
    assert answer["success"]
    assert answer["result"] == {"last_heard": {device_id: later.isoformat()}}

    # What the officer sees does change: written at once.
    await publish(hass, "status", status(at=later, level="warning", reason="inactivity"))
    assert {e.data["entity_id"] for e in written} == {CARE_LEVEL, ALERT}


# ------------------------------------------------------------------ events


async def test_events_fire_once_each_at_the_office(
    hass: HomeAssistant, office: MockConfigEntry, mqtt: MqttMockHAClient
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    await publish(hass, "status", status(level="attention", seq=100))
    sent = event(101, at=T0 + timedelta(minutes=1))
    await publish(hass, "event", sent)
    await publish(
        hass,
        "event",
        event(102, at=T0 + timedelta(minutes=2), level="critical", previous_level="warning"),
    )
    await publish(hass, "event", sent)  # delivered twice (at least once): ignored

    device = household_device(hass, office)
    assert [e["seq"] for e in fired(events)] == [101, 102]
    first = fired(events)[0]
    # The payload as received, plus where it belongs at the office.
    assert first == {
        **sent,
        "entry_id": office.entry_id,
        "device_id": device.id,
        "household": GN,
        "office_id": GN,
        "remote": True,
    }
    assert value(hass, CARE_LEVEL) == "critical"  # the event is newer than the status
    assert value(hass, ALERT) == "on"
    assert commands(mqtt) == []  # no gap, nothing to ask for


async def test_an_acknowledged_event_names_who_acknowledged(
    hass: HomeAssistant, office: MockConfigEntry
) -> None:
    alert_id = "20260302T080000Z-1"
    await publish(
        hass, "status", status(level="warning", reason="inactivity", alert_id=alert_id, seq=7)
    )
    await publish(
        hass,
        "event",
        event(
            8,
            kind="acknowledged",
            level="warning",
            previous_level="warning",
            at=T0 + timedelta(minutes=1),
            by="Officer Lee",
            note=None,
        ),
    )

    assert attribute(hass, CARE_LEVEL, "acknowledged") is True
    assert attribute(hass, CARE_LEVEL, "acknowledged_by") == "Officer Lee"


async def test_an_event_first_creates_the_household(
    hass: HomeAssistant, office: MockConfigEntry, mqtt: MqttMockHAClient
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    await publish(hass, "event", event(5000))

    assert household_device(hass, office) is not None
    assert [e["seq"] for e in fired(events)] == [5000]
    assert commands(mqtt) == []  # where a household's numbering starts is no gap


# ------------------------------------------------------------------ gaps


async def test_a_gap_asks_once_for_what_is_missing_and_fills_it_in_order(
    hass: HomeAssistant, office: MockConfigEntry, mqtt: MqttMockHAClient
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    await publish(hass, "status", status(seq=10))
    await publish(hass, "event", event(11))
    await publish(hass, "event", event(14))  # 12 and 13 were lost on the way
    await publish(hass, "event", event(15))

    sent = commands(mqtt)
    assert len(sent) == 1
    assert sent[0]["command"] == "resend"
    assert sent[0]["since"] == 11
    assert sent[0]["office_id"] == GN
    assert sent[0]["schema"] == 1
    assert [e["seq"] for e in fired(events)] == [11]  # 14 and 15 wait for the gap

    # The box resends everything after 11; what the office has already is not fired twice.
    for seq in (12, 13, 14, 15):
        await publish(hass, "event", event(seq))
    assert [e["seq"] for e in fired(events)] == [11, 12, 13, 14, 15]
    assert len(commands(mqtt)) == 1


async def test_a_status_ahead_of_the_events_asks_after_a_short_grace(
    hass: HomeAssistant,
    office: MockConfigEntry,
    mqtt: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    await publish(hass, "status", status(seq=20))
    await publish(hass, "status", status(seq=22, at=T0 + timedelta(seconds=1)))
    assert commands(mqtt) == []  # event 21 may still be on its way

    await move_to(hass, freezer, T0 + timedelta(seconds=5))
    sent = commands(mqtt)
    assert [(c["command"], c["since"]) for c in sent] == [("resend", 20)]
    await publish(hass, "event", event(21))
    await publish(hass, "event", event(22))
    assert [e["seq"] for e in fired(events)] == [21, 22]


async def test_a_gap_the_box_cannot_fill_does_not_hold_later_events_back(
    hass: HomeAssistant,
    office: MockConfigEntry,
    mqtt: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    await publish(hass, "status", status(seq=10))
    await publish(hass, "event", event(12, level="critical", previous_level="warning"))
    assert fired(events) == []
    request = commands(mqtt)[0]
    await publish(
        hass,
        "reply",
        {"schema": 1, "command_id": request["command_id"], "ok": False, "error": "command_failed"},
    )

    assert [e["seq"] for e in fired(events)] == [12]
    assert "did not resend 1 event after 10 (up to 12)" in caplog.text
    await publish(hass, "event", event(13, level="critical", previous_level="critical"))
    assert [e["seq"] for e in fired(events)] == [12, 13]


async def test_an_unanswered_resend_gives_up_after_a_minute(
    hass: HomeAssistant,
    office: MockConfigEntry,
    mqtt: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    await publish(hass, "status", status(seq=10))
    await publish(hass, "event", event(12))
    await move_to(hass, freezer, T0 + timedelta(seconds=59))
    assert fired(events) == []
    await move_to(hass, freezer, T0 + timedelta(seconds=61))
    assert [e["seq"] for e in fired(events)] == [12]


# ------------------------------------------------------------------ box offline


async def test_a_silent_box_is_offline_after_the_tolerance_and_back_with_a_status(
    hass: HomeAssistant, office: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    await publish(hass, "status", status(level="attention", reason="inactivity"))
    await publish(hass, "status", status(OTHER), OTHER)
    for minutes in (5, 10):  # OTHER keeps reporting, GN-0142 has gone silent
        moment = T0 + timedelta(minutes=minutes)
        await move_to(hass, freezer, moment)
        await publish(hass, "status", status(OTHER, at=moment), OTHER)

    await move_to(hass, freezer, T0 + timedelta(minutes=14, seconds=59))
    assert value(hass, CARE_LEVEL) == "attention"
    assert fired(events) == []

    gone = T0 + timedelta(minutes=15)
    await move_to(hass, freezer, gone)
    assert value(hass, CARE_LEVEL) == "box_offline"
    assert attribute(hass, CARE_LEVEL, "reported_level") == "attention"
    assert value(hass, MONITORING) == "box_offline"
    assert attribute(hass, MONITORING, "reported_monitoring") == "ok"
    assert attribute(hass, MONITORING, "last_heard") == T0  # frozen while it is silent
    assert value(hass, ALERT) == "on"
    assert value(hass, "sensor.gn_0143_care_level") == "normal"
    [offline] = fired(events)
    assert offline["type"] == "monitoring"
    assert offline["monitoring"] == "box_offline"
    assert offline["previous_monitoring"] == "ok"
    assert offline["office_id"] == GN
    assert offline["remote"] is True
    assert offline["entry_id"] == office.entry_id
    assert offline["device_id"] == household_device(hass, office).id
    assert offline["level"] == "attention"
    assert offline["last_heard"] == T0.isoformat()
    assert "stopped reporting" in offline["message"]

    await move_to(hass, freezer, gone + timedelta(hours=1))
    assert [e["office_id"] for e in fired(events)] == [GN, OTHER]  # each said once

    back = gone + timedelta(hours=2)
    await move_to(hass, freezer, back)
    await publish(hass, "status", status(at=back, level="attention", reason="inactivity"))
    assert value(hass, CARE_LEVEL) == "attention"
    assert value(hass, ALERT) == "off"
    assert attribute(hass, MONITORING, "last_heard") is None
    restored = fired(events)[2]
    assert restored["monitoring"] == "ok"
    assert restored["previous_monitoring"] == "box_offline"
    assert restored["downtime_seconds"] == 2 * 3600
    assert restored["remote"] is True


async def test_availability_offline_is_box_offline_at_once(
    hass: HomeAssistant, office: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    await publish(hass, "status", status(), retain=True)
    await publish(hass, "availability", "offline", retain=True)

    assert value(hass, CARE_LEVEL) == "box_offline"
    assert attribute(hass, MONITORING, "availability") == "offline"
    assert [(e["type"], e["monitoring"]) for e in fired(events)] == [("monitoring", "box_offline")]

    # The box restarts: live messages (retained only when delivered on subscribing).
    later = T0 + timedelta(minutes=3)
    await move_to(hass, freezer, later)
    await publish(hass, "availability", "online")
    await publish(hass, "status", status(at=later))
    assert value(hass, CARE_LEVEL) == "normal"
    assert [e["monitoring"] for e in fired(events)] == ["box_offline", "ok"]


async def test_no_box_is_judged_while_the_office_itself_is_disconnected(
    hass: HomeAssistant,
    office: MockConfigEntry,
    mqtt: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
) -> None:
    from homeassistant.components.mqtt import MQTT_CONNECTION_STATE
    from homeassistant.helpers.dispatcher import async_dispatcher_send

    events = async_capture_events(hass, EVENT_CARE)
    await publish(hass, "status", status())
    async_dispatcher_send(hass, MQTT_CONNECTION_STATE, False)
    await move_to(hass, freezer, T0 + timedelta(hours=1))
    assert value(hass, CARE_LEVEL) == "normal"

    # Back: the retained status comes again; a box that really is silent is offline soon.
    reconnected = T0 + timedelta(hours=1, minutes=1)
    await move_to(hass, freezer, reconnected)
    async_dispatcher_send(hass, MQTT_CONNECTION_STATE, True)
    await publish(hass, "status", status(), retain=True)
    await move_to(hass, freezer, reconnected + timedelta(seconds=31))
    assert value(hass, CARE_LEVEL) == "box_offline"
    assert len(fired(events)) == 1


# ------------------------------------------------------------------ commands


async def test_buttons_send_commands_with_the_officers_name(
    hass: HomeAssistant,
    office: MockConfigEntry,
    mqtt: MqttMockHAClient,
    hass_admin_user: MockUser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.care_plug.office.hub")
    await publish(hass, "status", status(level="warning", reason="inactivity", alert_id="a-1"))
    context = Context(user_id=hass_admin_user.id)
    for button in (ACKNOWLEDGE, CHECK_IN):
        await hass.services.async_call(
            "button", "press", {"entity_id": button}, blocking=True, context=context
        )

    acknowledge, check_in = commands(mqtt)
    assert acknowledge["command"] == "acknowledge"
    assert check_in["command"] == "check_in"
    for sent in (acknowledge, check_in):
        assert sent["schema"] == 1
        assert sent["office_id"] == GN
        assert sent["by"] == hass_admin_user.name
        assert len(sent["command_id"]) == 32
        int(sent["command_id"], 16)  # a uuid4 in hex
    assert acknowledge["command_id"] != check_in["command_id"]

    await publish(
        hass,
        "reply",
        {"schema": 1, "command_id": acknowledge["command_id"], "ok": True, "error": None},
    )
    await publish(
        hass,
        "reply",
        {"schema": 1, "command_id": check_in["command_id"], "ok": False, "error": "command_failed"},
    )
    assert f"{GN} carried out acknowledge (command {acknowledge['command_id']})" in caplog.text
    assert (
        f"{GN} refused check_in (command {check_in['command_id']}): command_failed" in caplog.text
    )


# ------------------------------------------------------------------ what does not fit


@pytest.mark.parametrize(
    ("name", "payload", "reason"),
    [
        (topic("status"), b"{" + b" " * MAX_PAYLOAD_BYTES + b"}", "too_large"),
        (topic("status"), b"not json", "not_json"),
        (topic("status"), b"\xff\xfe", "not_json"),
        (topic("event"), b"[1, 2]", "not_json"),
        (topic("status"), json.dumps({**status(), "schema": 2}), "wrong_schema"),
        (topic("status"), json.dumps(status(office_id=OTHER)), "forged"),
        (topic("event"), json.dumps(event(5, office_id=OTHER)), "forged"),
        (topic("status"), json.dumps(status(level="fine")), "invalid"),
        (topic("status"), json.dumps(status(acknowledged="no")), "invalid"),
        (topic("status"), json.dumps(status(seq=-1)), "invalid"),
        (topic("status"), json.dumps(status(sent_at="yesterday")), "invalid"),
        (
            topic("status"),
            json.dumps({k: v for k, v in status().items() if k != "level"}),
            "invalid",
        ),
        (topic("event"), json.dumps(event(0)), "invalid"),
        (topic("event"), json.dumps(event(5, kind="party")), "invalid"),
        (topic("availability"), "maybe", "invalid"),
        (f"{ROOT}/GN 0142!/status", json.dumps(status()), "bad_topic"),
    ],
)
async def test_what_does_not_fit_is_dropped_and_counted(  # noqa: PLR0917 (parameters)
    hass: HomeAssistant,
    office: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    name: str,
    payload: str | bytes,
    reason: str,
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    await publish(hass, "status", payload, name=name)

    assert household_device(hass, office) is None
    assert household_device(hass, office, OTHER) is None
    assert fired(events) == []
    assert value(hass, DROPPED) == "1"
    assert attribute(hass, DROPPED, reason) == 1
    assert [r.levelname for r in caplog.records if "Dropped a message" in r.getMessage()] == [
        "WARNING"
    ]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_forged_message_changes_nothing_of_the_household_it_names(
    hass: HomeAssistant, office: MockConfigEntry
) -> None:
    await publish(hass, "status", status(level="critical", reason="inactivity"))
    # Another box publishes under GN-0142's topic in its own name, and the reverse.
    await publish(hass, "status", status(OTHER, level="normal"), GN)
    await publish(hass, "status", status(GN, level="normal"), OTHER)

    assert value(hass, CARE_LEVEL) == "critical"
    assert household_device(hass, office, OTHER) is None
    assert value(hass, DROPPED) == "2"


# ------------------------------------------------------------------ saving


async def test_steady_traffic_does_not_put_the_office_save_off(
    hass: HomeAssistant,
    office: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    key = f"{DOMAIN}.office.{office.entry_id}"
    await publish(hass, "status", status(seq=100))  # a new household: to remember
    saved: dict[int, int | None] = {}  # seconds since the first change -> seq on disk
    for second in range(2, 31, 2):  # an event every 2 s, each one to remember
        moment = T0 + timedelta(seconds=second)
        await move_to(hass, freezer, moment)
        on_disk = hass_storage.get(key)
        saved[second] = None if on_disk is None else on_disk["data"]["households"][GN]["seq"]
        await publish(hass, "event", event(100 + second // 2, at=moment))

    # Written 10 s after the first change, with what the office knew then (not when the
    # save was asked for), and again within 10 s of the next change.
    assert all(saved[second] is None for second in range(2, 10, 2))
    assert saved[10] == 104
    assert saved[20] == 109
    assert saved[30] == 114


# ------------------------------------------------------------------ restart


async def test_an_office_restart_comes_back_from_retained_statuses_and_recovers_events(
    hass: HomeAssistant,
    office: MockConfigEntry,
    mqtt: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    await publish(hass, "status", status(seq=40), retain=True)
    await publish(hass, "event", event(41))
    assert await hass.config_entries.async_unload(office.entry_id)
    await hass.async_block_till_done()

    # While the office is down the box raises 42 and 43; its retained status says so.
    restart = T0 + timedelta(minutes=30)
    await move_to(hass, freezer, restart)
    assert await hass.config_entries.async_setup(office.entry_id)
    await hass.async_block_till_done()
    assert value(hass, CARE_LEVEL) == "unknown"  # known, not heard since the restart
    hub = office.runtime_data
    assert hub.last_heard() == {household_device(hass, office).id: T0}  # from its Store
    before = len(commands(mqtt))
    sent_at = restart - timedelta(minutes=2)
    await publish(
        hass,
        "status",
        status(at=sent_at, seq=43, level="critical", reason="inactivity"),
        retain=True,
    )
    assert value(hass, CARE_LEVEL) == "critical"
    await move_to(hass, freezer, restart + timedelta(seconds=5))
    resend = commands(mqtt)[before:]
    assert [(c["command"], c["since"]) for c in resend] == [("resend", 41)]
    for seq in (42, 43):
        await publish(hass, "event", event(seq, at=sent_at))
    assert [e["seq"] for e in fired(events)] == [41, 42, 43]
    # A box that did not come back is offline once the retained statuses had their time.
    await move_to(hass, freezer, restart + timedelta(seconds=31))
    assert value(hass, CARE_LEVEL) == "critical"


async def test_an_office_restart_after_a_box_died(
    hass: HomeAssistant, office: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    await publish(hass, "status", status(), retain=True)
    assert await hass.config_entries.async_unload(office.entry_id)

    restart = T0 + timedelta(hours=3)
    await move_to(hass, freezer, restart)
    assert await hass.config_entries.async_setup(office.entry_id)
    await hass.async_block_till_done()
    await publish(hass, "status", status(), retain=True)  # the last thing the box said
    assert value(hass, CARE_LEVEL) == "normal"  # retained statuses of others may follow
    await move_to(hass, freezer, restart + timedelta(seconds=31))
    assert value(hass, CARE_LEVEL) == "box_offline"
    assert [e["monitoring"] for e in fired(events)] == ["box_offline"]


# ------------------------------------------------------------------ removal


async def test_a_retired_household_can_be_deleted_and_stays_deleted(
    hass: HomeAssistant,
    office: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    assert await async_setup_component(hass, "config", {})
    await publish(hass, "status", status(), retain=True)
    device = household_device(hass, office)
    office_device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, office.entry_id), office.entry_id
    )
    assert office_device is not None
    client = await hass_ws_client(hass)

    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": office.entry_id,
            "device_id": office_device.id,
        }
    )
    assert not (await client.receive_json())["success"]  # the office itself stays

    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": office.entry_id,
            "device_id": device.id,
        }
    )
    assert (await client.receive_json())["success"]
    await hass.async_block_till_done()
    assert household_device(hass, office) is None
    assert hass.states.get(CARE_LEVEL) is None

    # The broker still holds its last status: that does not bring it back, even after a
    # restart of the office.
    await publish(hass, "status", status(), retain=True)
    assert household_device(hass, office) is None
    await hass.config_entries.async_reload(office.entry_id)
    await hass.async_block_till_done()
    await publish(hass, "status", status(), retain=True)
    assert household_device(hass, office) is None

    # A status sent after the removal: the box is in use again.
    later = T0 + timedelta(minutes=10)
    await move_to(hass, freezer, later)
    await publish(hass, "status", status(at=later, level="attention", reason="inactivity"))
    assert household_device(hass, office) is not None
    assert value(hass, CARE_LEVEL) == "attention"


# ------------------------------------------------------------------ MQTT missing


async def test_without_mqtt_the_office_waits_and_says_why(
    hass: HomeAssistant, office_entry: MockConfigEntry
) -> None:
    assert not await hass.config_entries.async_setup(office_entry.entry_id)
    await hass.async_block_till_done()

    assert office_entry.state is ConfigEntryState.SETUP_RETRY
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"office_needs_mqtt_{office_entry.entry_id}")
    assert issue is not None
    assert issue.translation_key == "office_needs_mqtt"
    assert issue.translation_placeholders == {"office": "Gangnam office"}


# ------------------------------------------------------------------ blueprints


async def test_the_welfare_report_blueprint_works_at_the_office_unchanged(
    hass: HomeAssistant, office: MockConfigEntry, tmp_path: Path
) -> None:
    """Pick the office as the blueprint's "household": it reports every remote household."""
    reports = async_mock_service(hass, "notify", "office_mailbox")
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(BLUEPRINTS, hass.config.path("blueprints/automation/care_plug"))
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": "report",
                "alias": "report",
                "use_blueprint": {
                    "path": "care_plug/welfare_report.yaml",
                    "input": {
                        "household": office.entry_id,
                        "report_action": [
                            {
                                "action": "notify.office_mailbox",
                                "data": {
                                    "title": "{{ report_title }}",
                                    "message": "{{ alert_id }}",
                                },
                            }
                        ],
                    },
                },
            }
        },
    )
    await hass.async_block_till_done()
    await publish(hass, "status", status(level="warning", reason="inactivity", seq=1))
    await publish(
        hass,
        "event",
        event(2, at=T0 + timedelta(minutes=1), level="critical", previous_level="warning"),
    )
    await publish(hass, "event", event(2, at=T0 + timedelta(minutes=1), level="critical"))

    assert [dict(call.data) for call in reports] == [
        {"title": f"Critical: {GN}", "message": "20260302T080000Z-1"}
    ]


async def test_a_new_root_forgets_the_households_of_the_old_one(
    hass: HomeAssistant, office: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    await publish(hass, "status", status(), retain=True)
    assert household_device(hass, office) is not None

    hass.config_entries.async_update_entry(office, options={**OFFICE_OPTIONS, "root": "busan"})
    await hass.config_entries.async_reload(office.entry_id)
    await hass.async_block_till_done()
    await move_to(hass, freezer, T0 + timedelta(hours=1))

    assert household_device(hass, office) is None
    assert hass.states.get(CARE_LEVEL) is None
    assert fired(events) == []  # nobody under the old root is taken for a silent box
    await publish(hass, "status", status(), name=f"busan/{GN}/status")
    assert household_device(hass, office) is not None


# ------------------------------------------------------------------ actions and diagnostics


async def test_household_actions_refuse_an_office_and_get_status_leaves_it_out(
    hass: HomeAssistant, office: MockConfigEntry
) -> None:
    from homeassistant.exceptions import ServiceValidationError

    from custom_components.care_plug.diagnostics import async_get_config_entry_diagnostics

    await publish(hass, "status", status())
    with pytest.raises(ServiceValidationError) as refused:
        await hass.services.async_call(
            DOMAIN, "check_in", {"config_entry_id": office.entry_id}, blocking=True
        )
    assert refused.value.translation_key == "office_is_no_household"
    response = await hass.services.async_call(
        DOMAIN, "get_status", {}, blocking=True, return_response=True
    )
    assert response == {"households": []}
    diagnostics = await async_get_config_entry_diagnostics(hass, office)
    assert diagnostics["households"] == 1
    assert "Gangnam" not in json.dumps(diagnostics)


def _disabled_by(registry: er.EntityRegistry, entity_id: str) -> er.RegistryEntryDisabler | None:
    entity = registry.async_get(entity_id)
    assert entity is not None
    return entity.disabled_by


async def test_an_office_from_before_has_its_chatty_sensors_disabled_once(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, mqtt: MqttMockHAClient
) -> None:
    """Offices set up before 1.2 had `last_activity` and `last_heard` enabled; the
    migration disables them once, and an officer's later choice is kept."""
    entry = MockConfigEntry(
        domain=DOMAIN, title="Gangnam office", options=OFFICE_OPTIONS, minor_version=1
    )
    entry.add_to_hass(hass)
    registry = er.async_get(hass)
    made = {
        key: registry.async_get_or_create(
            "sensor", DOMAIN, f"{entry.entry_id}_{GN}_{key}", config_entry=entry
        ).entity_id
        for key in ("care_level", "last_activity", "last_heard")
    }
    freezer.move_to(T0)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.minor_version == 2
    disabled = {key: _disabled_by(registry, made[key]) for key in made}
    assert disabled == {
        "care_level": None,
        "last_activity": er.RegistryEntryDisabler.INTEGRATION,
        "last_heard": er.RegistryEntryDisabler.INTEGRATION,
    }

    # The officer enables one again: a restart leaves it enabled.
    registry.async_update_entity(made["last_heard"], disabled_by=None)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert _disabled_by(registry, made["last_heard"]) is None


async def test_an_entry_from_a_newer_care_plug_is_not_set_up(hass: HomeAssistant) -> None:
    entry = MockConfigEntry(domain=DOMAIN, title="Gangnam office", options=OFFICE_OPTIONS,
                            version=2)  # fmt: skip
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR
