"""The household's link to its welfare office, driven through Home Assistant and its MQTT.

The broker is the test plugin's MQTT mock: every publish is recorded (topic, payload, QoS,
retain) and acknowledged at once unless a test makes the client fail. Mum's household has
thresholds of 1 h / 2 h / 3 h and reports as `GN-0142`; her motion sensor fires at 16:05,
then the home is quiet, so attention is due at 17:05, warning at 18:05 (a reminder every
30 minutes from then) and critical at 19:05.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import MagicMock

import paho.mqtt.client as paho
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.mqtt import MQTT_CONNECTION_STATE
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_send
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_mqtt_message,
)
from pytest_homeassistant_custom_component.typing import (
    MqttMockHAClient,
    MqttMockHAClientGenerator,
    MqttMockPahoClient,
)

from custom_components.care_plug.const import DOMAIN, EVENT_CARE
from custom_components.care_plug.diagnostics import async_get_config_entry_diagnostics
from custom_components.care_plug.office.contract import MAX_PAYLOAD_BYTES, STATUS_KEYS

from ..common import move_to, value, walk
from ..conftest import HOUSEHOLD_OPTIONS, set_sources

ENTRY_ID = "01JD8Q4V7X0K2M3N4P5R6S7T8V"
OFFICE_ID = "GN-0142"
ROOT = "care_plug"
T0 = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
MOVED = T0 + timedelta(minutes=5)
ATTENTION_AT = MOVED + timedelta(hours=1)
WARNING_AT = MOVED + timedelta(hours=2)
CRITICAL_AT = MOVED + timedelta(hours=3)
# A new outbox numbers on from the Unix time it was created at.
FIRST_SEQ = int(T0.timestamp()) + 1
STORE_KEY = f"{DOMAIN}.{ENTRY_ID}.office"
CARE_LEVEL = "sensor.mum_care_level"


def topic(kind: str, office_id: str = OFFICE_ID) -> str:
    return f"{ROOT}/{office_id}/{kind}"


class Wire:
    """What the box published, read from the MQTT mock."""

    def __init__(self, mqtt: MqttMockHAClient) -> None:
        self.mqtt = mqtt

    def calls(self) -> list[tuple[str, str, int, bool]]:
        return [
            (str(call.args[0]), str(call.args[1]), int(call.args[2]), bool(call.args[3]))
            for call in self.mqtt.async_publish.call_args_list
        ]

    def raw(self, kind: str) -> list[tuple[str, int, bool]]:
        """(payload, qos, retain) of every message on the household's `kind` topic."""
        return [(p, q, r) for t, p, q, r in self.calls() if t == topic(kind)]

    def json(self, kind: str) -> list[dict[str, Any]]:
        return [json.loads(payload) for payload, _, _ in self.raw(kind)]

    def events(self) -> list[dict[str, Any]]:
        return self.json("event")

    def statuses(self) -> list[dict[str, Any]]:
        return self.json("status")

    def replies(self) -> list[dict[str, Any]]:
        return self.json("reply")

    def everything(self) -> str:
        return "\n".join(f"{t} {p}" for t, p, _, _ in self.calls())

    def clear(self) -> None:
        self.mqtt.async_publish.reset_mock()


@pytest.fixture
def wire(mqtt_mock: MqttMockHAClient, mqtt_client_mock: MqttMockPahoClient) -> Iterator[Wire]:
    yield Wire(mqtt_mock)
    # The mock never closes its socket, which would stop MQTT's one-second housekeeping
    # timer; close it as a real client does when Home Assistant stops.
    mqtt_client_mock.on_socket_close(mqtt_client_mock, None, MagicMock(fileno=lambda: -1))


def add_household(hass: HomeAssistant, **office: Any) -> MockConfigEntry:
    set_sources(hass)
    options = {**HOUSEHOLD_OPTIONS, "office_id": OFFICE_ID, **office}
    entry = MockConfigEntry(domain=DOMAIN, title="Mum", options=options, entry_id=ENTRY_ID)
    entry.add_to_hass(hass)
    return entry


