"""A routine learned from history and handed to a household in the middle of a silence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from custom_components.care_plug.engine import CareEvent, EventType, Level, Reason
from custom_components.care_plug.engine.monitor import Household
from custom_components.care_plug.engine.routine import FULL_DAYS
from custom_components.care_plug.engine.seed import learn_from_history
from custom_components.care_plug.engine.settings import HouseholdSettings
from custom_components.care_plug.engine.state import to_dict
from simulator import PROFILES, Simulation

SEOUL = (37.57, 126.98)
ZONE = "Asia/Seoul"
START = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)  # Monday 00:00 in Seoul
# Thursday of the third week, 09:00 in Seoul: the resident is usually busy by then.
STOP = START + timedelta(days=17, hours=9)


def test_a_routine_adopted_mid_silence_raises_now_never_in_the_past() -> None:
    """Home Assistant restarts while the resident lies on the floor; the routine arrives
    from the recorder hours into the silence. The level rises at once, dated now."""
    sim = Simulation(PROFILES["homebody_motion"], seed=5, start=START, stop_at=STOP)
    settings = HouseholdSettings.from_options(sim.options())
    readings = [(r.time.timestamp(), r.entity_id, r.state) for r in sim.readings(STOP)]
    now = STOP + timedelta(hours=6)
    seeded = learn_from_history(settings, readings, START, now, location=SEOUL, time_zone=ZONE)
    assert seeded.routine_ready

    # A household that watched only the last hour before the silence, then nothing.
    watched_from = STOP - timedelta(hours=1)
    household = Household(settings, watched_from, SEOUL, ZONE)
    for ts, entity_id, state in readings:
        if ts >= watched_from.timestamp():
            household.observe_ts(entity_id, state, ts)
    household.advance(now)
    assert household.level is Level.NORMAL  # six hours: too short for a fixed threshold
    household.adopt_routine(seeded, seeded.settings.sources)
    deadline = household.next_deadline()
    assert deadline is not None
    assert deadline >= now

    alerts = [
        o for o in household.advance(now + timedelta(seconds=1))
        if isinstance(o, CareEvent) and o.type is EventType.ALERT
    ]  # fmt: skip
    assert alerts, "an unusual silence found on adoption raises a level"
    assert all(alert.time >= now for alert in alerts)
    assert alerts[0].reason is Reason.UNUSUAL_INACTIVITY


def test_a_routine_that_has_seen_less_is_not_adopted() -> None:
    sim = Simulation(PROFILES["early_riser"], seed=2, start=START)
    settings = HouseholdSettings.from_options(sim.options())
    readings = [(r.time.timestamp(), r.entity_id, r.state) for r in sim.readings(STOP)]
    longer = learn_from_history(settings, readings, START, STOP, time_zone=ZONE)
    shorter = learn_from_history(
        settings,
        [r for r in readings if r[0] >= (STOP - timedelta(days=3)).timestamp()],
        STOP - timedelta(days=3),
        STOP,
        time_zone=ZONE,
    )
    assert longer.routine_days > shorter.routine_days > 0

    longer.adopt_routine(shorter, shorter.settings.sources)

    assert to_dict(longer)["routine"] != to_dict(shorter)["routine"]
    shorter.adopt_routine(longer, longer.settings.sources)
    assert to_dict(shorter)["routine"]["silence"] == to_dict(longer)["routine"]["silence"]


def test_four_weeks_of_history_replace_a_longer_watch() -> None:
    """A source added to a household watched for months: four weeks of history that
    include it are as good as the longer watch, which keeps only recent weeks anyway."""
    sim = Simulation(PROFILES["early_riser"], seed=3, start=START)
    settings = HouseholdSettings.from_options(sim.options())
    end = START + timedelta(days=70)
    readings = [(r.time.timestamp(), r.entity_id, r.state) for r in sim.readings(end)]
    watched = learn_from_history(settings, readings, START, end, time_zone=ZONE)
    month = end - timedelta(days=29)
    history = learn_from_history(
        settings, [r for r in readings if r[0] >= month.timestamp()], month, end, time_zone=ZONE
    )
    assert watched.routine_days > history.routine_days >= FULL_DAYS

    watched.adopt_routine(history, history.settings.sources)

    assert to_dict(watched)["routine"] == to_dict(history)["routine"]
