"""Knowing the resident is out, and the detection, through Home Assistant.

The entrance doors and the resident's tracker are set in the config and options flows
(English and Korean); the tracker leaving makes the household away and its return
resumes watching; and a simulated home lived through the real core reaches the same care
levels as the replay command gives for its history.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.translation import async_get_translations
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.care_plug.const import DOMAIN, EVENT_CARE
from custom_components.care_plug.coordinator import CarePlugCoordinator
from custom_components.care_plug.engine.model import CareEvent
from custom_components.care_plug.engine.settings import HouseholdSettings
from custom_components.care_plug.replay.command import iso
from simulator import PROFILES, Simulation, write_history_csv

from .common import attribute, move_to, value, walk
from .conftest import HOUSEHOLD_OPTIONS, set_sources
from .test_config_flow import SOURCES, start, suggested
from .test_diagnostics import _diagnostics
from .test_routine import _attributes, _live_through

ROOT = Path(__file__).resolve().parents[1]
RESIDENT = "person.mum"
DOOR = "binary_sensor.front_door"
MOTION = "binary_sensor.hallway_motion"
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@pytest.fixture
def flat(hass: HomeAssistant) -> None:
    """The devices of a small flat, a front door sensor, and the resident's person."""
    power = {"device_class": "power", "unit_of_measurement": "W"}
    hass.states.async_set("sensor.tv_power", "80", power)
    hass.states.async_set("sensor.kettle_power", "0", power)
    hass.states.async_set("sensor.fridge_power", "60", power)
    hass.states.async_set("sensor.living_room_illuminance", "12", {"device_class": "illuminance"})
    hass.states.async_set("binary_sensor.hall_motion", "off", {"device_class": "motion"})
    hass.states.async_set(DOOR, "off", {"device_class": "door"})
    hass.states.async_set(RESIDENT, "home")


WITH_DOOR = {**SOURCES, "presence_sources": ["binary_sensor.hall_motion", DOOR]}


async def _translations(hass: HomeAssistant, language: str, category: str) -> dict[str, str]:
    return await async_get_translations(hass, language, category, [DOMAIN])


# ---------------------------------------------------------------------- the flows


@pytest.mark.usefixtures("flat")
async def test_a_household_gets_its_entrance_door_and_resident_in_the_config_flow(
    hass: HomeAssistant,
) -> None:
    result = await start(hass, "Mum", "at_risk")
    assert result["step_id"] == "sources"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**WITH_DOOR, "entrance_sources": [DOOR], "resident": RESIDENT}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    options = result["result"].options
    assert options["entrance_sources"] == [DOOR]
    assert options["resident"] == RESIDENT
    assert HouseholdSettings.from_options(options).entrances == frozenset({DOOR})
    # The household runs with them: the resident is home, so it watches as usual.
    assert value(hass, "sensor.mum_monitoring") == "ok"


@pytest.mark.usefixtures("flat")
@pytest.mark.parametrize("language", ["en", "ko"])
async def test_an_entrance_door_that_is_not_a_presence_source_is_refused_in_words(
    hass: HomeAssistant, language: str
) -> None:
    result = await start(hass, "Mum", "at_risk")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**SOURCES, "entrance_sources": [DOOR]}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "entrance_not_presence"}
    placeholders = result["description_placeholders"]
    assert placeholders is not None
    assert placeholders["entity_id"] == DOOR
    strings = await _translations(hass, language, "config")
    message = strings[f"component.{DOMAIN}.config.error.entrance_not_presence"]
    shown = message.format(**placeholders)
    assert DOOR in shown
    assert ("현관문" in shown) if language == "ko" else ("entrance door" in shown)


@pytest.mark.usefixtures("flat")
async def test_the_resident_cannot_also_be_a_source(hass: HomeAssistant) -> None:
    result = await start(hass, "Mum", "at_risk")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**SOURCES, "other_sources": [RESIDENT], "resident": RESIDENT}
    )
    assert result["errors"] == {"base": "entity_in_two_roles"}
    placeholders = result["description_placeholders"]
    assert placeholders is not None
    assert placeholders["entity_id"] == RESIDENT


@pytest.mark.usefixtures("flat")
async def test_a_resident_unknown_to_home_assistant_is_refused(hass: HomeAssistant) -> None:
    result = await start(hass, "Mum", "at_risk")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**SOURCES, "resident": "person.nobody"}
    )
    assert result["errors"] == {"base": "entity_not_found"}
    placeholders = result["description_placeholders"]
    assert placeholders is not None
    assert placeholders["entity_id"] == "person.nobody"


