"""Properties of the household monitor over random input (hypothesis).

Random sequences of readings (any source, any state string, garbage included), reports,
timer ticks, check-ins, acknowledgements and away periods, with time steps that may be
zero, negative (late readings) or long jumps, and timestamps with microseconds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.care_plug.engine import (
    Activity,
    CareEvent,
    EventType,
    Household,
    HouseholdSettings,
    Level,
    Monitoring,
    ResolvedBy,
    Role,
)
from custom_components.care_plug.engine.monitor import Output
from custom_components.care_plug.engine.state import restore, save, to_dict

from .fixed_tuning import FIXED_TUNING

T0 = datetime(2026, 6, 20, 18, 0, 0, 250_000, tzinfo=UTC)  # evening, then night, in Seoul
SEOUL = (37.5665, 126.978)
TV = "sensor.tv_power"
FRIDGE = "sensor.fridge_power"
LUX = "sensor.living_lux"
HALL = "binary_sensor.hall_motion"
RADIO = "media_player.radio"
SOURCES = {
    TV: Role.POWER,
    FRIDGE: Role.BACKGROUND_POWER,
    LUX: Role.LIGHT,
    HALL: Role.PRESENCE,
    RADIO: Role.OTHER,
}
TUNING = replace(
    FIXED_TUNING,
    stale_after_seconds=3600.0,
    monitoring_lost_after_seconds=300.0,  # before attention, so it can lead
    reminder_interval_seconds=300.0,
)


def household_settings(*entities: str) -> HouseholdSettings:
    return HouseholdSettings(
        sources={entity: SOURCES[entity] for entity in entities},
        attention_after=600.0,
        warning_after=1200.0,
        critical_after=2400.0,
        tuning=TUNING,
    )


# Every role together; a lone plug (whose outage loses monitoring); light and motion only.
# Readings for entities a household does not watch are ignored by it.
CONFIGS = [
    household_settings(*SOURCES),
    household_settings(TV, FRIDGE),
    household_settings(LUX, HALL),
]
configs = st.sampled_from(CONFIGS)
GARBAGE = ["unavailable", "unknown", "", "nan", "inf", "-5", "1e400", "twelve", " 80 ", "None"]
# States that mean something for each source, so that activity, switch-offs held back for
# confirmation and outages all happen often; garbage of every kind is mixed in.
MEANINGFUL = {
    TV: ["0", "0.5", "3", "80", "81", "1500", "40000"],
    FRIDGE: ["0", "2", "120", "150"],
    LUX: ["0", "2", "5", "150", "400"],
    HALL: ["on", "off", "open", "closed"],
    RADIO: ["idle", "playing", "paused", "off"],
}
STEPS = [0.0, -30.0, 0.000_001, 1.0, 10.0, 59.0, 120.0, 121.0, 299.0, 600.0, 900.0, 3600.0]

states = st.one_of(
    st.sampled_from(GARBAGE),
    st.text(max_size=6),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
steps = st.one_of(
    st.sampled_from(STEPS),
    st.floats(min_value=-600.0, max_value=7200.0, allow_nan=False),
    st.just(86400.0 * 3),
)
entities = st.sampled_from([*SOURCES, "sensor.not_watched"])
short_steps = st.sampled_from([0.0, -5.0, 1.0, 10.0, 30.0, 60.0, 119.0, 120.0, 121.0, 300.0])
type Op = tuple[object, ...]


def burst_of(entity: str) -> st.SearchStrategy[list[Op]]:
    """A few readings of one entity close together: switching, glitches, outages."""
    meaningful = st.sampled_from(MEANINGFUL.get(entity, ["80"]))
    # Three in four mean something.
    state = st.integers(0, 3).flatmap(lambda k: states if k == 0 else meaningful)
    first = st.tuples(st.just("observe"), st.just(entity), state, steps)
    more = st.tuples(st.just("observe"), st.just(entity), state, short_steps)
    return st.tuples(first, st.lists(more, max_size=4)).map(lambda b: [b[0], *b[1]])


bursts = entities.flatmap(burst_of)
single = st.one_of(
    st.tuples(st.just("report"), entities, steps),
    st.tuples(st.just("advance"), steps),
    st.tuples(st.just("deadline")),
    st.tuples(st.just("check_in"), steps),
    st.tuples(st.just("acknowledge"), steps),
    st.tuples(st.just("set_away"), steps, st.none() | st.floats(min_value=1.0, max_value=2e5)),
    st.tuples(st.just("end_away"), steps),
).map(lambda op: [op])
scripts = st.lists(bursts | bursts | single, min_size=2, max_size=16).map(
    lambda parts: [op for part in parts for op in part]
)
BOUNDED = settings(max_examples=150, deadline=None)


@dataclass
class Step:
    """What one call gave back, and the household's visible state after it."""

    outputs: list[Output]
    level: Level
    monitoring: Monitoring
    deadline: datetime | None
    now: datetime
    clock: datetime


