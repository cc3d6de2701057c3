"""The household state machine: levels, deadlines, reminders, away, health, persistence."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from custom_components.care_plug.engine import (
    Activity,
    CareEvent,
    EventType,
    Household,
    HouseholdSettings,
    Level,
    Monitoring,
    Reason,
    ResolvedBy,
    Role,
)
from custom_components.care_plug.engine.monitor import Output
from custom_components.care_plug.engine.settings import Tuning
from custom_components.care_plug.engine.solar import sun_elevation
from custom_components.care_plug.engine.state import StateError, from_dict, to_dict

from .fixed_tuning import FIXED_TUNING

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
SEC = timedelta(seconds=1)
ATTENTION = timedelta(minutes=10)
WARNING = timedelta(minutes=20)
CRITICAL = timedelta(minutes=60)
REMINDER = timedelta(minutes=5)
LOST_AFTER = timedelta(minutes=15)
STALE = timedelta(hours=6)
TUNING = replace(
    FIXED_TUNING,
    stale_after_seconds=STALE.total_seconds(),
    monitoring_lost_after_seconds=LOST_AFTER.total_seconds(),
    reminder_interval_seconds=REMINDER.total_seconds(),
)
TV = "sensor.tv_power"
FRIDGE = "sensor.fridge_power"
LUX = "sensor.living_lux"
HALL = "binary_sensor.hall_motion"
RADIO = "media_player.radio"

BAD_STATES = ["unavailable", "unknown", "", "nan", "inf", "-5", "1e400", "twelve"]
FAULT_OF = {"unavailable": "unavailable", "unknown": "unavailable", "": "unavailable"}


def settings(
    sources: dict[str, Role] | None = None,
    attention: timedelta = ATTENTION,
    warning: timedelta = WARNING,
    critical: timedelta = CRITICAL,
    tuning: Tuning = TUNING,
) -> HouseholdSettings:
    return HouseholdSettings(
        sources=sources or {TV: Role.POWER},
        attention_after=attention.total_seconds(),
        warning_after=warning.total_seconds(),
        critical_after=critical.total_seconds(),
        tuning=tuning,
    )


def household(sources: dict[str, Role] | None = None, **kwargs: Any) -> Household:
    return Household(settings(sources, **kwargs), T0)


def care(out: list[Output], kind: EventType | None = None) -> list[CareEvent]:
    return [e for e in out if isinstance(e, CareEvent) and (kind is None or e.type is kind)]


def activities(out: list[Output]) -> list[Activity]:
    return [e for e in out if isinstance(e, Activity)]


def tv_on(house: Household, at: datetime) -> None:
    """A first reading in standby, then the TV switched on at `at` (one activity)."""
    house.observe(TV, "0.5", at - MIN)
    assert activities(house.observe(TV, "80", at)) == [Activity(at, TV)]


def run_deadlines(house: Household, until: datetime) -> list[Output]:
    """What the glue does: one timer at each next deadline, up to `until`."""
    out: list[Output] = []
    while (due := house.next_deadline()) is not None and due <= until:
        assert due > house.clock, "a deadline in the past would fire forever"
        out += house.advance(due)
    return out


# ------------------------------------------------------------------ thresholds


def test_level_rises_exactly_at_the_threshold() -> None:
    house = household()
    active = T0 + 5 * MIN
    tv_on(house, active)
    assert house.next_deadline() == active + ATTENTION
    assert care(house.advance(active + ATTENTION - SEC)) == []
    assert house.level is Level.NORMAL
    alerts = care(house.advance(active + ATTENTION))
    assert [(e.type, e.level, e.previous_level, e.time) for e in alerts] == [
        (EventType.ALERT, Level.ATTENTION, Level.NORMAL, active + ATTENTION)
    ]
    assert alerts[0].reason is Reason.INACTIVITY
    assert alerts[0].inactive_seconds == ATTENTION.total_seconds()
    assert alerts[0].last_activity == active
    assert alerts[0].last_activity_entity == TV
    assert house.next_deadline() == active + WARNING
    assert house.next_escalation() == (active + WARNING, Level.WARNING)


@pytest.mark.parametrize("micros", [1, 123_456, 500_000, 999_999, 333_333])
def test_deadline_with_sub_second_activity_fires_when_advanced_to(micros: int) -> None:
    # HA's last_changed carries microseconds; the timer set at next_deadline() must fire.
    house = household()
    active = T0 + 5 * MIN + timedelta(microseconds=micros)
    tv_on(house, active)
    due = house.next_deadline()
    assert due is not None
    assert abs(due - (active + ATTENTION)) <= timedelta(microseconds=1)
    assert care(house.advance(due - timedelta(microseconds=2))) == []
    assert [e.level for e in care(house.advance(due), EventType.ALERT)] == [Level.ATTENTION]


@pytest.mark.parametrize("micros", [991, 2973, 4955])
def test_deadline_with_fractional_threshold_fires_when_advanced_to(micros: int) -> None:
    # A threshold with a fraction of a second (options allow milliseconds) plus a time
    # with microseconds: a sum that no datetime holds exactly. The deadline rounds up.
    attention = timedelta(seconds=654.9)
    house = household(attention=attention)
    active = T0 + 5 * MIN + timedelta(microseconds=micros)
    tv_on(house, active)
    due = house.next_deadline()
    assert due is not None
    assert timedelta(0) <= due - (active + attention) <= timedelta(microseconds=1)
    assert [e.level for e in care(house.advance(due), EventType.ALERT)] == [Level.ATTENTION]


def test_a_late_tick_still_dates_the_alert_at_the_threshold() -> None:
    house = household()
    tv_on(house, T0)
    alerts = care(house.advance(T0 + ATTENTION + 7 * MIN), EventType.ALERT)
    assert [e.time for e in alerts] == [T0 + ATTENTION]


def test_a_reading_after_a_missed_deadline_raises_the_level_first() -> None:
    house = household({TV: Role.POWER, HALL: Role.PRESENCE})
    tv_on(house, T0)
    out = house.observe(HALL, "off", T0 + WARNING + MIN)  # not activity
    assert [(e.level, e.time) for e in care(out, EventType.ALERT)] == [
        (Level.ATTENTION, T0 + ATTENTION),
        (Level.WARNING, T0 + WARNING),
    ]


def test_one_alert_per_level_when_time_jumps_over_all_of_them() -> None:
    house = household()
    tv_on(house, T0)
    out = house.advance(T0 + timedelta(days=3))
    alerts = care(out, EventType.ALERT)
    assert [(e.previous_level, e.level, e.time) for e in alerts] == [
        (Level.NORMAL, Level.ATTENTION, T0 + ATTENTION),
        (Level.ATTENTION, Level.WARNING, T0 + WARNING),
        (Level.WARNING, Level.CRITICAL, T0 + CRITICAL),
    ]
    assert len(care(out, EventType.REMINDER)) <= 2  # not one per interval over 3 days
    assert care(house.advance(T0 + timedelta(days=4)), EventType.ALERT) == []
    assert house.level is Level.CRITICAL
    assert house.next_escalation() is None


def test_activity_resolves_and_restarts_the_clock() -> None:
    house = household()
    tv_on(house, T0)
    house.advance(T0 + WARNING)
    later = T0 + WARNING + MIN
    out = house.observe(TV, "1500", later)
    resolved = care(out, EventType.RESOLVED)
    assert len(resolved) == 1
    assert resolved[0].resolved_by is ResolvedBy.ACTIVITY
    assert resolved[0].previous_level is Level.WARNING
    assert resolved[0].level is Level.NORMAL
    assert resolved[0].reason is Reason.INACTIVITY
    assert house.level is Level.NORMAL
    assert house.reason is Reason.NONE
    assert house.alert_id is None
    assert house.next_deadline() == later + ATTENTION


# ------------------------------------------------------------------ reminders


def reach_warning(house: Household) -> None:
    tv_on(house, T0)
    house.advance(T0 + WARNING)
    assert house.level is Level.WARNING


def test_no_reminders_at_attention() -> None:
    house = household()
    tv_on(house, T0)
    out = run_deadlines(house, T0 + WARNING - SEC)
    assert house.level is Level.ATTENTION
    assert care(out, EventType.REMINDER) == []


def test_reminders_repeat_at_the_interval_from_warning_on() -> None:
    house = household()
    reach_warning(house)
    assert house.next_deadline() == T0 + WARNING + REMINDER
    out = run_deadlines(house, T0 + CRITICAL - SEC)
    reminders = care(out, EventType.REMINDER)
    expected = [T0 + WARNING + k * REMINDER for k in range(1, 8)]  # 25 ... 55 min
    assert [e.time for e in reminders] == expected
    assert all(e.level is Level.WARNING for e in reminders)
    # Critical restarts the reminder rhythm from its own alert.
    out = run_deadlines(house, T0 + CRITICAL + 2 * REMINDER)
    assert [(e.type, e.time) for e in care(out)] == [
        (EventType.ALERT, T0 + CRITICAL),
        (EventType.REMINDER, T0 + CRITICAL + REMINDER),
        (EventType.REMINDER, T0 + CRITICAL + 2 * REMINDER),
    ]


def test_acknowledge_stops_reminders_until_the_next_level() -> None:
    house = household()
    reach_warning(house)
    out = house.acknowledge(T0 + WARNING + MIN, by="Mina")
    assert [(e.type, e.by, e.level) for e in care(out)] == [
        (EventType.ACKNOWLEDGED, "Mina", Level.WARNING)
    ]
    assert house.acknowledged
    out = run_deadlines(house, T0 + CRITICAL - SEC)
    assert care(out) == []
    # A higher level is news again: alert, then reminders, until acknowledged.
    out = run_deadlines(house, T0 + CRITICAL + REMINDER)
    assert [e.type for e in care(out)] == [EventType.ALERT, EventType.REMINDER]
    assert not house.acknowledged
    house.acknowledge(T0 + CRITICAL + REMINDER + SEC)
    assert care(run_deadlines(house, T0 + timedelta(days=2)), EventType.REMINDER) == []


def test_one_reminder_after_a_long_time_jump() -> None:
    house = household()
    tv_on(house, T0)
    house.advance(T0 + CRITICAL)
    assert house.level is Level.CRITICAL
    later = T0 + timedelta(days=3)
    reminders = care(house.advance(later), EventType.REMINDER)
    assert len(reminders) == 1
    due = house.next_deadline()
    assert due is not None
    assert later < due <= later + REMINDER


def test_acknowledge_at_normal_does_nothing() -> None:
    house = household()
    tv_on(house, T0)
    assert house.acknowledge(T0 + MIN) == []
    assert not house.acknowledged
    assert house.level is Level.NORMAL
    assert house.next_deadline() == T0 + ATTENTION


# ------------------------------------------------------------------ check-in


def test_check_in_resolves_and_restarts_the_clock() -> None:
    house = household()
    reach_warning(house)
    now = T0 + WARNING + 2 * MIN
    resolved = care(house.check_in(now))
    assert [(e.type, e.resolved_by, e.previous_level) for e in resolved] == [
        (EventType.RESOLVED, ResolvedBy.CHECK_IN, Level.WARNING)
    ]
    assert house.level is Level.NORMAL
    assert house.next_deadline() == now + ATTENTION
    assert care(run_deadlines(house, now + ATTENTION - SEC)) == []  # no reminders left


def test_check_in_at_normal_only_restarts_the_clock() -> None:
    house = household()
    tv_on(house, T0)
    assert house.check_in(T0 + 5 * MIN) == []
    assert house.next_deadline() == T0 + 5 * MIN + ATTENTION
    assert house.last_activity == T0  # a check-in is not an appliance being used


# ------------------------------------------------------------------ alert id


def test_alert_id_is_stable_within_an_episode_and_new_for_the_next() -> None:
    house = household()
    tv_on(house, T0)
    out = run_deadlines(house, T0 + WARNING + REMINDER)
    out += house.acknowledge(T0 + WARNING + REMINDER + SEC)
    out += house.observe(TV, "1500", T0 + WARNING + 2 * REMINDER)
    events = care(out)
    assert [e.type for e in events] == [
        EventType.ALERT,
        EventType.ALERT,
        EventType.REMINDER,
        EventType.ACKNOWLEDGED,
        EventType.RESOLVED,
    ]
    first = events[0].alert_id
    assert first is not None
    assert all(e.alert_id == first for e in events)
    out = house.advance(T0 + timedelta(hours=3))
    second = care(out, EventType.ALERT)[0].alert_id
    assert second is not None
    assert second != first


# ------------------------------------------------------------------ away


def test_away_suppresses_alerts_and_resumes_with_a_fresh_clock() -> None:
    house = household()
    tv_on(house, T0)
    until = T0 + timedelta(days=2)
    out = house.set_away(T0 + MIN, until)
    assert [(e.type, e.monitoring) for e in care(out)] == [(EventType.MONITORING, Monitoring.AWAY)]
    assert house.away_until == until
    assert house.next_escalation() is None
    house.report(TV, until - timedelta(hours=1))  # keep the plug from going stale
    out = run_deadlines(house, until - SEC)
    assert care(out, EventType.ALERT) == []
    assert house.level is Level.NORMAL
    assert house.next_deadline() == until
    out = house.advance(until)
    assert [(e.type, e.monitoring, e.previous_monitoring) for e in care(out)] == [
        (EventType.MONITORING, Monitoring.OK, Monitoring.AWAY)
    ]
    assert house.monitoring is Monitoring.OK
    assert house.away_until is None
    assert house.next_deadline() == until + ATTENTION
    alerts = care(house.advance(until + ATTENTION), EventType.ALERT)
    assert [(e.level, e.time) for e in alerts] == [(Level.ATTENTION, until + ATTENTION)]


def test_activity_while_away_is_recorded_but_raises_nothing() -> None:
    house = household()
    tv_on(house, T0)
    house.set_away(T0 + MIN, None)
    out = house.observe(TV, "1500", T0 + timedelta(hours=5))
    assert activities(out) == [Activity(T0 + timedelta(hours=5), TV)]
    assert care(out) == []
    assert house.last_activity == T0 + timedelta(hours=5)


def test_end_away_resumes_with_a_fresh_clock() -> None:
    house = household({HALL: Role.PRESENCE})
    house.set_away(T0, None)
    assert house.next_deadline() is None  # nothing happens by itself: no timer at all
    back = T0 + timedelta(days=9)
    out = house.end_away(back)
    assert [(e.type, e.monitoring) for e in care(out)] == [(EventType.MONITORING, Monitoring.OK)]
    assert house.next_deadline() == back + ATTENTION


def test_going_away_ends_an_open_alert() -> None:
    house = household()
    reach_warning(house)
    out = house.set_away(T0 + WARNING + MIN, T0 + timedelta(days=1))
    assert [e.resolved_by for e in care(out, EventType.RESOLVED)] == [ResolvedBy.CHECK_IN]
    assert house.level is Level.NORMAL
    assert care(run_deadlines(house, T0 + timedelta(hours=20)), EventType.REMINDER) == []


def test_away_must_end_in_the_future() -> None:
    house = household()
    with pytest.raises(ValueError, match="future"):
        house.set_away(T0 + MIN, T0)


def test_refused_away_changes_nothing_not_even_the_clock() -> None:
    house = household()
    tv_on(house, T0)
    before = to_dict(house)
    with pytest.raises(ValueError, match="future"):
        house.set_away(T0 + CRITICAL, T0 + MIN)
    assert to_dict(house) == before
    assert house.level is Level.NORMAL


def test_end_away_when_not_away_changes_nothing() -> None:
    house = household()
    tv_on(house, T0)
    assert house.end_away(T0 + MIN) == []
    assert house.next_deadline() == T0 + ATTENTION


# ------------------------------------------------------------------ bad input and health


@pytest.mark.parametrize("state", BAD_STATES)
@pytest.mark.parametrize(
    ("entity", "role", "good"), [(TV, Role.POWER, "80"), (LUX, Role.LIGHT, "2")]
)
def test_bad_reading_with_another_source_degrades_monitoring(
    state: str, entity: str, role: Role, good: str
) -> None:
    house = household({entity: role, HALL: Role.PRESENCE})
    house.observe(entity, good, T0)
    out = house.observe(entity, state, T0 + MIN)
    assert activities(out) == []
    assert [(e.type, e.monitoring) for e in care(out)] == [
        (EventType.MONITORING, Monitoring.DEGRADED)
    ]
    assert house.source_health() == {entity: FAULT_OF.get(state, "invalid"), HALL: "ok"}
    assert (house.status.sources_online, house.status.sources_total) == (1, 2)
    out = house.observe(entity, good, T0 + 2 * MIN)
    assert activities(out) == []  # the same level as before the fault: nobody did anything
    assert [(e.type, e.monitoring) for e in care(out)] == [(EventType.MONITORING, Monitoring.OK)]
    assert house.source_health() == {entity: "ok", HALL: "ok"}


@pytest.mark.parametrize("state", BAD_STATES)
@pytest.mark.parametrize(
    ("entity", "role", "good"), [(TV, Role.POWER, "80"), (LUX, Role.LIGHT, "2")]
)
def test_bad_reading_on_the_only_activity_source_loses_monitoring(
    state: str, entity: str, role: Role, good: str
) -> None:
    # A fridge plug that keeps reporting proves the network alive, never the person.
    house = household({entity: role, FRIDGE: Role.BACKGROUND_POWER})
    house.observe(entity, good, T0)
    house.observe(FRIDGE, "120", T0)
    out = house.observe(entity, state, T0 + MIN)
    assert activities(out) == []
    assert [e.monitoring for e in care(out)] == [Monitoring.LOST]
    assert house.source_health()[entity] == FAULT_OF.get(state, "invalid")
    out = house.observe(entity, good, T0 + 2 * MIN)
    assert [e.monitoring for e in care(out)] == [Monitoring.OK]


def test_bad_background_power_degrades_but_never_loses_monitoring() -> None:
    house = household({TV: Role.POWER, FRIDGE: Role.BACKGROUND_POWER})
    out = house.observe(FRIDGE, "unavailable", T0 + MIN)
    assert [e.monitoring for e in care(out)] == [Monitoring.DEGRADED]
    assert house.source_health() == {TV: "ok", FRIDGE: "unavailable"}


def test_background_power_never_resolves_an_alert() -> None:
    house = household({TV: Role.POWER, FRIDGE: Role.BACKGROUND_POWER})
    tv_on(house, T0)
    house.advance(T0 + ATTENTION)
    for k, watts in enumerate(["0", "150", "0", "150"]):
        out = house.observe(FRIDGE, watts, T0 + ATTENTION + (k + 1) * MIN)
        assert activities(out) == []
    assert house.level is Level.ATTENTION


def test_monitoring_lost_raises_attention_and_restoring_resolves_it() -> None:
    house = household(attention=timedelta(hours=12), warning=timedelta(hours=24),
                      critical=timedelta(hours=36))  # fmt: skip
    tv_on(house, T0)
    broken = T0 + 5 * MIN
    house.observe(TV, "unavailable", broken)
    assert house.monitoring is Monitoring.LOST
    assert house.next_deadline() == broken + LOST_AFTER
    assert house.next_escalation() == (broken + LOST_AFTER, Level.ATTENTION)
    assert care(house.advance(broken + LOST_AFTER - SEC)) == []
    alerts = care(house.advance(broken + LOST_AFTER))
    assert [(e.type, e.level, e.reason) for e in alerts] == [
        (EventType.ALERT, Level.ATTENTION, Reason.MONITORING_LOST)
    ]
    assert house.reason is Reason.MONITORING_LOST
    out = house.observe(TV, "80", broken + timedelta(hours=1))
    assert [(e.type, e.monitoring, e.resolved_by) for e in care(out)] == [
        (EventType.MONITORING, Monitoring.OK, None),
        (EventType.RESOLVED, Monitoring.OK, ResolvedBy.MONITORING_RESTORED),
    ]
    assert house.level is Level.NORMAL


def test_short_outage_raises_nothing() -> None:
    house = household()
    tv_on(house, T0)
    house.observe(TV, "unavailable", T0 + MIN)
    house.observe(TV, "80", T0 + MIN + LOST_AFTER - SEC)
    assert care(run_deadlines(house, T0 + ATTENTION - SEC)) == []


def test_check_in_while_monitoring_is_lost_does_not_re_alert_at_once() -> None:
    house = household(attention=timedelta(hours=12), warning=timedelta(hours=24),
                      critical=timedelta(hours=36))  # fmt: skip
    house.observe(TV, "unavailable", T0)
    house.advance(T0 + LOST_AFTER)
    assert house.level is Level.ATTENTION
    now = T0 + timedelta(hours=1)
    assert [e.resolved_by for e in care(house.check_in(now))] == [ResolvedBy.CHECK_IN]
    due = house.next_deadline()
    assert due is not None
    assert due > now
    out = run_deadlines(house, now + LOST_AFTER)
    assert [(e.time, e.reason) for e in care(out, EventType.ALERT)] == [
        (now + LOST_AFTER, Reason.MONITORING_LOST)
    ]


def test_inactivity_outranks_monitoring_loss() -> None:
    half_hour = timedelta(minutes=30)
    house = household(attention=half_hour, warning=2 * half_hour, critical=4 * half_hour)
    tv_on(house, T0)
    house.observe(TV, "unavailable", T0 + MIN)
    house.advance(T0 + MIN + LOST_AFTER)
    assert (house.level, house.reason) == (Level.ATTENTION, Reason.MONITORING_LOST)
    out = house.advance(T0 + 2 * half_hour)
    assert [(e.level, e.reason) for e in care(out, EventType.ALERT)] == [
        (Level.WARNING, Reason.INACTIVITY)
    ]
    out = house.observe(TV, "80", T0 + 2 * half_hour + MIN)  # the plug is back, nobody used it
    assert care(out, EventType.RESOLVED) == []
    assert house.level is Level.WARNING


def test_restored_monitoring_keeps_an_alert_that_inactivity_has_earned_meanwhile() -> None:
    half_hour = timedelta(minutes=30)
    house = household(attention=half_hour, warning=4 * half_hour, critical=8 * half_hour)
    tv_on(house, T0)
    house.observe(TV, "unavailable", T0 + MIN)
    house.advance(T0 + half_hour + MIN)  # lost for long enough, and quiet for long enough
    assert (house.level, house.reason) == (Level.ATTENTION, Reason.MONITORING_LOST)
    out = house.observe(TV, "80", T0 + half_hour + 2 * MIN)
    assert care(out, EventType.RESOLVED) == []
    assert (house.level, house.reason) == (Level.ATTENTION, Reason.INACTIVITY)


# ------------------------------------------------------------------ stale sources


def test_silent_numeric_source_goes_stale() -> None:
    house = household({TV: Role.POWER, HALL: Role.PRESENCE}, attention=timedelta(hours=12),
                      warning=timedelta(hours=24), critical=timedelta(hours=36))  # fmt: skip
    house.observe(TV, "80", T0)
    assert house.next_deadline() == T0 + STALE
    assert care(house.advance(T0 + STALE - SEC)) == []
    out = house.advance(T0 + STALE)
    assert [e.monitoring for e in care(out)] == [Monitoring.DEGRADED]
    assert house.source_health() == {TV: "stale", HALL: "ok"}
    # A presence sensor is silent while nobody moves: it never goes stale.
    house.advance(T0 + timedelta(hours=11))
    assert house.source_health()[HALL] == "ok"


def test_state_reported_keeps_a_source_online() -> None:
    house = household(attention=timedelta(hours=12), warning=timedelta(hours=24),
                      critical=timedelta(hours=36))  # fmt: skip
    house.observe(TV, "80", T0)
    for hour in range(1, 12):
        assert care(house.report(TV, T0 + timedelta(hours=hour))) == []
    assert house.source_health() == {TV: "ok"}
    assert house.monitoring is Monitoring.OK
    assert house.next_deadline() == T0 + timedelta(hours=12)


def test_report_brings_a_stale_source_back() -> None:
    house = household(attention=timedelta(hours=12), warning=timedelta(hours=24),
                      critical=timedelta(hours=36))  # fmt: skip
    house.observe(TV, "80", T0)
    house.advance(T0 + STALE)
    assert house.monitoring is Monitoring.LOST
    out = house.report(TV, T0 + STALE + MIN)
    assert [e.monitoring for e in care(out)] == [Monitoring.OK]
    assert house.source_health() == {TV: "ok"}


def test_all_sources_stale_leads_to_monitoring_lost_attention() -> None:
    house = household({TV: Role.POWER, LUX: Role.LIGHT}, attention=timedelta(hours=12),
                      warning=timedelta(hours=24), critical=timedelta(hours=36))  # fmt: skip
    house.observe(TV, "80", T0)
    house.observe(LUX, "2", T0)
    out = run_deadlines(house, T0 + STALE + LOST_AFTER)
    assert [(e.type, e.monitoring) for e in care(out)] == [
        (EventType.MONITORING, Monitoring.LOST),
        (EventType.ALERT, Monitoring.LOST),
    ]
    assert (house.level, house.reason) == (Level.ATTENTION, Reason.MONITORING_LOST)
    out = house.observe(LUX, "2", T0 + STALE + LOST_AFTER + MIN)
    assert [e.resolved_by for e in care(out, EventType.RESOLVED)] == [
        ResolvedBy.MONITORING_RESTORED
    ]


# ------------------------------------------------------------------ time order


def test_a_reading_older_than_the_engine_clock_keeps_its_own_time() -> None:
    # Taken as Home Assistant's clock set back (issue 13, item 8): the activity is dated
    # when it happened, the engine's latest instant stays, the clock is the reading's.
    house = household({TV: Role.POWER, HALL: Role.PRESENCE})
    house.observe(HALL, "off", T0)
    house.observe(TV, "0.5", T0 + 10 * SEC)
    house.observe(HALL, "off", T0 + 5 * MIN)
    out = house.observe(TV, "80", T0 + 2 * MIN)  # arrives late
    assert activities(out) == [Activity(T0 + 2 * MIN, TV)]
    assert house.now == T0 + 5 * MIN
    assert house.clock == T0 + 2 * MIN
    assert house.last_activity == T0 + 2 * MIN
    assert house.next_deadline() == T0 + 2 * MIN + ATTENTION


def test_late_readings_and_late_ticks_never_lower_a_level() -> None:
    house = household({TV: Role.POWER, HALL: Role.PRESENCE})
    tv_on(house, T0)
    house.advance(T0 + WARNING)
    assert house.advance(T0 + ATTENTION) == []
    house.observe(HALL, "off", T0 + MIN)
    house.observe(TV, "80", T0 + MIN)  # the same level: no activity
    assert house.level is Level.WARNING
    assert house.now == T0 + WARNING


def test_duplicate_timestamps() -> None:
    house = household()
    house.observe(TV, "0.5", T0)
    assert activities(house.observe(TV, "0.5", T0)) == []
    assert activities(house.observe(TV, "80", T0)) == [Activity(T0, TV)]
    assert activities(house.observe(TV, "80", T0)) == []
    assert house.next_deadline() == T0 + ATTENTION


def test_unknown_entity_is_ignored_and_outputs_are_independent_lists() -> None:
    house = household()
    out = house.observe("sensor.someone_else", "80", T0)
    assert out == []
    out.append(Activity(T0, "sensor.someone_else"))  # callers may keep and extend outputs
    assert house.observe("sensor.someone_else", "90", T0 + MIN) == []
    assert house.observe(TV, "0.5", T0 + MIN) == []
    assert house.report("sensor.someone_else", T0 + MIN) == []


def test_naive_datetimes_are_refused() -> None:
    house = household()
    with pytest.raises(ValueError, match="timezone"):
        house.observe(TV, "80", datetime(2026, 3, 2))  # noqa: DTZ001


# ------------------------------------------------------------------ power through the monitor


def test_switch_off_is_confirmed_at_its_deadline() -> None:
    house = household()
    tv_on(house, T0)
    off = T0 + 3 * MIN
    assert activities(house.observe(TV, "0", off)) == []
    window = timedelta(seconds=TUNING.power_glitch_seconds)
    assert house.next_deadline() == off + window
    assert activities(house.advance(off + window - SEC)) == []
    assert activities(house.advance(off + window)) == [Activity(off, TV)]
    assert house.last_activity == off
    assert house.next_deadline() == off + ATTENTION


def test_a_late_confirmed_switch_off_never_moves_last_activity_back() -> None:
    house = household({TV: Role.POWER, HALL: Role.PRESENCE})
    house.observe(HALL, "off", T0)
    tv_on(house, T0)
    off = T0 + 3 * MIN
    house.observe(TV, "0", off)
    house.observe(HALL, "on", off + 30 * SEC)
    assert (house.last_activity, house.last_activity_entity) == (off + 30 * SEC, HALL)
    out = house.advance(off + 5 * MIN)
    assert activities(out) == [Activity(off, TV)]  # reported, dated when it happened
    assert (house.last_activity, house.last_activity_entity) == (off + 30 * SEC, HALL)
    assert house.next_deadline() == off + 30 * SEC + ATTENTION


def test_zero_watt_glitch_is_not_activity_in_the_monitor() -> None:
    house = household()
    tv_on(house, T0)
    house.observe(TV, "0", T0 + 3 * MIN)
    assert activities(house.observe(TV, "80", T0 + 3 * MIN + 20 * SEC)) == []
    assert activities(house.advance(T0 + 8 * MIN)) == []
    assert house.last_activity == T0
    assert house.next_deadline() == T0 + ATTENTION


# ------------------------------------------------------------------ light and the sun

SEOUL = (37.5665, 126.978)


def test_light_steps_count_at_night_and_not_by_day() -> None:
    night = datetime(2026, 6, 21, 15, 0, tzinfo=UTC)  # midnight in Seoul
    day = datetime(2026, 6, 22, 3, 30, tzinfo=UTC)  # noon in Seoul
    house = Household(settings({LUX: Role.LIGHT}), night, SEOUL)
    house.observe(LUX, "1", night)
    assert activities(house.observe(LUX, "120", night + MIN)) == [Activity(night + MIN, LUX)]
    house.observe(LUX, "2", day)
    assert activities(house.observe(LUX, "120", day + MIN)) == []


def test_restored_household_sees_the_sun_as_the_original_does() -> None:
    # Readings on both sides of sunrise, a few minutes apart, with a restore in between:
    # whether a lamp counts must not depend on when the household was last restored.
    lo = datetime(2026, 6, 20, 19, 30, tzinfo=UTC).timestamp()
    hi = lo + 3600.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if sun_elevation(*SEOUL, mid) < 0 else (lo, mid)
    sunrise = datetime.fromtimestamp(hi, UTC)
    for before, after in [(60, 60), (200, 30), (30, 200), (280, 10)]:
        first = sunrise - timedelta(seconds=before)
        second = sunrise + timedelta(seconds=after)
        house = Household(settings({LUX: Role.LIGHT}), first - MIN, SEOUL)
        house.observe(LUX, "1", first)
        copy = from_dict(settings({LUX: Role.LIGHT}), to_dict(house), SEOUL)
        assert house.observe(LUX, "120", second) == copy.observe(LUX, "120", second)


# ------------------------------------------------------------------ persistence


def busy_household() -> Household:
    house = household({TV: Role.POWER, LUX: Role.LIGHT, HALL: Role.PRESENCE, RADIO: Role.OTHER})
    tv_on(house, T0)
    house.observe(HALL, "off", T0)
    house.observe(RADIO, "idle", T0)
    house.observe(LUX, "unavailable", T0 + MIN)
    house.advance(T0 + WARNING)
    house.observe(TV, "0", T0 + WARNING + MIN)  # a switch-off waiting for confirmation
    return house


def test_state_is_json_and_restores_the_same_household() -> None:
    house = busy_household()
    data = to_dict(house)
    text = json.dumps(data)
    copy = from_dict(house.settings, json.loads(text))
    assert to_dict(copy) == data
    assert copy.level is house.level
    assert copy.alert_id == house.alert_id
    assert copy.monitoring is house.monitoring
    assert copy.source_health() == house.source_health()
    assert copy.next_deadline() == house.next_deadline()
    later = T0 + timedelta(hours=2)
    assert copy.advance(later) == house.advance(later)


def test_away_state_is_json() -> None:
    house = household()
    house.set_away(T0, T0 + timedelta(days=3))
    data = json.loads(json.dumps(to_dict(house)))
    copy = from_dict(house.settings, data)
    assert copy.away_until == T0 + timedelta(days=3)
    assert copy.monitoring is Monitoring.AWAY


def test_state_is_small_and_does_not_grow_with_history() -> None:
    house = household({TV: Role.POWER, LUX: Role.LIGHT})
    house.observe(TV, "80", T0)
    house.observe(LUX, "5", T0)
    size = len(json.dumps(to_dict(house)))
    for k in range(5000):
        at = T0 + k * 10 * SEC
        house.observe(TV, str(80 + (k % 7)), at)
        house.observe(LUX, str(5 + (k % 3)), at)
    assert len(json.dumps(to_dict(house))) <= size + 50
    assert size < 2500  # with what appliances, silences and health holds remember


def test_damaged_source_memory_is_ignored() -> None:
    house = household()
    tv_on(house, T0)
    data = to_dict(house)
    data["sources"][TV]["memory"] = "garbage"
    data["sources"][TV]["last_report"] = "yesterday"
    copy = from_dict(house.settings, data)
    assert copy.source_health() == {TV: "ok"}
    assert copy.level is Level.NORMAL


def test_sources_added_start_fresh_and_removed_are_forgotten() -> None:
    house = household({TV: Role.POWER, LUX: Role.LIGHT})
    house.observe(LUX, "unavailable", T0)
    wider = settings({TV: Role.POWER, HALL: Role.PRESENCE})
    copy = from_dict(wider, to_dict(house))
    assert copy.source_health() == {TV: "ok", HALL: "ok"}


def damaged(**changes: Any) -> dict[str, Any]:
    data = to_dict(busy_household())
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "data",
    [
        damaged(version=99),
        damaged(version=None),
        damaged(now="yesterday"),
        damaged(now=None),
        damaged(now=float("inf")),
        damaged(now=1e20),
        damaged(quiet_since=True),
        damaged(level="extreme"),
        damaged(level=3),
        damaged(level=None),
        damaged(reason="bored"),
        damaged(monitoring="maybe"),
        damaged(alert_id=None),
        damaged(episodes="many"),
        damaged(next_reminder="soon"),
        damaged(away_until=float("nan")),
        damaged(sources=["sensor.tv_power"]),
        damaged(sources={TV: {"fault": "broken"}}),
        {k: v for k, v in to_dict(busy_household()).items() if k != "level"},
        {},
    ],
)
def test_damaged_state_is_refused_with_state_error(data: dict[str, Any]) -> None:
    with pytest.raises(StateError):
        from_dict(settings(), data)


def test_state_that_is_not_a_dict_is_refused() -> None:
    with pytest.raises(StateError):
        from_dict(settings(), ["version", 1])


# ------------------------------------------------------------------ flapping sources (issue 13)

HOLD = timedelta(minutes=15)  # how long a flapping source must hold a new state
STEADY = timedelta(hours=1)  # how long without a change before a source counts as steady


def at_risk(sources: dict[str, Role] | None = None) -> Household:
    """A household with the at-risk thresholds (12 h / 24 h / 36 h)."""
    day = timedelta(hours=24)
    return household(sources, attention=day / 2, warning=day, critical=day * 1.5)


def storm(house: Household, flaps: int, every: timedelta) -> tuple[list[Output], datetime]:
    """The TV plug: `flaps` times `unavailable` then 80 W, a reading every `every` from T0."""
    out: list[Output] = []
    at = T0
    for _ in range(flaps):
        for state in ("unavailable", "80"):
            at += every
            out += house.observe(TV, state, at)
    return out, at


def levels(out: list[Output]) -> list[tuple[EventType, Level, Reason, datetime]]:
    """The care-level story: alerts and resolutions, with their times."""
    return [
        (e.type, e.level, e.reason, e.time)
        for e in care(out)
        if e.type in (EventType.ALERT, EventType.RESOLVED)
    ]


def test_ten_thousand_flaps_of_the_only_plug_give_two_monitoring_events() -> None:
    house = at_risk()
    house.observe(TV, "80", T0)
    out, end = storm(house, 10_000, SEC)
    out += run_deadlines(house, end + 2 * STEADY)
    # The first outage of a steady plug is told at once, both ways; the toggling after
    # it never holds a state for the hold time, so it is never told.
    assert [(e.monitoring, e.time) for e in care(out, EventType.MONITORING)] == [
        (Monitoring.LOST, T0 + SEC),
        (Monitoring.OK, T0 + 2 * SEC),
    ]
    assert house.monitoring is Monitoring.OK
    assert house.source_health() == {TV: "ok"}
    assert levels(out) == []  # no `monitoring_lost` from a plug that keeps reporting


def test_a_storm_leaves_the_care_levels_as_a_steady_plug_would() -> None:
    # The same home twice, the TV plug toggling in one and reporting steadily in the
    # other: the same alerts at the same instants, and the kettle's use counts at once.
    steady = at_risk({TV: Role.POWER, RADIO: Role.OTHER})
    flapping = at_risk({TV: Role.POWER, RADIO: Role.OTHER})
    out: dict[str, list[Output]] = {"steady": [], "flapping": []}
    for name, house in (("steady", steady), ("flapping", flapping)):
        house.observe(TV, "80", T0)
        house.observe(RADIO, "off", T0)
        at = T0
        for k in range(30 * 3600):  # 30 hours, one reading a second
            at += SEC
            if name == "steady" or k % 2:
                out[name] += house.observe(TV, "80", at)
            else:
                out[name] += house.observe(TV, "unavailable", at)
            if k == 20 * 3600:
                out[name] += house.observe(RADIO, "playing", at)  # the resident, at last
    assert levels(out["flapping"]) == levels(out["steady"])
    assert [e.level for e in care(out["steady"], EventType.ALERT)] == [Level.ATTENTION]
    assert [a.time for a in activities(out["flapping"])] == [T0 + (20 * 3600 + 1) * SEC]


def test_a_flapping_plug_that_dies_is_told_after_the_hold_and_alerts_on_time() -> None:
    house = at_risk()
    house.observe(TV, "80", T0)
    house.observe(TV, "unavailable", T0 + MIN)  # a steady plug: told at once
    house.observe(TV, "80", T0 + 2 * MIN)  # and its return too
    died = T0 + 3 * MIN
    out = house.observe(TV, "unavailable", died)  # it came back a minute ago: held
    assert care(out) == []
    assert house.monitoring is Monitoring.OK
    assert house.source_health() == {TV: "ok"}
    assert house.next_deadline() == died + HOLD
    out = run_deadlines(house, died + HOLD)
    # Counted from when it went dark: `monitoring_lost` (15 minutes here, as the hold)
    # is raised when it would have been without the hold.
    assert [(e.type, e.time) for e in care(out)] == [
        (EventType.MONITORING, died + HOLD),
        (EventType.ALERT, died + LOST_AFTER),
    ]
    assert care(out, EventType.ALERT)[0].reason is Reason.MONITORING_LOST
    assert house.source_health() == {TV: "unavailable"}


def test_the_return_of_a_flapping_plug_is_held_too_but_activity_counts_at_once() -> None:
    house = at_risk()
    house.observe(TV, "0.5", T0)
    house.observe(TV, "unavailable", T0 + MIN)
    house.observe(TV, "0.5", T0 + 2 * MIN)
    house.observe(TV, "unavailable", T0 + 3 * MIN)
    run_deadlines(house, T0 + 3 * MIN + HOLD)
    assert house.level is Level.ATTENTION  # monitoring lost
    back = T0 + 30 * MIN
    assert care(house.observe(TV, "0.5", back)) == []  # back, but it may flap again
    assert house.monitoring is Monitoring.LOST
    out = run_deadlines(house, back + HOLD)
    assert [(e.type, e.time, e.resolved_by) for e in care(out)] == [
        (EventType.MONITORING, back + HOLD, None),
        (EventType.RESOLVED, back + HOLD, ResolvedBy.MONITORING_RESTORED),
    ]
    # Lost again after a hold, and this time someone switches the TV on while it is held.
    house.observe(TV, "unavailable", back + 2 * HOLD)
    run_deadlines(house, back + 3 * HOLD)
    assert (house.level, house.monitoring) == (Level.ATTENTION, Monitoring.LOST)
    used = back + 3 * HOLD + MIN
    out = house.observe(TV, "80", used)
    assert activities(out) == [Activity(used, TV)]
    assert [(e.type, e.monitoring) for e in care(out)] == [
        (EventType.MONITORING, Monitoring.OK),
        (EventType.RESOLVED, Monitoring.OK),
    ]


def test_a_source_steady_for_an_hour_is_told_at_once_again() -> None:
    house = at_risk({TV: Role.POWER, HALL: Role.PRESENCE})
    house.observe(TV, "80", T0)
    house.observe(TV, "unavailable", T0 + MIN)
    house.observe(TV, "80", T0 + 2 * MIN)
    assert care(house.observe(TV, "unavailable", T0 + 3 * MIN)) == []  # held
    house.observe(TV, "80", T0 + 4 * MIN)
    later = T0 + 4 * MIN + STEADY
    out = house.observe(TV, "unavailable", later)
    assert [(e.monitoring, e.time) for e in care(out)] == [(Monitoring.DEGRADED, later)]


def test_a_change_on_hold_survives_a_save_and_counts_at_the_same_instant() -> None:
    house = at_risk()
    house.observe(TV, "80", T0)
    house.observe(TV, "unavailable", T0 + MIN)
    house.observe(TV, "80", T0 + 2 * MIN)
    house.observe(TV, "unavailable", T0 + 3 * MIN)
    copy = from_dict(house.settings, json.loads(json.dumps(to_dict(house))))
    assert copy.next_deadline() == house.next_deadline() == T0 + 3 * MIN + HOLD
    assert run_deadlines(copy, T0 + HOUR) == run_deadlines(house, T0 + HOUR)
    assert copy.monitoring is house.monitoring is Monitoring.LOST


# ------------------------------------------------------------------ late catch-up (issue 13)

HOUR = timedelta(hours=1)
DAYS_3 = timedelta(days=3)


def test_a_late_catch_up_tells_the_silence_as_it_is_when_told() -> None:
    house = household()
    tv_on(house, T0)
    out = house.advance(T0 + DAYS_3)  # the host was suspended for three days
    alerts = care(out, EventType.ALERT)
    assert [(e.level, e.time) for e in alerts] == [
        (Level.ATTENTION, T0 + ATTENTION),
        (Level.WARNING, T0 + WARNING),
        (Level.CRITICAL, T0 + CRITICAL),
    ]  # dated when each level was reached ...
    assert {e.inactive_seconds for e in care(out)} == {DAYS_3.total_seconds()}  # ... told now


def test_a_reading_after_missed_deadlines_tells_the_silence_at_the_reading() -> None:
    house = household({TV: Role.POWER, HALL: Role.PRESENCE})
    tv_on(house, T0)
    house.observe(HALL, "off", T0)
    seen = T0 + 2 * HOUR
    out = house.observe(HALL, "off", seen)  # no activity: the catch-up comes first
    assert [e.level for e in care(out, EventType.ALERT)] == [
        Level.ATTENTION,
        Level.WARNING,
        Level.CRITICAL,
    ]
    assert {e.inactive_seconds for e in care(out)} == {(seen - T0).total_seconds()}


def test_a_late_catch_up_fires_no_reminder_and_the_first_comes_an_interval_after() -> None:
    house = household()
    tv_on(house, T0)
    out = house.advance(T0 + DAYS_3)
    assert care(out, EventType.REMINDER) == []
    assert house.next_deadline() == T0 + DAYS_3 + REMINDER
    reminders = care(house.advance(T0 + DAYS_3 + REMINDER), EventType.REMINDER)
    assert [(e.level, e.time, e.inactive_seconds) for e in reminders] == [
        (Level.CRITICAL, T0 + DAYS_3 + REMINDER, (DAYS_3 + REMINDER).total_seconds())
    ]


def test_a_late_critical_comes_without_a_reminder_of_the_warning_before_it() -> None:
    house = household()
    reach_warning(house)  # told on time
    out = house.advance(T0 + DAYS_3)
    told = [(e.type, e.level) for e in care(out) if e.type is not EventType.MONITORING]
    assert told == [(EventType.ALERT, Level.CRITICAL)]


def test_reminders_count_from_when_a_late_alert_was_told() -> None:
    house = household()
    tv_on(house, T0)
    house.advance(T0 + ATTENTION)
    late = T0 + WARNING + 2 * MIN  # the timer fired two minutes late
    assert [e.level for e in care(house.advance(late), EventType.ALERT)] == [Level.WARNING]
    assert house.next_deadline() == late + REMINDER


# ------------------------------------------------------------------ clock set back (issue 13)

EVENING = datetime(2026, 3, 2, 18, 10, tzinfo=UTC)
BACK = timedelta(hours=2)


def evening_household() -> Household:
    """1 h / 2 h / 3 h; someone in the hall at 17:30, the kettle (TV plug) off, the
    fridge reporting at 18:10."""
    house = household({TV: Role.POWER, HALL: Role.PRESENCE, FRIDGE: Role.BACKGROUND_POWER},
                      attention=HOUR, warning=2 * HOUR, critical=3 * HOUR)  # fmt: skip
    house.observe(TV, "0", EVENING - HOUR)
    house.observe(HALL, "off", EVENING - HOUR)
    house.observe(HALL, "on", EVENING - 40 * MIN)
    house.observe(FRIDGE, "85", EVENING)
    assert house.now == house.clock == EVENING
    return house


def test_a_clock_set_back_dates_the_kettle_when_it_was_used() -> None:
    house = evening_household()
    kettle = EVENING - BACK + 5 * MIN  # 16:15 on the clock set back two hours
    out = house.observe(TV, "2000", kettle)
    assert activities(out) == [Activity(kettle, TV)]
    assert house.last_activity == kettle
    assert house.status.quiet_since == kettle
    assert house.now == EVENING  # the engine's latest instant never goes back
    assert house.next_deadline() == kettle + HOUR  # 17:15, not 19:10
    alerts = care(house.advance(kettle + HOUR), EventType.ALERT)
    assert [(e.level, e.time, e.inactive_seconds) for e in alerts] == [
        (Level.ATTENTION, kettle + HOUR, 3600)
    ]


def test_a_clock_set_back_keeps_the_silence_counted_so_far() -> None:
    house = evening_household()  # quiet since 17:30: 40 minutes so far
    told = EVENING - BACK + 2 * MIN  # the fridge reports on the clock set back
    assert care(house.observe(FRIDGE, "86", told)) == []
    assert house.next_deadline() == told + 20 * MIN  # the hour is complete 20 minutes on
    assert house.status.quiet_since <= told  # never in the future of the clock
    alerts = care(house.advance(told + 20 * MIN), EventType.ALERT)
    assert [(e.level, e.inactive_seconds) for e in alerts] == [(Level.ATTENTION, 3600)]


def test_a_clock_set_back_lowers_no_level_and_fires_nothing() -> None:
    house = evening_household()
    run_deadlines(house, EVENING + 80 * MIN)  # warning at 19:30
    house.advance(EVENING + 82 * MIN)
    assert house.level is Level.WARNING
    assert house.next_deadline() == EVENING + 85 * MIN  # a reminder, 3 minutes on
    back = EVENING + 82 * MIN - BACK
    assert house.advance(back) == []
    assert house.observe(FRIDGE, "85", back + MIN) == []
    assert house.level is Level.WARNING
    assert house.next_deadline() == back + 3 * MIN  # still 3 minutes on, on the new clock
    reminders = care(house.advance(back + 3 * MIN), EventType.REMINDER)
    assert [e.level for e in reminders] == [Level.WARNING]


def test_check_in_after_a_clock_set_back_restarts_the_silence_then() -> None:
    house = evening_household()
    now = EVENING - BACK + 10 * MIN
    house.check_in(now)
    assert house.status.quiet_since == now
    assert house.next_deadline() == now + HOUR


def test_a_switch_off_held_across_a_clock_set_back_keeps_its_place() -> None:
    house = evening_household()
    house.observe(TV, "2000", EVENING + MIN)
    off = EVENING + 3 * MIN
    house.observe(TV, "0", off)  # held for the glitch window
    house.observe(FRIDGE, "85", off - BACK)  # then the clock goes back two hours
    window = timedelta(seconds=TUNING.power_glitch_seconds)
    out = run_deadlines(house, off - BACK + window)
    assert activities(out) == [Activity(off - BACK, TV)]  # not dated in the future
    assert house.status.quiet_since == off - BACK


def test_a_reminder_due_after_reminders_were_switched_off_fires_once_and_stops() -> None:
    house = household()
    reach_warning(house)
    saved = to_dict(house)  # a reminder due at T0 + WARNING + REMINDER
    quiet = from_dict(settings(tuning=replace(TUNING, reminder_interval_seconds=0.0)), saved)
    out = run_deadlines(quiet, T0 + CRITICAL - SEC)
    assert [e.time for e in care(out, EventType.REMINDER)] == [T0 + WARNING + REMINDER]


def test_a_storm_between_two_offline_states_moves_nothing_and_a_lasting_one_is_told() -> None:
    house = at_risk()
    house.observe(TV, "80", T0)
    house.observe(TV, "unavailable", T0 + SEC)
    assert house.source_health() == {TV: "unavailable"}
    at = T0 + SEC
    seen = set()
    for _ in range(5_000):  # garbage and `unavailable` in turn, a second apart
        for state in ("on fire", "unavailable"):
            at += SEC
            house.observe(TV, state, at)
            seen.add(house.source_health()[TV])
    assert seen == {"unavailable"}  # the reason shown never moved
    house.observe(TV, "on fire", at + SEC)  # now garbage for good
    run_deadlines(house, at + SEC + STEADY)
    assert house.source_health() == {TV: "invalid"}
