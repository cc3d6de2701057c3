"""The learned routine inside Home Assistant: a month lived through the real core.

A simulated resident's readings are set as entity states with the clock frozen at each
reading's time, as the plugs and sensors would report them; the household learns from
them live, or from the recorder's history when it is added afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import AsyncMock, patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.care_plug.const import DOMAIN, EVENT_CARE
from custom_components.care_plug.coordinator import CarePlugCoordinator
from custom_components.care_plug.engine.routine import READY_DAYS
from custom_components.care_plug.engine.state import to_dict
from simulator import PROFILES, Reading, Simulation

from .common import attribute, move_to, value

TIME_ZONE = "US/Pacific"  # the test instance's zone
# Monday 2026-03-02 00:00 local (PST, UTC-8).
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
LEARNING_DAYS = 14
# Wednesday of the third week, 09:30 local: the resident is usually busy by then.
EMERGENCY = START + LEARNING_DAYS * DAY + 2 * DAY + timedelta(hours=9, minutes=30)

PROFILE = PROFILES["homebody_motion"]  # with a motion sensor, as in Wilhelm & Wahl
SKIPPED = {"sensor.fridge_plug_power"}  # background power: never activity, many readings
UNITS = {"W": {"device_class": "power", "unit_of_measurement": "W"}}


def _simulation(hass: HomeAssistant, stop_at: datetime | None = None) -> Simulation:
    return Simulation(
        PROFILE,
        seed=7,
        start=START,
        latitude=hass.config.latitude,
        longitude=hass.config.longitude,
        time_zone=TIME_ZONE,
        stop_at=stop_at,
    )


def _options(sim: Simulation, name: str) -> dict[str, Any]:
    options = {
        key: [entity for entity in entities if entity not in SKIPPED]
        for key, entities in sim.options().items()
        if isinstance(entities, list)
    }
    return {"name": name, **options, "risk_group": "at_risk"}  # 12 h / 24 h / 36 h


def _attributes(sim: Simulation) -> dict[str, dict[str, Any]]:
    shown: dict[str, dict[str, Any]] = {}
    for spec in sim.entities():
        attributes: dict[str, Any] = {}
        if spec.device_class:
            attributes["device_class"] = spec.device_class
        if spec.unit:
            attributes["unit_of_measurement"] = spec.unit
        shown[spec.entity_id] = attributes
    return shown


async def _live_through(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    readings: Iterable[Reading],
    attributes: dict[str, dict[str, Any]],
) -> None:
    """Set each reading as its entity's state at its time; timers fire every 10 minutes.

    Power and light sensors also report their unchanged value at every tick, as real
    plugs and sensors do, so none of them goes stale overnight.
    """
    reporting = [e for e, shown in attributes.items() if "unit_of_measurement" in shown]
    next_tick = dt_util.utcnow() + timedelta(minutes=10)
    for reading in readings:
        if reading.entity_id in SKIPPED:
            continue
        while reading.time >= next_tick:
            freezer.move_to(next_tick)
            for entity_id in reporting:
                state = hass.states.get(entity_id)
                if state is not None:
                    hass.states.async_set(entity_id, state.state, attributes[entity_id])
            await move_to(hass, freezer, next_tick)
            next_tick += timedelta(minutes=10)
        freezer.move_to(reading.time)
        hass.states.async_set(reading.entity_id, reading.state, attributes[reading.entity_id])
    await hass.async_block_till_done()


async def _add_household(hass: HomeAssistant, options: dict[str, Any]) -> MockConfigEntry:
    entry = MockConfigEntry(domain=DOMAIN, title=options["name"], options=options)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


def _coordinator(entry: MockConfigEntry) -> CarePlugCoordinator:
    coordinator: CarePlugCoordinator = entry.runtime_data
    return coordinator


def _warnings(events: list[Event[dict[str, Any]]]) -> list[Event[dict[str, Any]]]:
    return [e for e in events if e.data["type"] == "alert" and e.data["level"] == "warning"]


@pytest.fixture
async def mum(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> MockConfigEntry:
    """A household that has lived two weeks of the simulated resident's life."""
    freezer.move_to(START)
    await hass.config.async_set_time_zone(TIME_ZONE)
    sim = _simulation(hass)
    attributes = _attributes(sim)
    for entity_id, shown in attributes.items():
        hass.states.async_set(entity_id, "0", shown)
    entry = await _add_household(hass, _options(sim, "Mum"))
    await _live_through(hass, freezer, sim.readings(START + LEARNING_DAYS * DAY), attributes)
    return entry


