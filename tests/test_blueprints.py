"""The automation blueprints, validated and run by real automations against a household."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.core import Context, HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_mqtt_message,
    async_fire_time_changed,
    async_mock_service,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient, MqttMockPahoClient

from custom_components.care_plug.const import DOMAIN, EVENT_CARE
from custom_components.care_plug.office.contract import STATUS_KEYS

pytestmark = pytest.mark.freeze_time("2026-03-02T17:00:00+00:00")

START = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
ALERT_ID = "20260302T180000Z-1"
REPO_BLUEPRINTS = Path(__file__).parent.parent / "blueprints" / "automation" / "care_plug"
BLUEPRINTS = ("resident_check_in", "family_alert", "welfare_report", "maintenance")
SOURCE_URL = "https://github.com/care-plug/care_plug/blob/main/blueprints/automation/care_plug/"


async def advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, to: datetime) -> None:
    """Let the clock run to `to`; the household's timer fires on the way."""
    freezer.move_to(to)
    async_fire_time_changed(hass, to)
    await hass.async_block_till_done()


async def use_blueprint(
    hass: HomeAssistant, tmp_path: Path, name: str, inputs: dict[str, Any]
) -> None:
    """Install the repository's blueprints in a scratch config dir; run one automation."""
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(REPO_BLUEPRINTS, hass.config.path("blueprints/automation/care_plug"))
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": name,
                "alias": name,
                "use_blueprint": {"path": f"care_plug/{name}.yaml", "input": inputs},
            }
        },
    )
    await hass.async_block_till_done()
    state = hass.states.get(f"automation.{name}")
    assert state is not None
    assert state.state == "on"


def data(calls: list[ServiceCall]) -> list[dict[str, Any]]:
    return [dict(call.data) for call in calls]


def care_state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


# ---------------------------------------------------------------- schema


@pytest.mark.parametrize("name", BLUEPRINTS)
def test_blueprint_validates_against_the_automation_schema(name: str) -> None:
    path = REPO_BLUEPRINTS / f"{name}.yaml"
    blueprint = Blueprint(
        load_yaml_dict(str(path)), expected_domain="automation", schema=AUTOMATION_BLUEPRINT_SCHEMA
    )
    metadata = blueprint.metadata
    assert metadata["domain"] == "automation"
    assert metadata["source_url"] == SOURCE_URL + f"{name}.yaml"
    assert metadata["author"] == "Care Plug"
    assert metadata["homeassistant"] == {"min_version": "2026.10.0"}
    assert metadata["name"].startswith("Care Plug")
    assert metadata["description"]
    # Inputs in sections, each described; everything but the household has a default.
    for section in metadata["input"].values():
        assert set(section) >= {"name", "input"}
        for key, field in section["input"].items():
            assert field["description"], key
            if key != "household":
                assert "default" in field, key
    household = metadata["input"]["household_section"]["input"]["household"]
    assert household["selector"] == {"config_entry": {"integration": DOMAIN}}
    assert "default" not in household


# ---------------------------------------------------------------- resident check-in


