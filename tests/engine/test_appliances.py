"""Appliances and lamps left on, silences judged by how they began, the resident's tracker
and the entrance door (issue 15), through the engine as the integration drives it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from custom_components.care_plug.engine import (
    CareEvent,
    EventType,
    Household,
    HouseholdSettings,
    Level,
    Monitoring,
    Reason,
    Role,
    SettingsError,
)
from custom_components.care_plug.engine.appliances import HOURS, RING
from custom_components.care_plug.engine.judgement import RING as GAP_RING
from custom_components.care_plug.engine.judgement import SLOTS as GAP_SLOTS
from custom_components.care_plug.engine.monitor import Output
from custom_components.care_plug.engine.state import from_dict, to_dict
from custom_components.care_plug.presentation.messages import care_message

from .fixed_tuning import FIXED_TUNING

ZONE_NAME = "Asia/Seoul"
ZONE = ZoneInfo(ZONE_NAME)
SEOUL = (37.57, 126.98)
FIRST = date(2026, 3, 2)  # a Monday
TV = "sensor.tv_power"
KETTLE = "sensor.kettle_power"
LUX = "sensor.living_lux"
HALL = "binary_sensor.hall_motion"
DOOR = "binary_sensor.front_door"
# Numeric sources never go stale here: the tests send no heartbeat reports.
TUNING = replace(FIXED_TUNING, stale_after_seconds=0.0)


def at(day: int, hours: float) -> datetime:
    """Local time `hours` after midnight of day `day` (from FIRST), in UTC."""
    local = datetime.combine(FIRST + timedelta(days=day), datetime.min.time(), ZONE)
    return (local + timedelta(hours=hours)).astimezone(UTC)


def house(sources: dict[str, Role], **options: Any) -> Household:
    keys = {Role.POWER: "power_sources", Role.LIGHT: "light_sources"}
    keys |= {Role.PRESENCE: "presence_sources"}
    opts: dict[str, Any] = {"risk_group": "at_risk", **options}  # 12 h / 24 h / 36 h
    for entity_id, role in sources.items():
        opts.setdefault(keys[role], []).append(entity_id)
    settings = replace(HouseholdSettings.from_options(opts), tuning=TUNING)
    return Household(settings, at(0, 0), SEOUL, ZONE_NAME)


def alerts(out: list[Output]) -> list[CareEvent]:
    return [o for o in out if isinstance(o, CareEvent) and o.type is EventType.ALERT]


def motion(h: Household, moment: datetime) -> list[Output]:
    return h.observe(HALL, "on", moment) + h.observe(HALL, "off", moment + timedelta(seconds=30))


def evening_tv(h: Household, day: int, on: float, off: float) -> list[Output]:
    """Motion through the day, the TV on at `on` and off at `off` (local hours)."""
    out: list[Output] = []
    for hour in range(7, 20):
        out += motion(h, at(day, hour))
    out += motion(h, at(day, on - 0.05))
    out += h.observe(TV, "90", at(day, on))
    out += h.observe(TV, "0.6", at(day, off))
    return out


def trained_tv_house() -> Household:
    """Five evenings of TV from about 21:00 to about 23:00."""
    h = house({TV: Role.POWER, HALL: Role.PRESENCE})
    h.observe(TV, "0.6", at(0, 0))
    for day, (on, off) in enumerate([(21.0, 23.0), (21.2, 23.1), (20.8, 22.9), (21.1, 23.3),
                                     (21.0, 23.0)]):  # fmt: skip
        assert not alerts(evening_tv(h, day, on, off))
    return h


def first_alert(h: Household, until: datetime, level: Level) -> CareEvent | None:
    found = [a for a in alerts(h.advance(until)) if a.level is level]
    return found[0] if found else None


def test_a_tv_left_on_at_night_reaches_warning_early_and_says_since_when() -> None:
    h = trained_tv_house()
    h.observe(TV, "90", at(5, 21 + 40 / 60))
    motion(h, at(5, 21.75))  # the last sign of life at 21:45
    outs = h.advance(at(6, 6))
    raised = alerts(outs)
    warning = next(a for a in raised if a.level is Level.WARNING)
    assert warning.reason is Reason.APPLIANCE_LEFT_ON
    # Sessions begun then last 2 h 12 min at most: warned within hours, not at 21:45 + 24 h.
    assert warning.time - at(5, 21.75) < timedelta(hours=4)
    why = warning.explanation
    assert why is not None
    assert why.kind == "appliance"
    assert why.source == TV
    assert (why.on_since, why.usually_off_by) == ("21:40", "23:52")
    assert "has been on since 21:40, usually off by 23:52" in care_message(warning, "Mum", "en")
    assert "21:40부터 켜져 있음" in care_message(warning, "엄마", "ko")
    # The resident is prompted first, half an hour before the family is told.
    attention = next(a for a in raised if a.level is Level.ATTENTION)
    assert warning.time - attention.time == timedelta(minutes=30)


def test_a_normal_long_film_raises_nothing() -> None:
    h = trained_tv_house()
    h.observe(TV, "90", at(5, 21.0))
    motion(h, at(5, 21.05))
    assert not alerts(h.advance(at(5, 23.25)))  # the whole film in silence, as usual
    h.observe(TV, "0.6", at(5, 23.25))
    assert not alerts(h.advance(at(5, 23.3)))
    assert h.level is Level.NORMAL


def test_a_film_longer_than_usual_while_the_resident_is_up_raises_nothing() -> None:
    h = trained_tv_house()
    h.observe(TV, "90", at(5, 21.0))
    for minutes in range(0, 5 * 60, 40):  # up and about, with the TV on past 01:00
        motion(h, at(5, 21.0 + minutes / 60))
    assert not alerts(h.advance(at(6, 2.0)))


def test_a_lamp_left_on_in_the_dark_prompts_the_resident() -> None:
    h = house({LUX: Role.LIGHT, HALL: Role.PRESENCE})
    for day in range(5):
        for hour in range(8, 20):
            motion(h, at(day, hour))
        h.observe(LUX, "0", at(day, 19.5))  # dark: the sun is down in Seoul in March
        h.observe(LUX, "90", at(day, 19.75))  # the lamp
        motion(h, at(day, 20.5))
        h.observe(LUX, "0", at(day, 22.5 + day / 20))  # off at bedtime
        h.observe(LUX, "0.5", at(day + 1, 7.5))  # daylight
    h.observe(LUX, "0", at(5, 19.5))
    h.observe(LUX, "90", at(5, 19.75))
    motion(h, at(5, 20.0))
    raised: list[CareEvent] = []
    for minutes in range(10, 6 * 60, 10):  # the lamp stays on, reported every 10 minutes
        raised += alerts(h.observe(LUX, "90", at(5, 20.0 + minutes / 60)))
    assert [a.level for a in raised] == [Level.ATTENTION]
    assert raised[0].reason is Reason.APPLIANCE_LEFT_ON
    assert raised[0].time < at(6, 0.0)  # hours before the fixed 12 h at 08:00
    why = raised[0].explanation
    assert why is not None
    assert why.kind == "lamp"
    assert why.on_since == "19:45"
    assert care_message(raised[0], "Mum", "en").startswith("Mum: left on for far longer")
    # A lamp alone never tells the family: that waits for the fixed thresholds.
    assert h.level is Level.ATTENTION


def test_the_tracker_away_pauses_alerts_and_learning_and_home_restores_them() -> None:
    h = house({TV: Role.POWER, HALL: Role.PRESENCE})
    motion(h, at(0, 9))
    out = h.resident_away(at(0, 10), away=True)
    assert h.away
    assert h.monitoring is Monitoring.AWAY
    assert any(isinstance(o, CareEvent) and o.type is EventType.MONITORING for o in out)
    days = h.routine_days
    motion(h, at(0, 11))  # a visitor while the resident is out
    assert not alerts(h.advance(at(2, 10)))  # two days out: nothing is raised
    assert h.routine_days == days  # and nothing learned
    h.resident_away(at(2, 10), away=False)
    assert not h.away
    assert h.monitoring is Monitoring.OK
    raised = alerts(h.advance(at(2, 22.5)))
    assert [(a.level, a.time) for a in raised] == [(Level.ATTENTION, at(2, 22))]


def test_the_tracker_leaves_an_away_period_set_by_hand_alone() -> None:
    h = house({HALL: Role.PRESENCE})
    h.set_away(at(0, 9), at(3, 9))
    h.resident_away(at(0, 10), away=True)
    h.resident_away(at(0, 12), away=False)  # the phone is home, the resident is not
    assert h.away
    assert h.away_until == at(3, 9)


def _routine_house(**options: Any) -> Household:
    """Eight days of motion every 15 minutes from 07:00 to 22:00, out through the door
    at 10:00 and back at 10:30."""
    h = house({HALL: Role.PRESENCE, DOOR: Role.PRESENCE}, **options)
    for day in range(8):
        for quarter in range(7 * 4, 22 * 4):
            hour = quarter / 4
            if hour == 10.0:  # in time order: a reading told late moves the clock back
                h.observe(DOOR, "on", at(day, 10.0))
                h.observe(DOOR, "off", at(day, 10.01))
            if 10.0 <= hour < 10.5:
                continue
            motion(h, at(day, hour))
    assert h.routine_ready
    return h


def test_a_silence_after_the_entrance_door_opens_holds_at_attention() -> None:
    plain, entrance = _routine_house(), _routine_house(entrance_sources=[DOOR])
    for h in (plain, entrance):
        for quarter in range(7 * 4, 11 * 4):
            motion(h, at(8, quarter / 4))
        h.observe(DOOR, "on", at(8, 11.0))  # the door opens, then nothing inside
        h.observe(DOOR, "off", at(8, 11.01))
    early = first_alert(plain, at(9, 0), Level.WARNING)
    assert early is not None
    assert early.reason is Reason.UNUSUAL_INACTIVITY
    out = alerts(entrance.advance(at(9, 0)))
    assert [a.level for a in out] == [Level.ATTENTION]  # the resident is prompted
    assert out[0].time < early.time
    # ... and the fixed warning threshold still applies, to the minute.
    late = first_alert(entrance, at(10, 0), Level.WARNING)
    assert late is not None
    assert late.time == at(9, 11.0)


def test_entrance_sources_must_be_presence_sources() -> None:
    with pytest.raises(SettingsError, match="entrance_sources"):
        house({TV: Role.POWER, HALL: Role.PRESENCE}, entrance_sources=[TV])


def test_a_silence_after_the_kettle_is_judged_by_how_it_began() -> None:
    """After the kettle at 10:00 the resident is back within the hour; on other days a
    morning nap from 09:00 to 12:00 makes a long silence usual at that time of day."""
    h = house({KETTLE: Role.POWER, HALL: Role.PRESENCE})
    h.observe(KETTLE, "0", at(0, 0))
    for day in range(18):
        nap = day % 2 == 1
        for quarter in range(7 * 4, 22 * 4):
            hour = quarter / 4
            if not nap and hour == 10.0:
                h.observe(KETTLE, "2000", at(day, 10.0))
                h.observe(KETTLE, "0", at(day, 10.05))
            if (nap and 9.0 <= hour < 12.0) or (not nap and 10.0 <= hour < 11.0):
                continue
            motion(h, at(day, hour))
        h.advance(at(day, 23))
    assert h.level is Level.NORMAL
    for quarter in range(7 * 4, 10 * 4):
        motion(h, at(18, quarter / 4))
    h.observe(KETTLE, "2000", at(18, 10.0))
    h.observe(KETTLE, "0", at(18, 10.05))
    prompt = first_alert(h, at(18, 16), Level.ATTENTION)
    assert prompt is not None
    assert prompt.reason is Reason.UNUSUAL_INACTIVITY
    # Within an hour of the longest quiet spell after the kettle (about an hour), long
    # before a three-hour nap at this time of day would make the silence unusual.
    assert prompt.time <= at(18, 12.1)
    why = prompt.explanation
    assert why is not None
    assert why.kind == "began"
    assert why.source == KETTLE
    assert why.edge == "off"
    assert why.quiet_since == "10:03"
    assert "when an appliance or lamp was switched off" in care_message(prompt, "Mum", "en")


def test_what_was_learned_survives_a_restart() -> None:
    h = trained_tv_house()
    h.observe(TV, "90", at(5, 21 + 40 / 60))
    motion(h, at(5, 21.75))
    saved = json.loads(json.dumps(to_dict(h)))
    assert saved["appliances"]["on_since"] == {TV: at(5, 21 + 40 / 60).timestamp()}
    restored = from_dict(h.settings, saved, SEOUL, ZONE_NAME)
    assert to_dict(restored) == to_dict(h)
    a = [(e.level, e.time, e.reason, e.explanation) for e in alerts(h.advance(at(6, 6)))]
    b = [(e.level, e.time, e.reason, e.explanation) for e in alerts(restored.advance(at(6, 6)))]
    assert a == b
    assert a


def test_state_saved_before_appliances_were_learned_still_restores() -> None:
    h = trained_tv_house()
    saved = to_dict(h)
    for key in ("appliances", "beginnings", "presence_away"):
        del saved[key]
    restored = from_dict(h.settings, saved, SEOUL, ZONE_NAME)
    assert to_dict(restored)["appliances"]["durations"] == {}


def test_memory_stays_bounded_however_long_the_watch() -> None:
    h = house({TV: Role.POWER, HALL: Role.PRESENCE})
    h.observe(TV, "0.6", at(0, 0))
    sizes = []
    for day in range(60):
        for hour in range(0, 24, 2):  # a session beginning in every other hour, every day
            start = hour + (day % 2)
            h.observe(TV, "90", at(day, start + 0.1))
            motion(h, at(day, start + 0.3))
            h.observe(TV, "0.6", at(day, start + 0.2 + (day % 7) / 10))
        sizes.append(len(json.dumps(to_dict(h))))
    saved = to_dict(h)
    durations = saved["appliances"]["durations"][TV]
    assert len(durations) == HOURS
    assert all(len(ring) == RING for ring in durations)
    for rings in saved["beginnings"]["gaps"].values():
        assert len(rings) == GAP_SLOTS
        assert all(len(ring) <= GAP_RING for ring in rings)
    # The routine's weekend rings fill last, after six weeks; then nothing grows.
    assert max(sizes[50:]) <= 1.02 * sizes[45]