class Driver:
    """Plays a script against a household, the way the glue or the replay would."""

    def __init__(self, house: Household, clock: datetime = T0) -> None:
        self.house = house
        self.clock = clock  # where the script's time cursor is (may lag the household)

    def play(self, op: Op) -> Step:
        house = self.house
        kind = op[0]
        if kind == "deadline":
            due = house.next_deadline()
            out = [] if due is None else house.advance(due)
        else:
            step = op[-1] if kind != "set_away" else op[1]
            assert isinstance(step, float)
            self.clock += timedelta(seconds=step)
            at = self.clock
            match op:
                case ("observe", str(entity), str(state), _):
                    out = house.observe(entity, state, at)
                case ("report", str(entity), _):
                    out = house.report(entity, at)
                case ("advance", _):
                    out = house.advance(at)
                case ("check_in", _):
                    out = house.check_in(at)
                case ("acknowledge", _):
                    out = house.acknowledge(at, by="family")
                case ("set_away", _, None):
                    out = house.set_away(max(at, house.now), None)
                case ("set_away", _, float(length)):
                    start = max(at, house.now)
                    out = house.set_away(start, start + timedelta(seconds=length))
                case ("end_away", _):
                    out = house.end_away(at)
                case _:
                    raise AssertionError(op)
        return Step(
            out, house.level, house.monitoring, house.next_deadline(), house.now, house.clock
        )


def fresh(config: HouseholdSettings) -> Household:
    return Household(config, T0, SEOUL)


def run(house: Household, script: list[Op], clock: datetime = T0) -> list[Step]:
    driver = Driver(house, clock)
    return [driver.play(op) for op in script]


def care(out: list[Output], kind: EventType) -> list[CareEvent]:
    return [e for e in out if isinstance(e, CareEvent) and e.type is kind]


@BOUNDED
@given(configs, scripts)
def test_any_input_is_handled_and_invariants_hold(
    config: HouseholdSettings, script: list[Op]
) -> None:
    house = fresh(config)
    driver = Driver(house)
    before = house.level
    now = house.now
    for op in script:
        was_away = house.monitoring is Monitoring.AWAY
        away_end = house.away_until
        step = driver.play(op)
        # The engine's latest instant never runs backwards; the clock it was last told may
        # (a reading older than it is taken as the clock set back), and the next timer is
        # never already due on that clock.
        assert step.now >= now
        now = step.now
        assert step.clock <= step.now
        assert step.deadline is None or step.deadline > step.clock
        # Outputs come in time order and never lie in the future.
        times = [e.time for e in step.outputs if isinstance(e, CareEvent)]
        assert times == sorted(times)
        assert all(t <= step.now for t in times)
        # One alert per level: within a call, alerts only climb until something resolves.
        level = before
        for event in step.outputs:
            if isinstance(event, CareEvent) and event.type is EventType.ALERT:
                assert event.previous_level == level
                assert event.level == level + 1
                level = event.level
            elif isinstance(event, CareEvent) and event.type is EventType.RESOLVED:
                level = Level.NORMAL
        assert level == step.level
        # After a time jump: at most one reminder per level, never one per interval.
        reminders = care(step.outputs, EventType.REMINDER)
        assert len(reminders) <= 1 + len(care(step.outputs, EventType.ALERT))
        assert all(r.level >= Level.WARNING for r in reminders)
        # Away all along (the away period did not run out meanwhile): no alert at all.
        if was_away and (away_end is None or away_end > step.now):
            assert care(step.outputs, EventType.ALERT) == []
        before = step.level