async def test_resident_check_in_asks_at_attention_and_the_answer_checks_in(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
    hass_admin_user: Any,
) -> None:
    speak = async_mock_service(hass, "tts", "speak")
    phone = async_mock_service(hass, "notify", "mobile_app_mums_phone")
    extra = async_mock_service(hass, "notify", "mum_tablet")
    await use_blueprint(
        hass,
        tmp_path,
        "resident_check_in",
        {
            "household": household.entry_id,
            "tts_entity": "tts.home_assistant_cloud",
            "media_players": ["media_player.kitchen"],
            "notify_services": ["notify.mobile_app_mums_phone"],
            "notify_action": [
                {
                    "action": "notify.mum_tablet",
                    "data": {
                        "message": "{{ care_message }}",
                        "data": {"action": "{{ check_in_action }}"},
                    },
                }
            ],
        },
    )
    entry_id = household.entry_id

    await advance(hass, freezer, START + timedelta(minutes=59))
    assert (speak, phone, extra) == ([], [], [])

    await advance(hass, freezer, START + timedelta(hours=1))
    assert care_state(hass, "sensor.mum_care_level") == "attention"
    spoken = {
        "entity_id": ["tts.home_assistant_cloud"],
        "media_player_entity_id": ["media_player.kitchen"],
        "message": (
            "Hello, is everything all right? "
            "Please press I'm OK on your phone, or switch something on."
        ),
    }
    question = "We have not seen any activity at home for a while. Press I'm OK if you are fine."
    check_in_action = f"CARE_PLUG_CHECK_IN_{entry_id}"
    asked = {
        "title": "Are you OK?",
        "message": question,
        "data": {
            "tag": f"care_plug_check_in_{entry_id}",
            "actions": [{"action": check_in_action, "title": "I'm OK"}],
        },
    }
    assert data(speak) == [spoken]
    assert data(phone) == [asked]
    assert data(extra) == [{"message": question, "data": {"action": check_in_action}}]

    # Warning is a level higher: asked again. Nothing else happens in between.
    await advance(hass, freezer, START + timedelta(hours=1, minutes=59))
    assert len(phone) == 1
    await advance(hass, freezer, START + timedelta(hours=2))
    assert care_state(hass, "sensor.mum_care_level") == "warning"
    assert data(speak) == [spoken, spoken]
    assert data(phone) == [asked, asked]

    # Another household's button does nothing here.
    hass.bus.async_fire(
        "mobile_app_notification_action",
        {"action": "CARE_PLUG_CHECK_IN_other"},
        context=Context(user_id=hass_admin_user.id),
    )
    await hass.async_block_till_done()
    assert care_state(hass, "sensor.mum_care_level") == "warning"

    # Mum presses "I'm OK": checked in, back to normal, nothing more is sent.
    events = async_capture_events(hass, EVENT_CARE)
    hass.bus.async_fire(
        "mobile_app_notification_action",
        {"action": check_in_action},
        context=Context(user_id=hass_admin_user.id),
    )
    await hass.async_block_till_done()
    assert care_state(hass, "sensor.mum_care_level") == "normal"
    assert [(event.data["type"], event.data.get("resolved_by")) for event in events] == [
        ("resolved", "check_in")
    ]
    assert (len(speak), len(phone), len(extra)) == (2, 2, 2)


async def test_resident_check_in_from_a_chosen_level_without_speakers(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
) -> None:
    speak = async_mock_service(hass, "tts", "speak")
    phone = async_mock_service(hass, "notify", "mobile_app_mums_phone")
    await use_blueprint(
        hass,
        tmp_path,
        "resident_check_in",
        {
            "household": household.entry_id,
            "min_level": "critical",
            "notify_services": ["notify.mobile_app_mums_phone"],
        },
    )
    await advance(hass, freezer, START + timedelta(hours=2, minutes=59))
    assert care_state(hass, "sensor.mum_care_level") == "warning"
    assert phone == []
    await advance(hass, freezer, START + timedelta(hours=3))
    assert care_state(hass, "sensor.mum_care_level") == "critical"
    assert [call.data["title"] for call in phone] == ["Are you OK?"]
    assert speak == []


# ---------------------------------------------------------------- family