async def start(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, **office: Any
) -> MockConfigEntry:
    """Mum's household set up at T0, her motion sensor firing at 16:05."""
    freezer.move_to(T0)
    entry = add_household(hass, **office)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await move_to(hass, freezer, MOVED)
    hass.states.async_set("binary_sensor.hallway_motion", "on", {"device_class": "motion"})
    await hass.async_block_till_done()
    return entry


def command(name: str, command_id: str = "c-1", **fields: Any) -> str:
    return json.dumps({"schema": 1, "command_id": command_id, "command": name, **fields})


async def send(hass: HomeAssistant, payload: str | bytes, office_id: str = OFFICE_ID) -> None:
    async_fire_mqtt_message(hass, topic("command", office_id), payload, qos=1)
    await hass.async_block_till_done()


async def set_connected(hass: HomeAssistant, mqtt: MqttMockHAClient, connected: bool) -> None:
    mqtt.connected = connected
    async_dispatcher_send(hass, MQTT_CONNECTION_STATE, connected)
    await hass.async_block_till_done()


# ------------------------------------------------------------------ status and availability


async def test_status_and_availability_at_start(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    await start(hass, freezer)

    assert wire.raw("availability") == [("online", 1, True)]
    statuses = wire.raw("status")
    assert statuses
    assert all(qos == 1 and retain for _, qos, retain in statuses)
    status = json.loads(statuses[-1][0])
    assert tuple(status) == STATUS_KEYS  # exactly the contract's keys, in its order
    assert status["schema"] == 1
    assert status["office_id"] == OFFICE_ID
    assert status["name"] is None
    assert status["level"] == "normal"
    assert status["monitoring"] == "ok"
    assert status["last_activity"] == MOVED.isoformat()
    assert status["sources_total"] == 5
    assert status["next_level"] == "attention"
    assert status["next_escalation"] == ATTENTION_AT.isoformat()
    assert status["seq"] == FIRST_SEQ - 1  # no event yet
    assert status["sent_at"] == MOVED.isoformat()


async def test_status_again_at_every_heartbeat_and_every_change(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    await start(hass, freezer)
    wire.clear()

    # Nothing changes for 5 minutes: the status is sent again, measured now.
    await move_to(hass, freezer, MOVED + timedelta(minutes=5))
    [status] = wire.statuses()
    assert status["level"] == "normal"
    assert status["inactive_seconds"] == 300
    assert status["sent_at"] == (MOVED + timedelta(minutes=5)).isoformat()

    # The level changes: a status goes out at once, with the event's seq.
    wire.clear()
    await move_to(hass, freezer, ATTENTION_AT)
    levels = [s["level"] for s in wire.statuses()]
    assert levels[-1] == "attention"
    assert wire.statuses()[-1]["seq"] == FIRST_SEQ
    assert all(retain and qos == 1 for _, qos, retain in wire.raw("status"))


async def test_heartbeat_follows_the_option(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    await start(hass, freezer, heartbeat={"minutes": 1})
    wire.clear()
    await move_to(hass, freezer, MOVED + timedelta(minutes=1))
    assert len(wire.statuses()) == 1


async def test_offline_on_a_clean_stop(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    entry = await start(hass, freezer)
    wire.clear()
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert wire.raw("availability") == [("offline", 1, True)]
    # Stopped: no heartbeat any more.
    wire.clear()
    await move_to(hass, freezer, MOVED + timedelta(minutes=30))
    assert wire.calls() == []


async def test_a_household_without_an_office_id_publishes_nothing(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    await start(hass, freezer, office_id="")
    await move_to(hass, freezer, ATTENTION_AT)
    assert value(hass, CARE_LEVEL) == "attention"
    assert wire.calls() == []


async def test_the_topic_root_follows_the_option(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    await start(hass, freezer, office_root="seoul/gangnam")
    topics = {t for t, _, _, _ in wire.calls()}
    assert topics == {
        f"seoul/gangnam/{OFFICE_ID}/availability",
        f"seoul/gangnam/{OFFICE_ID}/status",
    }


# ------------------------------------------------------------------ events and privacy


async def test_events_carry_seq_and_the_contract_keys(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    bus = async_capture_events(hass, EVENT_CARE)
    await start(hass, freezer)
    await move_to(hass, freezer, ATTENTION_AT)
    await move_to(hass, freezer, WARNING_AT)

    assert [qos for _, qos, _ in wire.raw("event")] == [1, 1]
    assert not any(retain for _, _, retain in wire.raw("event"))
    attention, warning = wire.events()
    assert (attention["seq"], warning["seq"]) == (FIRST_SEQ, FIRST_SEQ + 1)
    assert attention["sent_at"] == ATTENTION_AT.isoformat()
    assert attention["occurred_at"] == ATTENTION_AT.isoformat()
    # The bus payload, with the office id instead of the household's local identity.
    local = dict(bus[0].data)
    for key in ("entry_id", "device_id", "household"):
        assert key not in attention
        local.pop(key)
    local.pop("message")
    assert {k: attention[k] for k in local} == local
    assert attention["office_id"] == OFFICE_ID
    assert attention["schema"] == 1
    assert (attention["type"], attention["level"], warning["level"]) == (
        "alert",
        "attention",
        "warning",
    )
    assert attention["message"].startswith(f"{OFFICE_ID}: no sign of activity for 1 h")


async def test_no_name_leaves_the_box_unless_shared(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    entry = await start(hass, freezer)
    await move_to(hass, freezer, WARNING_AT)
    # Acknowledged at home by a family member, with a note naming people.
    entry.runtime_data.acknowledge("Jiyoung Kim", "Called Mum, she is at Mr Park's")
    await hass.async_block_till_done()
    await move_to(hass, freezer, WARNING_AT + timedelta(minutes=1))

    assert wire.statuses()[-1]["name"] is None
    events = wire.events()
    assert [e["type"] for e in events] == ["alert", "alert", "acknowledged"]
    assert all("name" not in e for e in events)
    acknowledged = events[-1]
    assert (acknowledged["by"], acknowledged["note"]) == (None, None)
    assert acknowledged["message"].startswith(f"{OFFICE_ID}: the alert at care level warning")
    everything = wire.everything()
    for personal in ("Mum", "Jiyoung", "Park"):
        assert personal not in everything


async def test_the_name_is_sent_when_shared(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    entry = await start(hass, freezer, share_name=True)
    await move_to(hass, freezer, WARNING_AT)
    entry.runtime_data.acknowledge("Jiyoung", None)
    await hass.async_block_till_done()

    assert wire.statuses()[-1]["name"] == "Mum"
    events = wire.events()
    assert all(e["name"] == "Mum" for e in events)
    assert events[0]["message"].startswith("Mum: no sign of activity")
    assert events[-1]["by"] == "Jiyoung"


async def test_messages_follow_the_language(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    hass.config.language = "ko"
    await start(hass, freezer)
    await move_to(hass, freezer, ATTENTION_AT)
    [event] = wire.events()
    assert event["message"].startswith(f"{OFFICE_ID}: 1시간 동안 활동이 없어")


# ------------------------------------------------------------------ seq across restarts


async def test_seq_continues_across_a_restart(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    wire: Wire,
    hass_storage: dict[str, Any],
) -> None:
    entry = await start(hass, freezer)
    await move_to(hass, freezer, ATTENTION_AT)
    assert hass_storage[STORE_KEY]["data"]["last_seq"] == FIRST_SEQ

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    await move_to(hass, freezer, WARNING_AT)
    await move_to(hass, freezer, WARNING_AT + timedelta(minutes=30))  # a reminder

    seqs = [e["seq"] for e in wire.events()]
    assert seqs == [FIRST_SEQ, FIRST_SEQ + 1, FIRST_SEQ + 2]
    assert [e["type"] for e in wire.events()] == ["alert", "alert", "reminder"]
    assert wire.statuses()[-1]["seq"] == FIRST_SEQ + 2


async def test_an_event_is_stored_before_it_is_published(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mqtt_client_mock: MqttMockPahoClient,
    wire: Wire,
    hass_storage: dict[str, Any],
) -> None:
    await start(hass, freezer)
    stored_when_published: list[Any] = []
    publish = mqtt_client_mock.publish.side_effect

    def remember(topic_: str, payload: str, *args: Any, **kwargs: Any) -> Any:
        if topic_ == topic("event"):
            stored = hass_storage[STORE_KEY]["data"]
            stored_when_published.append([item["seq"] for item in stored["pending"]])
        return publish(topic_, payload, *args, **kwargs)

    mqtt_client_mock.publish.side_effect = remember
    await move_to(hass, freezer, ATTENTION_AT)
    assert stored_when_published == [[FIRST_SEQ]]


# ------------------------------------------------------------------ broker outages


async def test_events_raised_while_the_broker_is_away_are_sent_in_order_once_back(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mqtt_mock: MqttMockHAClient,
    wire: Wire,
    hass_storage: dict[str, Any],
) -> None:
    await start(hass, freezer)
    await set_connected(hass, mqtt_mock, False)
    wire.clear()
    await move_to(hass, freezer, ATTENTION_AT)
    await move_to(hass, freezer, WARNING_AT)
    await move_to(hass, freezer, WARNING_AT + timedelta(minutes=30))
    assert wire.calls() == []  # nothing tried while disconnected
    pending = hass_storage[STORE_KEY]["data"]["pending"]
    assert [item["seq"] for item in pending] == [FIRST_SEQ, FIRST_SEQ + 1, FIRST_SEQ + 2]

    await set_connected(hass, mqtt_mock, True)
    kinds = [t.rsplit("/", 1)[1] for t, _, _, _ in wire.calls()]
    assert kinds == ["availability", "event", "event", "event", "status"]
    events = wire.events()
    assert [e["seq"] for e in events] == [FIRST_SEQ, FIRST_SEQ + 1, FIRST_SEQ + 2]
    assert [e["level"] for e in events] == ["attention", "warning", "warning"]
    # Sent now, but it happened then.
    assert events[0]["occurred_at"] == ATTENTION_AT.isoformat()
    assert events[0]["sent_at"] == (WARNING_AT + timedelta(minutes=30)).isoformat()
    assert wire.statuses()[-1]["seq"] == FIRST_SEQ + 2
    await move_to(hass, freezer, WARNING_AT + timedelta(minutes=31))
    assert hass_storage[STORE_KEY]["data"]["pending"] == []


def failing_publish(mqtt_client_mock: MqttMockPahoClient) -> Callable[[], None]:
    """Make the client refuse every publish (as when its connection just broke);
    returns the function that makes it work again."""
    working = mqtt_client_mock.publish.side_effect
    mqtt_client_mock.publish.side_effect = lambda *args, **kwargs: MagicMock(
        rc=paho.MQTT_ERR_NO_CONN, mid=0
    )

    def restore() -> None:
        mqtt_client_mock.publish.side_effect = working

    return restore


async def test_a_failed_publish_is_tried_again_in_order(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mqtt_client_mock: MqttMockPahoClient,
    wire: Wire,
) -> None:
    await start(hass, freezer)
    restore = failing_publish(mqtt_client_mock)
    await move_to(hass, freezer, ATTENTION_AT)
    await move_to(hass, freezer, WARNING_AT)
    tried = [json.loads(p)["seq"] for p, _, _ in wire.raw("event")]
    assert set(tried) == {FIRST_SEQ}  # the second waits behind the first

    restore()
    wire.clear()
    await move_to(hass, freezer, WARNING_AT + timedelta(seconds=30))
    assert [e["seq"] for e in wire.events()] == [FIRST_SEQ, FIRST_SEQ + 1]
    assert wire.statuses()[-1]["level"] == "warning"


async def test_events_pending_at_a_restart_are_sent_after_it(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mqtt_mock: MqttMockHAClient,
    wire: Wire,
) -> None:
    entry = await start(hass, freezer)
    await set_connected(hass, mqtt_mock, False)
    await move_to(hass, freezer, ATTENTION_AT)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    await move_to(hass, freezer, WARNING_AT)
    assert wire.events() == []

    await set_connected(hass, mqtt_mock, True)
    assert [(e["seq"], e["level"]) for e in wire.events()] == [
        (FIRST_SEQ, "attention"),
        (FIRST_SEQ + 1, "warning"),
    ]


async def test_a_new_office_id_gets_no_events_of_the_old_one(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mqtt_mock: MqttMockHAClient,
    wire: Wire,
) -> None:
    entry = await start(hass, freezer)
    await set_connected(hass, mqtt_mock, False)
    await move_to(hass, freezer, ATTENTION_AT)  # kept for GN-0142
    hass.config_entries.async_update_entry(entry, options={**entry.options, "office_id": "GN-0999"})
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    await set_connected(hass, mqtt_mock, True)
    await move_to(hass, freezer, WARNING_AT)

    assert wire.events() == []  # nothing more under the old id
    new = [json.loads(p) for t, p, _, _ in wire.calls() if t == topic("event", "GN-0999")]
    assert [(e["office_id"], e["seq"], e["level"]) for e in new] == [
        ("GN-0999", FIRST_SEQ + 1, "warning")
    ]


async def test_an_unusable_outbox_never_numbers_backwards(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    wire: Wire,
    hass_storage: dict[str, Any],
) -> None:
    hass_storage[STORE_KEY] = {
        "version": 1,
        "key": STORE_KEY,
        "data": {"version": 1, "last_seq": FIRST_SEQ + 500, "pending": "broken", "history": []},
    }
    await start(hass, freezer)
    await move_to(hass, freezer, ATTENTION_AT)
    assert [e["seq"] for e in wire.events()] == [FIRST_SEQ + 501]


# ------------------------------------------------------------------ commands


async def test_check_in_from_the_office(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    await start(hass, freezer)
    await move_to(hass, freezer, ATTENTION_AT)
    await send(hass, command("check_in", "c-7", office_id=OFFICE_ID))

    assert value(hass, CARE_LEVEL) == "normal"
    assert wire.replies() == [
        {"schema": 1, "office_id": OFFICE_ID, "command_id": "c-7", "ok": True, "error": None}
    ]
    assert [qos for _, qos, _ in wire.raw("reply")] == [1]
    resolved = wire.events()[-1]
    assert (resolved["type"], resolved["resolved_by"]) == ("resolved", "check_in")
    assert wire.statuses()[-1]["level"] == "normal"


async def test_acknowledge_from_the_office(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    await start(hass, freezer)
    await move_to(hass, freezer, WARNING_AT)
    await send(hass, command("acknowledge", by="Officer Lee", note="Visiting at 15:00"))

    assert wire.replies()[-1]["ok"] is True
    assert wire.statuses()[-1]["acknowledged"] is True
    acknowledged = wire.events()[-1]
    # What the office sent comes back to it.
    assert (acknowledged["type"], acknowledged["by"], acknowledged["note"]) == (
        "acknowledged",
        "Officer Lee",
        "Visiting at 15:00",
    )
    assert "acknowledged by Officer Lee" in acknowledged["message"]
    # Reminders stop at home too.
    await move_to(hass, freezer, WARNING_AT + timedelta(minutes=31))
    assert [e["type"] for e in wire.events()] == ["alert", "alert", "acknowledged"]


async def test_acknowledge_at_normal_is_refused_with_its_reason(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    await start(hass, freezer)
    await send(hass, command("acknowledge"))
    assert wire.replies() == [
        {
            "schema": 1,
            "office_id": OFFICE_ID,
            "command_id": "c-1",
            "ok": False,
            "error": "nothing_to_acknowledge",
        }
    ]
    assert wire.events() == []


async def test_set_away_and_end_away_from_the_office(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    await start(hass, freezer)
    await send(hass, command("set_away", "a-1", duration=2 * 86400))
    assert value(hass, "switch.mum_away") == "on"
    status = wire.statuses()[-1]
    assert status["monitoring"] == "away"
    assert status["away_until"] == (MOVED + timedelta(days=2)).isoformat()

    await send(hass, command("end_away", "a-2"))
    assert value(hass, "switch.mum_away") == "off"
    assert [(r["command_id"], r["ok"]) for r in wire.replies()] == [("a-1", True), ("a-2", True)]
    assert wire.statuses()[-1]["monitoring"] == "ok"


async def test_set_away_until_a_time_in_the_past_is_refused(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    await start(hass, freezer)
    await send(hass, command("set_away", until=T0.isoformat()))
    assert value(hass, "switch.mum_away") == "off"
    assert wire.replies()[-1]["error"] == "away_end_in_past"


async def test_resend_publishes_the_events_after_since_again(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    await start(hass, freezer)
    await move_to(hass, freezer, ATTENTION_AT)
    await move_to(hass, freezer, WARNING_AT)
    await walk(hass, freezer, WARNING_AT, CRITICAL_AT)  # time runs: the reminder is told
    first = wire.events()
    assert [e["type"] for e in first] == ["alert", "alert", "reminder", "alert"]
    wire.clear()

    await send(hass, command("resend", "r-1", since=FIRST_SEQ + 1))
    again = wire.events()
    assert [e["seq"] for e in again] == [FIRST_SEQ + 2, FIRST_SEQ + 3]
    for resent, original in zip(again, first[2:], strict=True):
        assert {k: v for k, v in resent.items() if k != "sent_at"} == {
            k: v for k, v in original.items() if k != "sent_at"
        }
    assert wire.replies() == [
        {"schema": 1, "office_id": OFFICE_ID, "command_id": "r-1", "ok": True, "error": None}
    ]
    # Nothing after the last seq: nothing to send, still a reply.
    wire.clear()
    await send(hass, command("resend", "r-2", since=FIRST_SEQ + 3))
    assert wire.events() == []
    assert wire.replies()[-1]["ok"] is True


@pytest.mark.parametrize(
    "case",
    [
        (b"\x00\xff garbage", None, "command_malformed"),
        ('{"schema": 1, "command": "check_in"}', None, "command_id_invalid"),
        (command("check_in", schema=2), "c-1", "command_schema_unsupported"),
        (command("check_in", office_id="GN-0143"), "c-1", "command_wrong_office"),
        (command("self_destruct"), "c-1", "command_unknown"),
        (command("acknowledge", note="x" * 5000), "c-1", "command_note_invalid"),
        (command("check_in", by={"name": "x"}), "c-1", "command_by_invalid"),
        (command("set_away", until="soon"), "c-1", "command_until_invalid"),
        (command("set_away", duration=-5), "c-1", "command_duration_invalid"),
        (command("set_away", duration=10**12), "c-1", "command_away_too_long"),
        (command("resend", since=-1), "c-1", "command_since_invalid"),
        (command("check_in", padding="x" * MAX_PAYLOAD_BYTES), None, "command_too_large"),
    ],
)
async def test_a_bad_command_changes_nothing_and_gets_a_refusal(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    wire: Wire,
    case: tuple[str | bytes, str | None, str],
) -> None:
    payload, command_id, error = case
    await start(hass, freezer)
    await move_to(hass, freezer, WARNING_AT)
    before = (value(hass, CARE_LEVEL), value(hass, "switch.mum_away"))
    wire.clear()

    await send(hass, payload)

    assert wire.replies() == [
        {"schema": 1, "office_id": OFFICE_ID, "command_id": command_id, "ok": False, "error": error}
    ]
    assert (value(hass, CARE_LEVEL), value(hass, "switch.mum_away")) == before
    assert wire.events() == []
    assert wire.statuses() == []


async def test_a_command_for_another_household_is_not_seen(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    await start(hass, freezer)
    await move_to(hass, freezer, ATTENTION_AT)
    wire.clear()
    await send(hass, command("check_in"), office_id="GN-0143")
    assert value(hass, CARE_LEVEL) == "attention"
    assert wire.calls() == []


async def test_every_command_gets_its_own_reply_in_order(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    await start(hass, freezer)
    await move_to(hass, freezer, WARNING_AT)
    for index, name in enumerate(("acknowledge", "nonsense", "check_in", "acknowledge")):
        async_fire_mqtt_message(hass, topic("command"), command(name, f"c-{index}"), qos=1)
    await hass.async_block_till_done()
    assert [(r["command_id"], r["ok"], r["error"]) for r in wire.replies()] == [
        ("c-0", True, None),
        ("c-1", False, "command_unknown"),
        ("c-2", True, None),
        ("c-3", False, "nothing_to_acknowledge"),
    ]


# ------------------------------------------------------------------ without MQTT


@pytest.mark.usefixtures("mock_hass_config")
async def test_without_mqtt_a_repair_issue_and_the_household_watches_on(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mqtt_mock_entry: MqttMockHAClientGenerator,
    mqtt_client_mock: MqttMockPahoClient,
) -> None:
    bus = async_capture_events(hass, EVENT_CARE)
    await start(hass, freezer)
    issue_id = f"box_mqtt_missing_{ENTRY_ID}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "box_mqtt_missing"
    assert issue.translation_placeholders == {"household": "Mum", "office_id": OFFICE_ID}

    await move_to(hass, freezer, ATTENTION_AT)
    assert value(hass, CARE_LEVEL) == "attention"
    assert [e.data["level"] for e in bus] == ["attention"]

    # MQTT is set up: the link starts, the issue goes, the kept event is delivered.
    mqtt = await mqtt_mock_entry()
    await hass.async_block_till_done()
    wire = Wire(mqtt)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert [(e["seq"], e["level"]) for e in wire.events()] == [(FIRST_SEQ, "attention")]
    assert wire.statuses()[-1]["level"] == "attention"
    await send(hass, command("check_in"))
    assert value(hass, CARE_LEVEL) == "normal"
    mqtt_client_mock.on_socket_close(mqtt_client_mock, None, MagicMock(fileno=lambda: -1))


async def test_removing_the_household_deletes_its_office_store(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    wire: Wire,
    hass_storage: dict[str, Any],
) -> None:
    entry = await start(hass, freezer)
    await move_to(hass, freezer, ATTENTION_AT)
    assert STORE_KEY in hass_storage
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert STORE_KEY not in hass_storage


async def test_home_assistant_stopping_says_offline(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    await start(hass, freezer)
    await move_to(hass, freezer, ATTENTION_AT)
    wire.clear()
    await hass.async_stop()
    assert wire.raw("availability") == [("offline", 1, True)]


async def test_every_household_says_offline_when_home_assistant_stops(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, wire: Wire
) -> None:
    await start(hass, freezer)
    dad = MockConfigEntry(
        domain=DOMAIN,
        title="Dad",
        options={**HOUSEHOLD_OPTIONS, "name": "Dad", "office_id": "GN-0143"},
    )
    dad.add_to_hass(hass)
    assert await hass.config_entries.async_setup(dad.entry_id)
    await hass.async_block_till_done()
    wire.clear()

    await hass.async_stop()
    offline = {t for t, payload, _, _ in wire.calls() if payload == "offline"}
    assert offline == {topic("availability"), topic("availability", "GN-0143")}


async def test_home_assistant_stopping_keeps_undelivered_events(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mqtt_mock: MqttMockHAClient,
    wire: Wire,
    hass_storage: dict[str, Any],
) -> None:
    await start(hass, freezer)
    await set_connected(hass, mqtt_mock, False)
    await move_to(hass, freezer, ATTENTION_AT)
    await hass.async_stop()
    stored = hass_storage[STORE_KEY]["data"]
    assert [(item["seq"], item["level"]) for item in stored["pending"]] == [
        (FIRST_SEQ, "attention")
    ]
    assert wire.events() == []


# ------------------------------------------------------------------ diagnostics


async def test_diagnostics_show_the_link_without_the_name(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    wire: Wire,
) -> None:
    entry = await start(hass, freezer)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    link = diagnostics["office_link"]
    assert link is not None
    assert OFFICE_ID in json.dumps(link)
    assert "Mum" not in json.dumps(diagnostics)
