"""Resuming after Home Assistant was down, and following a renamed source."""

from __future__ import annotations

from datetime import timedelta

from custom_components.care_plug.engine import EventType, Household, Level, Monitoring, Role
from custom_components.care_plug.engine.state import from_dict, to_dict

from .test_monitor import (
    ATTENTION,
    CRITICAL,
    FRIDGE,
    LOST_AFTER,
    MIN,
    REMINDER,
    STALE,
    T0,
    TV,
    WARNING,
    activities,
    care,
    household,
    settings,
    tv_on,
)


def restarted(house: Household) -> Household:
    """The same household after a save and a restart."""
    return from_dict(house.settings, to_dict(house))


def test_inactivity_accrued_while_down_counts_and_events_say_how_long() -> None:
    house = household()
    tv_on(house, T0)
    down = T0 + 5 * MIN
    house.advance(down)
    back = T0 + WARNING + 3 * MIN
    out = restarted(house).resume(back, down)
    alerts = care(out, EventType.ALERT)
    assert [(e.level, e.time) for e in alerts] == [
        (Level.ATTENTION, T0 + ATTENTION),
        (Level.WARNING, T0 + WARNING),
    ]
    assert {e.downtime_seconds for e in care(out)} == {int((back - down).total_seconds())}
    assert {e.inactive_seconds for e in care(out)} == {int((back - T0).total_seconds())}


def test_catch_up_leaves_out_reminders_of_the_alerts_it_raises() -> None:
    house = household()
    tv_on(house, T0)
    back = T0 + WARNING + 2 * REMINDER + MIN
    out = restarted(house).resume(back, T0 + MIN)
    assert [(e.type, e.level) for e in care(out)] == [
        (EventType.ALERT, Level.ATTENTION),
        (EventType.ALERT, Level.WARNING),
    ]


def test_long_downtime_with_nothing_due_raises_one_monitoring_event() -> None:
    house = household(critical=timedelta(hours=30), warning=timedelta(hours=20),
                      attention=timedelta(hours=10))  # fmt: skip
    tv_on(house, T0)
    back = T0 + 5 * timedelta(hours=1)
    out = restarted(house).resume(back, T0)
    assert [
        (e.type, e.previous_monitoring, e.monitoring, e.downtime_seconds) for e in care(out)
    ] == [(EventType.MONITORING, Monitoring.LOST, Monitoring.OK, 5 * 3600)]


def test_short_restart_raises_nothing() -> None:
    house = household(attention=timedelta(hours=10), warning=timedelta(hours=20),
                      critical=timedelta(hours=30))  # fmt: skip
    tv_on(house, T0)
    assert restarted(house).resume(T0 + LOST_AFTER, T0) == []


def test_sources_are_not_blamed_for_the_downtime() -> None:
    house = household({TV: Role.POWER, FRIDGE: Role.BACKGROUND_POWER},
                      attention=timedelta(days=2), warning=timedelta(days=3),
                      critical=timedelta(days=4))  # fmt: skip
    tv_on(house, T0)
    house.observe(FRIDGE, "85", T0)
    back = T0 + STALE + timedelta(hours=1)
    again = restarted(house)
    again.resume(back, T0)
    assert again.monitoring is Monitoring.OK
    assert (again.status.sources_online, again.status.sources_total) == (2, 2)
    # ... and their stale clocks restart when monitoring resumes.
    assert again.next_deadline() == back + STALE


def test_resume_defaults_to_the_last_instant_the_engine_knew() -> None:
    house = household()
    tv_on(house, T0)
    out = restarted(house).resume(T0 + CRITICAL)
    assert [e.level for e in care(out, EventType.ALERT)] == [
        Level.ATTENTION,
        Level.WARNING,
        Level.CRITICAL,
    ]


def test_renamed_source_keeps_what_it_learned() -> None:
    house = household()
    tv_on(house, T0)  # the TV is on at 80 W
    new_tv = "sensor.television_power"
    house.rename_source(TV, new_tv)
    assert house.last_activity_entity == new_tv
    renamed = from_dict(settings({new_tv: Role.POWER}), to_dict(house))
    assert renamed.last_activity_entity == new_tv
    # Still 80 W: no switch-on, so no activity; without the rename it would be one.
    assert activities(renamed.observe(new_tv, "81", T0 + MIN)) == []


def test_rename_of_an_unknown_source_changes_nothing() -> None:
    house = household({TV: Role.POWER, FRIDGE: Role.BACKGROUND_POWER})
    tv_on(house, T0)
    before = to_dict(house)
    house.rename_source("sensor.nope", "sensor.other")
    assert to_dict(house) == before
    house.rename_source(TV, FRIDGE)  # onto a source it already watches: refused
    assert to_dict(house) == before


def test_resume_recomputes_monitoring_for_the_sources_it_now_has() -> None:
    house = household({TV: Role.POWER, FRIDGE: Role.BACKGROUND_POWER},
                      attention=timedelta(hours=10), warning=timedelta(hours=20),
                      critical=timedelta(hours=30))  # fmt: skip
    tv_on(house, T0)
    house.observe(FRIDGE, "unavailable", T0 + MIN)
    assert house.monitoring is Monitoring.DEGRADED
    without_fridge = from_dict(settings({TV: Role.POWER}), to_dict(house))
    out = without_fridge.resume(T0 + 2 * MIN)
    assert without_fridge.monitoring is Monitoring.OK
    assert [(e.type, e.previous_monitoring, e.monitoring) for e in care(out)] == [
        (EventType.MONITORING, Monitoring.DEGRADED, Monitoring.OK)
    ]