async def test_family_alert(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
    hass_admin_user: Any,
) -> None:
    alex = async_mock_service(hass, "notify", "mobile_app_alex_phone")
    sam = async_mock_service(hass, "notify", "mobile_app_sam_phone")
    group = async_mock_service(hass, "notify", "family")
    hass.states.async_set(
        "person.alex", "home", {"user_id": hass_admin_user.id, "friendly_name": "Alex"}
    )
    await use_blueprint(
        hass,
        tmp_path,
        "family_alert",
        {
            "household": household.entry_id,
            "notify_services": ["notify.mobile_app_alex_phone", "notify.mobile_app_sam_phone"],
            "notify_action": [
                {
                    "action": "notify.family",
                    "data": {
                        "title": "{{ care_title }}",
                        "message": "{{ care_message }} [{{ care_kind }}]",
                    },
                }
            ],
        },
    )
    entry_id = household.entry_id
    acknowledge_action = f"CARE_PLUG_ACKNOWLEDGE_{entry_id}"
    button = {"actions": [{"action": acknowledge_action, "title": "Acknowledge"}]}
    tag = {"tag": f"care_plug_{ALERT_ID}", "group": "care_plug"}

    # Attention is below the chosen level (warning): the family is not disturbed.
    await advance(hass, freezer, START + timedelta(hours=1))
    assert care_state(hass, "sensor.mum_care_level") == "attention"
    assert (alex, sam, group) == ([], [], [])

    # Warning, then a reminder every 30 minutes, critical, and reminders again.
    for minutes in range(70, 4 * 60 + 1, 10):
        await advance(hass, freezer, START + timedelta(minutes=minutes))
    sent = [
        ("Mum: warning", "Mum: no sign of activity for 2 h; care level is now warning."),
        (
            "Mum: warning",
            "Reminder: Mum is still at care level warning and nobody has acknowledged it; "
            "no sign of activity for 2 h 30 min.",
        ),
        ("Mum: critical", "Mum: no sign of activity for 3 h; care level is now critical."),
        (
            "Mum: critical",
            "Reminder: Mum is still at care level critical and nobody has acknowledged it; "
            "no sign of activity for 3 h 30 min.",
        ),
        (
            "Mum: critical",
            "Reminder: Mum is still at care level critical and nobody has acknowledged it; "
            "no sign of activity for 4 h.",
        ),
    ]
    phone = [
        {"title": title, "message": message, "data": {**tag, **button}} for title, message in sent
    ]
    kinds = ["alert", "reminder", "alert", "reminder", "reminder"]
    assert data(alex) == phone
    assert data(sam) == phone
    assert data(group) == [
        {"title": title, "message": f"{message} [{kind}]"}
        for (title, message), kind in zip(sent, kinds, strict=True)
    ]

    # Alex presses "Acknowledge" on the phone: acknowledged by Alex, everyone is told.
    events = async_capture_events(hass, EVENT_CARE)
    hass.bus.async_fire(
        "mobile_app_notification_action",
        {"action": acknowledge_action},
        context=Context(user_id=hass_admin_user.id),
    )
    await hass.async_block_till_done()
    await hass.async_block_till_done()
    assert [(event.data["type"], event.data["by"]) for event in events] == [
        ("acknowledged", "Alex")
    ]
    acknowledged = (
        "Mum: the alert at care level critical was acknowledged by Alex; "
        "no sign of activity for 4 h."
    )
    assert data(alex)[5:] == [{"title": "Mum: acknowledged", "message": acknowledged, "data": tag}]
    assert data(group)[5:] == [
        {"title": "Mum: acknowledged", "message": f"{acknowledged} [acknowledged]"}
    ]

    # No more reminders, however long it stays critical.
    for minutes in range(4 * 60 + 10, 6 * 60 + 1, 10):
        await advance(hass, freezer, START + timedelta(minutes=minutes))
    assert care_state(hass, "sensor.mum_care_level") == "critical"
    assert (len(alex), len(sam), len(group)) == (6, 6, 6)

    # Mum puts the kettle on: the episode is over, everyone is told.
    hass.states.async_set(
        "sensor.kettle_power", "2000", {"device_class": "power", "unit_of_measurement": "W"}
    )
    await hass.async_block_till_done()
    assert care_state(hass, "sensor.mum_care_level") == "normal"
    resolved = "Mum: activity seen again; care level is back from critical to normal."
    assert data(alex)[6:] == [{"title": "Mum: back to normal", "message": resolved, "data": tag}]
    assert data(sam)[6:] == data(alex)[6:]
    assert data(group)[6:] == [
        {"title": "Mum: back to normal", "message": f"{resolved} [resolved]"}
    ]

    # A late press after the episode is over does no harm.
    hass.bus.async_fire(
        "mobile_app_notification_action",
        {"action": acknowledge_action},
        context=Context(user_id=hass_admin_user.id),
    )
    await hass.async_block_till_done()
    assert care_state(hass, "sensor.mum_care_level") == "normal"
    assert len(alex) == 7


async def test_acknowledge_by_is_used_only_without_a_user(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_admin_user: Any,
) -> None:
    await advance(hass, freezer, START + timedelta(hours=2))
    events = async_capture_events(hass, EVENT_CARE)
    entry = {"config_entry_id": household.entry_id}
    await hass.services.async_call(DOMAIN, "acknowledge", {**entry, "by": "Alex"}, blocking=True)
    await hass.services.async_call(
        DOMAIN,
        "acknowledge",
        {**entry, "by": "Alex"},
        blocking=True,
        context=Context(user_id=hass_admin_user.id),
    )
    await hass.services.async_call(DOMAIN, "acknowledge", entry, blocking=True)
    assert [event.data["by"] for event in events] == ["Alex", hass_admin_user.name, None]