@pytest.mark.usefixtures("flat")
async def test_a_door_listed_twice_and_a_resident_by_registry_id_are_stored_once_by_id(
    hass: HomeAssistant,
) -> None:
    from homeassistant.helpers import entity_registry as er

    tracker = er.async_get(hass).async_get_or_create(
        "device_tracker", "mobile_app", "mums_phone", suggested_object_id="mums_phone"
    )
    hass.states.async_set(tracker.entity_id, "home")
    result = await start(hass, "Mum", "at_risk")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {**WITH_DOOR, "entrance_sources": [DOOR, DOOR], "resident": tracker.id},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    options = result["result"].options
    assert options["entrance_sources"] == [DOOR]
    assert options["resident"] == tracker.entity_id


@pytest.mark.usefixtures("flat")
async def test_the_options_flow_shows_changes_and_clears_them(hass: HomeAssistant) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Mum",
        options={
            "name": "Mum", "risk_group": "at_risk", **WITH_DOOR,
            "entrance_sources": [DOOR], "resident": RESIDENT,
        },
    )  # fmt: skip
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    options = hass.config_entries.options
    result = await options.async_init(entry.entry_id)
    result = await options.async_configure(result["flow_id"], {"risk_group": "at_risk"})
    assert result["step_id"] == "sources"
    shown = suggested(result)
    assert (shown["entrance_sources"], shown["resident"]) == ([DOOR], RESIDENT)

    # The door is no longer a presence source and the resident field is cleared: both go.
    result = await options.async_configure(result["flow_id"], SOURCES)
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "entrance_sources" not in entry.options
    assert "resident" not in entry.options
    assert entry.options["presence_sources"] == ["binary_sensor.hall_motion"]


@pytest.mark.usefixtures("flat")
@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("flow", ["config", "options"])
async def test_the_new_fields_are_labelled_and_explained(
    hass: HomeAssistant, language: str, flow: str
) -> None:
    strings = await _translations(hass, language, flow)
    step = f"component.{DOMAIN}.{flow}.step.sources"
    for key in ("entrance_sources", "resident"):
        label = strings[f"{step}.data.{key}"]
        description = strings[f"{step}.data_description.{key}"]
        assert label
        assert len(description) > 100  # says what it does, not just its name
        if language == "ko":
            assert any("가" <= char <= "힣" for char in label + description)
    english = await _translations(hass, "en", flow)
    assert "inactivity times" in english[f"{step}.data_description.entrance_sources"]
    assert "away" in english[f"{step}.data_description.resident"]


# ---------------------------------------------------------------------- the tracker

START = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)