async def test_an_emergency_on_a_weekday_morning_raises_warning_hours_early(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, mum: MockConfigEntry
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    assert float(value(hass, "sensor.mum_routine_learned")) >= READY_DAYS
    assert attribute(hass, "sensor.mum_routine_learned", "ready") is True
    sim = _simulation(hass, stop_at=EMERGENCY)
    attributes = _attributes(sim)
    # Fast-forward the learning part, then live through the day of the emergency.
    for _ in sim.readings(START + LEARNING_DAYS * DAY):
        pass
    await _live_through(hass, freezer, sim.readings(EMERGENCY + DAY), attributes)

    warning = _warnings(events)[0].data
    assert warning["reason"] == "unusual_inactivity"
    stopped = datetime.fromisoformat(str(warning["last_activity"]))
    detected = stopped + timedelta(seconds=int(warning["inactive_seconds"]))
    # The fixed warning comes 24 h after the last activity; the routine is hours sooner.
    assert detected - stopped < 12 * HOUR
    assert stopped <= EMERGENCY
    assert "usually" in warning["message"]
    assert "none since" in warning["message"] or "quiet spell" in warning["message"]
    explanation = attribute(hass, "sensor.mum_care_level", "explanation")
    assert explanation is not None
    assert explanation in warning["message"]


async def test_the_same_weeks_without_an_emergency_raise_no_warning(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, mum: MockConfigEntry
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    sim = _simulation(hass)
    for _ in sim.readings(START + LEARNING_DAYS * DAY):
        pass
    await _live_through(
        hass, freezer, sim.readings(START + (LEARNING_DAYS + 4) * DAY), _attributes(sim)
    )

    assert _warnings(events) == []
    assert value(hass, "sensor.mum_care_level") != "warning"


async def test_a_restart_keeps_the_learned_routine(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, mum: MockConfigEntry
) -> None:
    learned = to_dict(_coordinator(mum).household)["routine"]
    assert learned["observed"] >= READY_DAYS * 48

    assert await hass.config_entries.async_reload(mum.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert to_dict(_coordinator(mum).household)["routine"] == learned
    assert attribute(hass, "sensor.mum_routine_learned", "ready") is True


async def test_a_household_added_later_learns_the_same_routine_from_the_recorder(
    recorder_mock: Any, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Seeding from history gives the model that watching the same readings live gave."""
    freezer.move_to(START)
    await hass.config.async_set_time_zone(TIME_ZONE)
    sim = _simulation(hass)
    attributes = _attributes(sim)
    for entity_id, shown in attributes.items():
        hass.states.async_set(entity_id, "0", shown)
    live = await _add_household(hass, _options(sim, "Mum"))
    await _live_through(hass, freezer, sim.readings(START + 9 * DAY), attributes)
    await async_wait_recording_done(hass)

    seeded = await _add_household(hass, _options(sim, "Mum again"))

    live_routine = to_dict(_coordinator(live).household)["routine"]
    seeded_routine = to_dict(_coordinator(seeded).household)["routine"]
    assert seeded_routine["observed"] >= 7 * 48
    assert seeded_routine["silence"] == live_routine["silence"]
    assert seeded_routine["mean"] == live_routine["mean"]
    assert float(value(hass, "sensor.mum_again_routine_learned")) == pytest.approx(
        live_routine["observed"] / 48, abs=0.1
    )
    assert attribute(hass, "sensor.mum_again_routine_learned", "ready") is True
    # Seeded once: a restart does not read the history again.
    async_fire_time_changed(hass, START + 9 * DAY + HOUR)
    assert await hass.config_entries.async_reload(seeded.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (
        to_dict(_coordinator(seeded).household)["routine"]["silence"] == (seeded_routine["silence"])
    )


async def test_an_unreadable_history_delays_the_routine_and_is_read_again_next_start(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    freezer.move_to(START)
    sim = _simulation(hass)
    for entity_id, shown in _attributes(sim).items():
        hass.states.async_set(entity_id, "0", shown)
    broken = AsyncMock(side_effect=OSError("database disk image is malformed"))
    with patch("custom_components.care_plug.coordinator.async_learn_from_recorder", broken):
        entry = await _add_household(hass, _options(sim, "Mum"))

    assert broken.await_count == 1
    assert "history could not be read" in caplog.text
    assert value(hass, "sensor.mum_care_level") == "normal"
    await hass.config_entries.async_unload(entry.entry_id)
    assert hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]["routine_sources"] == []

    working = AsyncMock(return_value=None)
    with patch("custom_components.care_plug.coordinator.async_learn_from_recorder", working):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)
    assert working.await_count == 1
    await hass.config_entries.async_unload(entry.entry_id)
    saved = hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]["routine_sources"]
    options = _options(sim, "Mum")
    watched = [e for key, value in options.items() if key.endswith("_sources") for e in value]
    assert saved == sorted(watched)