# ---------------------------------------------------------------- welfare office


async def test_welfare_report(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
) -> None:
    office = async_mock_service(hass, "rest_command", "welfare_office")
    mailbox = async_mock_service(hass, "notify", "office_mailbox")
    await use_blueprint(
        hass,
        tmp_path,
        "welfare_report",
        {
            "household": household.entry_id,
            "office": "Welfare team, case 2026-014",
            "address": "12 Garden Road, Flat 3",
            "phone": "+82 10 1234 5678",
            "report_action": [
                {
                    "action": "notify.office_mailbox",
                    "data": {"title": "{{ report_title }}", "message": "{{ report_message }}"},
                },
                {
                    "action": "rest_command.welfare_office",
                    "data": {
                        "household": "{{ household }}",
                        "level": "{{ level }}",
                        "hours": "{{ inactive_hours }}",
                        "minutes": "{{ inactive_minutes }}",
                        "alert_id": "{{ alert_id }}",
                        "kind": "{{ report_kind }}",
                        "phone": "{{ phone }}",
                    },
                },
            ],
        },
    )
    # Mum boils the kettle at 17:10, then nothing: attention, warning, no report yet.
    await advance(hass, freezer, START + timedelta(minutes=10))
    kettle = {"device_class": "power", "unit_of_measurement": "W"}
    hass.states.async_set("sensor.kettle_power", "2000", kettle)
    await hass.async_block_till_done()
    hass.states.async_set("sensor.kettle_power", "0", kettle)
    await hass.async_block_till_done()
    for minutes in range(20, 3 * 60 + 1, 10):
        await advance(hass, freezer, START + timedelta(minutes=minutes))
    assert care_state(hass, "sensor.mum_care_level") == "warning"
    assert (office, mailbox) == ([], [])
    await advance(hass, freezer, START + timedelta(hours=3, minutes=10))
    assert care_state(hass, "sensor.mum_care_level") == "critical"
    for minutes in range(3 * 60 + 20, 3 * 60 + 41, 10):
        await advance(hass, freezer, START + timedelta(minutes=minutes))
    contact = (
        "Office: Welfare team, case 2026-014\n"
        "Address: 12 Garden Road, Flat 3\n"
        "Phone: +82 10 1234 5678"
    )
    alert_id = "20260302T181000Z-1"

    def report(kind: str, minutes: int) -> str:
        return (
            f"Care Plug {kind}: Mum is at critical.\n"
            "Reason: inactivity.\n"
            # Home Assistant's test time zone is US/Pacific: 17:10 UTC is 09:10 there.
            f"No activity for 3 h {minutes} min (last activity: 2026-03-02 09:10).\n"
            "Monitoring: ok.\n"
            f"Alert: {alert_id}.\n" + contact
        )

    # Critical, and again at the reminder half an hour later (nobody acknowledged).
    assert data(mailbox) == [
        {"title": "Critical: Mum", "message": report("alert", 0)},
        {"title": "Critical: Mum", "message": report("reminder", 30)},
    ]
    posted = {"household": "Mum", "level": "critical", "alert_id": alert_id}
    phone = {"phone": "+82 10 1234 5678"}
    assert data(office) == [
        {**posted, "hours": 3, "minutes": 0, "kind": "alert", **phone},
        {**posted, "hours": 3, "minutes": 30, "kind": "reminder", **phone},
    ]

    # The office acknowledges: no more reports while it stays critical.
    await hass.services.async_call(
        DOMAIN,
        "acknowledge",
        {"config_entry_id": household.entry_id, "by": "Office"},
        blocking=True,
    )
    for minutes in range(3 * 60 + 50, 5 * 60 + 1, 10):
        await advance(hass, freezer, START + timedelta(minutes=minutes))
    assert len(mailbox) == 2

    # A check-in ends the episode: the office hears that it is over.
    await hass.services.async_call(
        DOMAIN, "check_in", {"config_entry_id": household.entry_id}, blocking=True
    )
    await hass.async_block_till_done()
    assert data(mailbox)[2:] == [
        {
            "title": "Resolved: Mum",
            "message": f"Care Plug: Mum is back to normal (check_in). Alert {alert_id}.\n"
            + contact,
        }
    ]
    assert data(office)[2:] == [{**posted, "hours": 0, "minutes": 0, "kind": "resolved", **phone}]