@BOUNDED
@given(configs, scripts)
def test_time_alone_never_lowers_the_level(config: HouseholdSettings, script: list[Op]) -> None:
    house = fresh(config)
    driver = Driver(house)
    for op in script:
        level = house.level
        step = driver.play(op)
        if op[0] in ("advance", "deadline") and step.level < level:
            # Only a held-back switch-off, confirmed when its window passed, can do it:
            # that is activity (dated at the switch-off), not time.
            resolved = care(step.outputs, EventType.RESOLVED)
            assert resolved
            assert all(e.resolved_by is ResolvedBy.ACTIVITY for e in resolved)
            assert any(isinstance(e, Activity) for e in step.outputs)


@BOUNDED
@given(configs, scripts, scripts)
def test_restore_of_saved_state_behaves_exactly_like_the_original(
    config: HouseholdSettings, before: list[Op], after: list[Op]
) -> None:
    original = fresh(config)
    driver = Driver(original)
    for op in before:
        driver.play(op)
    # The whole stored document: the engine's state and the day's activity count.
    clock = max(driver.clock, original.now)
    saved = json.loads(json.dumps(save(original, clock)))
    restored = restore(config, saved, clock=clock, location=SEOUL).household
    assert to_dict(restored) == to_dict(original)
    assert run(restored, after, driver.clock) == run(original, after, driver.clock)
    assert to_dict(restored) == to_dict(original)


@BOUNDED
@given(configs, scripts)
def test_same_input_gives_same_output(config: HouseholdSettings, script: list[Op]) -> None:
    first, second = fresh(config), fresh(config)
    assert run(first, script) == run(second, script)
    assert to_dict(first) == to_dict(second)


@BOUNDED
@given(configs, scripts)
def test_state_is_always_json(config: HouseholdSettings, script: list[Op]) -> None:
    house = fresh(config)
    driver = Driver(house)
    for op in script:
        driver.play(op)
        json.dumps(to_dict(house), allow_nan=False)


# A plug toggling between `unavailable` and a steady 80 W after any gaps: fast storms,
# toggles just around the hold time (15 min) and the steady time (1 h), long silences.
flap_gaps = st.lists(
    st.sampled_from([0.5, 1.0, 30.0, 899.0, 900.0, 901.0, 1800.0, 3599.0, 3600.0, 3601.0])
    | st.floats(min_value=0.001, max_value=7200.0),
    min_size=1,
    max_size=120,
)


def _flapped(gaps: list[float], *, flapping: bool) -> list[Output]:
    house = fresh(household_settings(TV, HALL))
    out = house.observe(TV, "80", T0)
    out += house.observe(HALL, "off", T0)
    at = T0
    for k, gap in enumerate(gaps):
        at += timedelta(seconds=gap)
        out += house.observe(TV, "unavailable" if flapping and k % 2 == 0 else "80", at)
    while (due := house.next_deadline()) is not None and due <= at + timedelta(hours=2):
        out += house.advance(due)
    return out


@BOUNDED
@given(flap_gaps)
def test_a_flapping_source_changes_monitoring_a_few_times_an_hour_at_most(
    gaps: list[float],
) -> None:
    out = _flapped(gaps, flapping=True)
    times = [e.time for e in care(out, EventType.MONITORING)]
    # The first outage of a steady source is told at once both ways, then every change
    # must hold for 15 minutes: never 7 changes within an hour, whatever the toggling.
    assert all(times[i + 6] - times[i] > timedelta(hours=1) for i in range(len(times) - 6))
    # Care levels are those of the same home with the plug reporting steadily.
    steady = _flapped(gaps, flapping=False)
    story = (EventType.ALERT, EventType.RESOLVED)
    assert [(e.type, e.level, e.time) for e in out if isinstance(e, CareEvent)
            and e.type in story] == [(e.type, e.level, e.time) for e in steady
                                     if isinstance(e, CareEvent) and e.type in story]  # fmt: skip