async def _household_with_resident(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, tracker: str = "home"
) -> MockConfigEntry:
    """The shared 1 h / 2 h / 3 h household, its resident followed by `person.mum`."""
    freezer.move_to(START)
    set_sources(hass)
    hass.states.async_set(RESIDENT, tracker)
    entry = MockConfigEntry(
        domain=DOMAIN, title="Mum", options={**HOUSEHOLD_OPTIONS, "resident": RESIDENT}
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    hass.states.async_set(MOTION, "on", {"device_class": "motion"})  # seen at the start
    await hass.async_block_till_done()
    return entry


def _alerts(events: list[Event[dict[str, Any]]]) -> list[str]:
    return [e.data["level"] for e in events if e.data["type"] == "alert"]


async def test_the_tracker_leaving_suppresses_alerts_and_returning_restores_them(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await _household_with_resident(hass, freezer)
    events = async_capture_events(hass, EVENT_CARE)

    left = START + timedelta(minutes=10)
    freezer.move_to(left)
    hass.states.async_set(RESIDENT, "not_home")
    await hass.async_block_till_done()
    assert value(hass, "sensor.mum_monitoring") == "away"
    assert value(hass, "sensor.mum_next_escalation") == "unknown"
    assert attribute(hass, "switch.mum_away", "until") is None
    assert value(hass, "switch.mum_away") == "on"

    # Out for five hours, well past critical, and the tracker moving between zones
    # (a shop, then somewhere else) changes nothing.
    await walk(hass, freezer, left, left + 2 * HOUR)
    hass.states.async_set(RESIDENT, "Shop")
    await walk(hass, freezer, left + 2 * HOUR, left + 5 * HOUR)
    assert _alerts(events) == []
    assert value(hass, "sensor.mum_care_level") == "normal"

    back = left + 5 * HOUR
    hass.states.async_set(RESIDENT, "home")
    await hass.async_block_till_done()
    assert value(hass, "sensor.mum_monitoring") == "ok"
    # A fresh clock from the return: attention one hour later, if nothing happens.
    assert value(hass, "sensor.mum_next_escalation") == (back + HOUR).isoformat()
    await walk(hass, freezer, back, back + HOUR + timedelta(minutes=10))
    assert _alerts(events) == ["attention"]
    assert value(hass, "sensor.mum_care_level") == "attention"
    monitoring = [e.data["monitoring"] for e in events if e.data["type"] == "monitoring"]
    # (then `degraded`: the plugs, sent no reports in this test, go stale after 6 h)
    assert monitoring[:2] == ["away", "ok"]


@pytest.mark.parametrize("tracker", ["unavailable", "unknown"])
async def test_a_tracker_that_says_nothing_never_silences_an_alert(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, tracker: str
) -> None:
    """A phone with a flat battery: the household is watched as usual."""
    await _household_with_resident(hass, freezer, tracker)
    events = async_capture_events(hass, EVENT_CARE)
    assert value(hass, "sensor.mum_monitoring") == "ok"
    await walk(hass, freezer, START, START + HOUR + timedelta(minutes=10))
    assert _alerts(events) == ["attention"]


async def test_the_tracker_away_survives_a_restart_and_a_removed_tracker_ends_it(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    entry = await _household_with_resident(hass, freezer)
    hass.states.async_set(RESIDENT, "not_home")
    await hass.async_block_till_done()
    assert value(hass, "sensor.mum_monitoring") == "away"

    freezer.move_to(START + HOUR)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert value(hass, "sensor.mum_monitoring") == "away"

    # Unfollowed in the options while away: the household watches again at once.
    options = {key: value for key, value in entry.options.items() if key != "resident"}
    hass.config_entries.async_update_entry(entry, options=options)
    freezer.move_to(START + 2 * HOUR)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert value(hass, "sensor.mum_monitoring") == "ok"
    assert value(hass, "sensor.mum_next_escalation") == (START + 3 * HOUR).isoformat()


async def test_a_renamed_tracker_is_followed_under_its_new_id(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    registry = er.async_get(hass)
    registry.async_get_or_create("person", "person", "mum-uid", suggested_object_id="mum")
    entry = await _household_with_resident(hass, freezer)
    registry.async_update_entity(RESIDENT, new_entity_id="person.mother")
    await hass.async_block_till_done()
    assert entry.options["resident"] == "person.mother"  # the options follow the rename
    assert not [i for i in ir.async_get(hass).issues.values() if i.domain == DOMAIN]

    hass.states.async_set("person.mother", "not_home")
    await hass.async_block_till_done()
    assert value(hass, "sensor.mum_monitoring") == "away"
    hass.states.async_set("person.mother", "home")
    await hass.async_block_till_done()
    assert value(hass, "sensor.mum_monitoring") == "ok"

    # A tracker removed from Home Assistant says nothing: watched as usual, no repair.
    registry.async_remove("person.mother")
    hass.states.async_remove("person.mother")
    await hass.async_block_till_done()
    assert value(hass, "sensor.mum_monitoring") == "ok"
    assert not [i for i in ir.async_get(hass).issues.values() if i.domain == DOMAIN]


def test_the_replay_follows_the_resident_tracker(tmp_path: Path) -> None:
    """The same history with and without `resident`: out, nothing is raised."""
    history = tmp_path / "history.csv"
    history.write_text(
        "entity_id,state,last_changed\n"
        f"{MOTION},on,2026-03-02T08:00:00Z\n"
        f"{RESIDENT},not_home,2026-03-02T08:05:00Z\n"
        f"{RESIDENT},Shop,2026-03-02T10:00:00Z\n"
        f"{RESIDENT},home,2026-03-02T14:00:00Z\n"
        f"{MOTION},off,2026-03-02T14:10:00Z\n"
    )
    plain = {
        "presence_sources": [MOTION],
        "risk_group": "custom",
        "attention_after": {"hours": 1},
        "warning_after": {"hours": 2},
        "critical_after": {"hours": 3},
    }

    def replay(options: dict[str, Any]) -> list[dict[str, Any]]:
        path = tmp_path / "options.json"
        path.write_text(json.dumps(options))
        result = subprocess.run(
            [sys.executable, "-m", "custom_components.care_plug.replay", "--options",
             str(path), "--events", str(history), "--until", "2026-03-02T15:30:00Z"],
            cwd=ROOT, capture_output=True, text=True, check=False, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        return [json.loads(line) for line in result.stdout.splitlines()]

    without = [(line["time"], line["level"]) for line in replay(plain)]
    assert without[:3] == [
        ("2026-03-02T09:00:00Z", "attention"),
        ("2026-03-02T10:00:00Z", "warning"),
        ("2026-03-02T11:00:00Z", "critical"),
    ]
    followed = [(line["time"], line["level"]) for line in replay({**plain, "resident": RESIDENT})]
    # Out from 08:05 to 14:00, then a fresh clock from the return (the motion sensor
    # going off is no sign of life): attention an hour later.
    assert followed == [("2026-03-02T15:00:00Z", "attention")]


async def test_an_away_set_by_hand_is_left_to_its_end(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    entry = await _household_with_resident(hass, freezer)
    until = START + 6 * HOUR
    await hass.services.async_call(
        DOMAIN,
        "set_away",
        {"config_entry_id": entry.entry_id, "until": until.isoformat()},
        blocking=True,
    )
    hass.states.async_set(RESIDENT, "not_home")
    await move_to(hass, freezer, START + HOUR)
    hass.states.async_set(RESIDENT, "home")  # the phone came back; the resident has not
    await move_to(hass, freezer, START + 2 * HOUR)
    assert value(hass, "sensor.mum_monitoring") == "away"
    assert attribute(hass, "sensor.mum_monitoring", "away_until") == until


async def test_diagnostics_name_neither_the_resident_nor_when_appliances_are_on(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
    hass_admin_user: MockUser,
) -> None:
    entry = await _household_with_resident(hass, freezer)
    power = {"device_class": "power", "unit_of_measurement": "W"}
    for session in range(3):  # the TV on for 40 minutes, three times
        on = START + timedelta(minutes=5 + 60 * session)
        freezer.move_to(on)
        hass.states.async_set("sensor.tv_power", "80", power)
        await hass.async_block_till_done()
        freezer.move_to(on + timedelta(minutes=40))
        hass.states.async_set("sensor.tv_power", "0.4", power)
        await move_to(hass, freezer, on + timedelta(minutes=43))  # past the glitch window

    diagnostics = await _diagnostics(hass, hass_client, hass_admin_user, entry)

    assert diagnostics["entry"]["options"]["resident"] == "**REDACTED**"
    assert RESIDENT not in json.dumps(diagnostics)
    # How much was learned, not when or for how long.
    assert diagnostics["engine"]["appliances"] == {"sessions": {"sensor.tv_power": 3}, "on": []}
    assert set(diagnostics["engine"]["beginnings"]) == {"quiet_spells"}


# ---------------------------------------------------------------------- replay = integration

TIME_ZONE = "US/Pacific"
SIM_START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # Monday 00:00 local
# The resident stops during the evening TV of the third Monday (21:30 local), with the
# TV left on: two weeks learnt how long the TV is usually on at that hour.
STOP = SIM_START + 14 * DAY + timedelta(hours=20, minutes=30)
END = STOP + 2 * DAY


async def test_the_replay_reaches_the_same_levels_as_the_integration(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, tmp_path: Path
) -> None:
    """A TV plug and a light sensor (the municipal kit), two weeks and an emergency."""
    freezer.move_to(SIM_START)
    await hass.config.async_set_time_zone(TIME_ZONE)
    location = (hass.config.latitude, hass.config.longitude)

    def simulation() -> Simulation:
        return Simulation(
            PROFILES["municipal_plug"], seed=7, start=SIM_START, latitude=location[0],
            longitude=location[1], time_zone=TIME_ZONE, stop_at=STOP,
        )  # fmt: skip

    sim = simulation()
    attributes = _attributes(sim)
    for entity_id, shown in attributes.items():
        hass.states.async_set(entity_id, "0", shown)
    options: dict[str, Any] = {
        key: entities for key, entities in sim.options().items() if isinstance(entities, list)
    }
    options |= {"name": "Mum", "risk_group": "at_risk"}  # 12 h / 24 h / 36 h
    entry = MockConfigEntry(domain=DOMAIN, title="Mum", options=options)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    coordinator: CarePlugCoordinator = entry.runtime_data
    seen: list[CareEvent] = []
    coordinator.async_add_event_listener(lambda event, _payload: seen.append(event))

    await _live_through(hass, freezer, sim.readings(END), attributes)
    await move_to(hass, freezer, END)
    integration = [
        {"time": iso(e.time), "level": e.level.key, "previous_level": e.previous_level.key,
         "reason": e.reason.value}
        for e in seen if e.type.value in ("alert", "resolved")
    ]  # fmt: skip

    history = tmp_path / "history.csv"
    write_history_csv(simulation().readings(END), history)
    (tmp_path / "options.json").write_text(json.dumps(options))
    result = subprocess.run(
        [
            sys.executable, "-m", "custom_components.care_plug.replay",
            "--options", str(tmp_path / "options.json"), "--events", str(history),
            "--until", iso(END), "--time-zone", TIME_ZONE,
            "--latitude", str(location[0]), "--longitude", str(location[1]),
        ],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    replayed = [json.loads(line) for line in result.stdout.splitlines()]

    assert replayed == integration
    reasons = {line["reason"] for line in integration}
    assert "appliance_left_on" in reasons  # the detection is part of what agrees
    # ... and the emergency with the TV left on reaches warning within hours.
    warned = [
        datetime.fromisoformat(line["time"].replace("Z", "+00:00"))
        for line in integration
        if line["level"] == "warning"
    ]
    assert any(STOP < moment < STOP + 12 * HOUR for moment in warned)
    assert value(hass, "sensor.mum_care_level") == integration[-1]["level"]