# ---------------------------------------------------------------- maintenance


async def test_maintenance_notices_degraded_lost_and_restored(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
) -> None:
    installer = async_mock_service(hass, "notify", "installer")
    await use_blueprint(
        hass,
        tmp_path,
        "maintenance",
        {
            "household": household.entry_id,
            "notice_action": [
                {
                    "action": "notify.installer",
                    "data": {
                        "title": "{{ notice_title }}",
                        "message": "{{ notice_message }} ({{ notice_kind }})",
                    },
                }
            ],
        },
    )
    sources = {
        "sensor.tv_power": ("0.4", {"device_class": "power", "unit_of_measurement": "W"}),
        "sensor.kettle_power": ("0", {"device_class": "power", "unit_of_measurement": "W"}),
        "sensor.fridge_power": ("85", {"device_class": "power", "unit_of_measurement": "W"}),
        "sensor.living_room_illuminance": (
            "3",
            {"device_class": "illuminance", "unit_of_measurement": "lx"},
        ),
        "binary_sensor.hallway_motion": ("off", {"device_class": "motion"}),
    }
    title = "Care Plug maintenance: Mum"

    # One plug drops off the network: degraded.
    await advance(hass, freezer, START + timedelta(minutes=1))
    hass.states.async_set("sensor.tv_power", "unavailable")
    await hass.async_block_till_done()
    assert care_state(hass, "sensor.mum_monitoring") == "degraded"
    degraded = (
        "Monitoring at Mum is degraded: some sources are offline. Check the plugs and sensors."
    )
    assert data(installer) == [{"title": title, "message": f"{degraded} (degraded)"}]

    # Everything goes: lost.
    await advance(hass, freezer, START + timedelta(minutes=2))
    for entity_id in list(sources)[1:]:
        hass.states.async_set(entity_id, "unavailable")
    await hass.async_block_till_done()
    assert care_state(hass, "sensor.mum_monitoring") == "lost"
    lost = (
        "Monitoring at Mum is lost: no source is online. "
        "Check the power and network of the box and plugs."
    )
    assert data(installer)[1:] == [{"title": title, "message": f"{lost} (lost)"}]

    # Power comes back, source by source: partly back (degraded again), then restored.
    await advance(hass, freezer, START + timedelta(minutes=5))
    for entity_id, (value, attributes) in sources.items():
        hass.states.async_set(entity_id, value, attributes)
    await hass.async_block_till_done()
    assert care_state(hass, "sensor.mum_monitoring") == "ok"
    restored = "Monitoring at Mum is back to normal."
    assert data(installer)[2:] == [
        {"title": title, "message": f"{degraded} (degraded)"},
        {"title": title, "message": f"{restored} (restored)"},
    ]

    # Wellbeing alerts are not the maintainer's business.
    await advance(hass, freezer, START + timedelta(hours=3, minutes=5))
    assert care_state(hass, "sensor.mum_care_level") == "critical"
    assert len(installer) == 4


# ---------------------------------------------------------------- maintenance at a welfare office

OFFICE_ID = "GN-0142"


@pytest.fixture
def mqtt(
    mqtt_mock: MqttMockHAClient, mqtt_client_mock: MqttMockPahoClient
) -> Iterator[MqttMockHAClient]:
    """The office's broker; at the end its socket closes, as a real client's does."""
    yield mqtt_mock
    mqtt_client_mock.on_socket_close(mqtt_client_mock, None, MagicMock(fileno=lambda: -1))


async def from_box(hass: HomeAssistant, kind: str, payload: dict[str, Any]) -> None:
    """A message from the household's box reaches the office (docs/office.md)."""
    async_fire_mqtt_message(hass, f"care_plug/{OFFICE_ID}/{kind}", json.dumps(payload), qos=1)
    await hass.async_block_till_done()


def box_status(at: datetime, seq: int) -> dict[str, Any]:
    """A quiet, well-watched home, as its box reports it."""
    payload: dict[str, Any] = {
        "schema": 1,
        "office_id": OFFICE_ID,
        "name": None,
        "level": "normal",
        "reason": "none",
        "alert_id": None,
        "acknowledged": False,
        "monitoring": "ok",
        "last_activity": (at - timedelta(minutes=30)).isoformat(),
        "inactive_seconds": 1800,
        "next_escalation": (at + timedelta(hours=11, minutes=30)).isoformat(),
        "next_level": "attention",
        "away_until": None,
        "sources_online": 5,
        "sources_total": 5,
        "routine_ready": True,
        "explanation": None,
        "seq": seq,
        "sent_at": at.isoformat(),
    }
    assert tuple(payload) == STATUS_KEYS
    return payload


@pytest.mark.usefixtures("mqtt")
async def test_maintenance_notices_at_a_welfare_office_and_a_box_offline(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, tmp_path: Path
) -> None:
    """Picked at the office: a household's degraded sources, its box gone silent and back."""
    office = MockConfigEntry(
        domain=DOMAIN,
        title="Gangnam office",
        options={
            "kind": "office",
            "name": "Gangnam office",
            "root": "care_plug",
            "tolerance": {"hours": 0, "minutes": 15, "seconds": 0},
        },
    )
    office.add_to_hass(hass)
    assert await hass.config_entries.async_setup(office.entry_id)
    await hass.async_block_till_done()
    installer = async_mock_service(hass, "notify", "installer")
    await use_blueprint(
        hass,
        tmp_path,
        "maintenance",
        {
            "household": office.entry_id,
            "notice_action": [
                {
                    "action": "notify.installer",
                    "data": {
                        "title": "{{ notice_title }}",
                        "message": "{{ notice_message }} ({{ notice_kind }}, {{ office_id }})",
                    },
                }
            ],
        },
    )
    title = f"Care Plug maintenance: {OFFICE_ID}"  # the box shares no name
    events = async_capture_events(hass, EVENT_CARE)

    # The box reports; then a plug at home drops off its network: degraded, as at home.
    await from_box(hass, "status", box_status(START, seq=0))
    degraded_at = START + timedelta(minutes=1)
    await advance(hass, freezer, degraded_at)
    await from_box(
        hass,
        "event",
        {
            "schema": 1,
            "office_id": OFFICE_ID,
            "type": "monitoring",
            "level": "normal",
            "previous_level": "normal",
            "reason": "none",
            "alert_id": None,
            "inactive_seconds": 1860,
            "monitoring": "degraded",
            "previous_monitoring": "ok",
            "seq": 1,
            "occurred_at": degraded_at.isoformat(),
            "sent_at": degraded_at.isoformat(),
        },
    )
    degraded = (
        f"Monitoring at {OFFICE_ID} is degraded: some sources are offline. "
        "Check the plugs and sensors."
    )
    assert data(installer) == [{"title": title, "message": f"{degraded} (degraded, {OFFICE_ID})"}]

    # The box goes silent: box_offline after the office's tolerance, and one notice.
    await advance(hass, freezer, START + timedelta(minutes=14, seconds=59))
    assert len(installer) == 1
    gone = START + timedelta(minutes=15)
    await advance(hass, freezer, gone)
    assert care_state(hass, "sensor.gn_0142_monitoring") == "box_offline"
    assert [(e.data["monitoring"], e.data["previous_monitoring"]) for e in events][1:] == [
        ("box_offline", "degraded")
    ]
    offline = (
        f"The Care Plug box at {OFFICE_ID} has stopped reporting to the welfare office. "
        "Check the box's power and internet connection."
    )
    assert data(installer)[1:] == [
        {"title": title, "message": f"{offline} (box_offline, {OFFICE_ID})"}
    ]
    await advance(hass, freezer, gone + timedelta(hours=1))
    assert len(installer) == 2  # said once

    # Power is back after 2 hours: the box reports again, every source online.
    back = gone + timedelta(hours=2)
    await advance(hass, freezer, back)
    await from_box(hass, "status", box_status(back, seq=1))
    assert care_state(hass, "sensor.gn_0142_monitoring") == "ok"
    assert events[-1].data["previous_monitoring"] == "box_offline"
    reporting = (
        f"The Care Plug box at {OFFICE_ID} is reporting again after 120 min; monitoring is ok."
    )
    assert data(installer)[2:] == [
        {"title": title, "message": f"{reporting} (box_back, {OFFICE_ID})"}
    ]
