"""Per-role classifiers: which readings are a person doing something.

Every test builds its own `Tuning`, so re-tuning the defaults does not change what is
tested here: the rules, not the numbers.
"""

from __future__ import annotations

import pytest

from custom_components.care_plug.engine import Role
from custom_components.care_plug.engine.settings import Tuning
from custom_components.care_plug.engine.signals import (
    BackgroundPowerClassifier,
    Classifier,
    LightClassifier,
    OtherClassifier,
    PowerClassifier,
    PresenceClassifier,
    make_classifier,
)
from custom_components.care_plug.engine.values import Fault

from .fixed_tuning import FIXED_TUNING

TUNING = FIXED_TUNING
T = 1_780_000_000.0  # some instant in 2026, in epoch seconds
GLITCH = TUNING.power_glitch_seconds

# (state, fault) for every kind of bad reading a numeric sensor can send.
BAD_NUMERIC = [
    ("unavailable", Fault.UNAVAILABLE),
    ("unknown", Fault.UNAVAILABLE),
    ("", Fault.UNAVAILABLE),
    ("nan", Fault.INVALID),
    ("inf", Fault.INVALID),
    ("-5", Fault.INVALID),
    ("1e400", Fault.INVALID),
    ("kettle on", Fault.INVALID),
]


def feed_all(
    classifier: Classifier, readings: list[tuple[float, str]], sun_up: bool | None = None
) -> list[float]:
    """The activity times the readings produce."""
    found = []
    for ts, state in readings:
        activity = classifier.feed(ts, state, sun_up)
        if activity is not None:
            found.append(activity)
    return found


def power() -> PowerClassifier:
    classifier = PowerClassifier(TUNING)
    assert classifier.feed(T, "0.5", None) is None  # the first reading only sets the level
    return classifier


def power_on() -> PowerClassifier:
    classifier = power()
    assert classifier.feed(T + 10, "80", None) == T + 10
    return classifier


# ------------------------------------------------------------------ power


def test_power_switch_on_is_activity() -> None:
    classifier = power()
    assert classifier.feed(T + 60, "80", None) == T + 60


def test_power_first_reading_is_not_activity() -> None:
    assert PowerClassifier(TUNING).feed(T, "1500", None) is None


@pytest.mark.parametrize(("before", "after"), [("80", "1500"), ("100", "200"), ("1500", "300")])
def test_power_step_while_on_is_activity(before: str, after: str) -> None:
    classifier = power()
    classifier.feed(T + 10, before, None)
    assert classifier.feed(T + 20, after, None) == T + 20


def test_power_steady_level_with_wobble_is_not_activity() -> None:
    classifier = power_on()
    wobble = ["82", "78", "85", "79", "81.5", "76", "84", "80"] * 50
    assert feed_all(classifier, [(T + 20 + 10 * i, w) for i, w in enumerate(wobble)]) == []


def test_power_slow_drift_is_not_activity() -> None:
    classifier = power_on()
    # A heater's thermostat creeping from 80 W to 400 W, 2 W per reading.
    readings = [(T + 20 + 10 * i, str(80 + 2 * i)) for i in range(161)]
    assert feed_all(classifier, readings) == []


def test_power_standby_noise_is_not_activity() -> None:
    classifier = power()
    noise = ["0.4", "1.2", "0.0", "3.9", "0.7", "2.5"] * 20
    assert feed_all(classifier, [(T + 10 * (i + 1), n) for i, n in enumerate(noise)]) == []


def test_power_zero_watt_glitch_that_comes_back_is_not_activity() -> None:
    classifier = power_on()
    assert classifier.feed(T + 100, "0", None) is None
    assert classifier.pending_until == T + 100 + GLITCH
    assert classifier.feed(T + 130, "81", None) is None
    assert classifier.pending_until is None
    assert classifier.confirm(T + 100 + GLITCH + 1) is None
    # Life goes on at the old level: no late activity either.
    assert feed_all(classifier, [(T + 400, "80"), (T + 500, "79")]) == []


def test_power_real_switch_off_is_confirmed_when_the_window_passes() -> None:
    classifier = power_on()
    assert classifier.feed(T + 100, "0", None) is None
    assert classifier.pending_until == T + 100 + GLITCH
    assert classifier.confirm(T + 100 + GLITCH - 1) is None
    assert classifier.confirm(T + 100 + GLITCH) == T + 100  # dated at the switch-off
    assert classifier.pending_until is None
    assert classifier.confirm(T + 100 + 2 * GLITCH) is None  # only once


def test_power_real_switch_off_is_confirmed_by_a_reading_after_the_window() -> None:
    classifier = power_on()
    classifier.feed(T + 100, "0", None)
    assert classifier.feed(T + 100 + GLITCH + 30, "0.3", None) == T + 100
    assert classifier.pending_until is None


def test_power_off_then_another_appliance_on_within_the_window_is_activity() -> None:
    # A multi-plug: the TV goes off, then the kettle (1500 W) goes on a minute later.
    classifier = power_on()
    classifier.feed(T + 100, "0", None)
    assert classifier.feed(T + 160, "1500", None) == T + 160
    assert classifier.pending_until is None
    # The kettle switching off is seen like any switch-off.
    assert classifier.feed(T + 400, "0", None) is None
    assert classifier.confirm(T + 400 + GLITCH) == T + 400


def test_power_switch_off_stays_pending_through_more_standby_readings() -> None:
    classifier = power_on()
    classifier.feed(T + 100, "0", None)
    assert classifier.feed(T + 130, "0.5", None) is None
    assert classifier.confirm(T + 100 + GLITCH) == T + 100


def test_power_without_glitch_window_a_switch_off_is_activity_at_once() -> None:
    classifier = PowerClassifier(
        Tuning(power_standby_w=5.0, power_step_w=30.0, power_glitch_seconds=0.0)
    )
    classifier.feed(T, "80", None)
    assert classifier.feed(T + 100, "0", None) == T + 100


@pytest.mark.parametrize(("state", "fault"), BAD_NUMERIC)
def test_power_bad_reading_is_never_activity_and_marks_a_fault(state: str, fault: Fault) -> None:
    classifier = power_on()
    assert classifier.feed(T + 100, state, None) is None
    assert classifier.fault is fault
    # The same level afterwards: healthy again, and the bad reading caused no activity.
    assert classifier.feed(T + 200, "80", None) is None
    assert classifier.fault is None
    # A real switch afterwards is still seen against the level before the bad reading.
    assert classifier.feed(T + 300, "1500", None) == T + 300


def test_power_switch_off_pending_moves_back_with_the_clock() -> None:
    # Home Assistant's clock set back two hours: the held switch-off keeps its place.
    classifier = power_on()
    classifier.feed(T + 100, "0", None)
    classifier.shift(7200.0)
    assert classifier.pending_until == T + 100 - 7200.0 + GLITCH
    assert classifier.confirm(T + 100 - 7200.0 + GLITCH) == T + 100 - 7200.0


def test_power_switch_off_pending_survives_a_bad_reading() -> None:
    classifier = power_on()
    classifier.feed(T + 100, "0", None)
    classifier.feed(T + 110, "unavailable", None)
    assert classifier.confirm(T + 100 + GLITCH) == T + 100


def test_power_memory_survives_save_and_load() -> None:
    classifier = power_on()
    classifier.feed(T + 100, "0", None)
    restored = PowerClassifier(TUNING)
    restored.load(classifier.save())
    assert restored.pending_until == T + 100 + GLITCH
    assert restored.confirm(T + 100 + GLITCH) == T + 100
    assert restored.feed(T + 400, "80", None) == T + 400  # it knew the plug was off


def test_power_load_ignores_damaged_memory() -> None:
    classifier = PowerClassifier(TUNING)
    classifier.load({"level": "eighty", "on": "yes", "pending": [1], "pending_from": None})
    assert classifier.pending_until is None
    assert classifier.feed(T, "80", None) is None  # starts over as if fresh


def test_power_load_ignores_non_finite_memory() -> None:
    # A NaN level would make every later comparison false and hide all activity.
    classifier = PowerClassifier(TUNING)
    classifier.load({"level": float("nan"), "on": False, "pending": float("inf")})
    assert classifier.pending_until is None
    assert classifier.feed(T, "0.5", None) is None
    assert classifier.feed(T + 10, "80", None) == T + 10


# ------------------------------------------------------------------ background power


def test_background_power_is_never_activity() -> None:
    classifier = BackgroundPowerClassifier(TUNING)
    readings = [(T + 10 * i, s) for i, s in enumerate(["0", "120", "0", "1500", "0.2", "80"])]
    assert feed_all(classifier, readings) == []
    assert classifier.fault is None


@pytest.mark.parametrize(("state", "fault"), BAD_NUMERIC)
def test_background_power_bad_reading_marks_a_fault(state: str, fault: Fault) -> None:
    classifier = BackgroundPowerClassifier(TUNING)
    assert classifier.feed(T, state, None) is None
    assert classifier.fault is fault
    classifier.feed(T + 10, "120", None)
    assert classifier.fault is None


# ------------------------------------------------------------------ light


def light(first: str = "2", sun_up: bool | None = False) -> LightClassifier:
    classifier = LightClassifier(TUNING)
    assert classifier.feed(T, first, sun_up) is None
    return classifier


def test_light_switched_on_in_the_dark_is_activity() -> None:
    classifier = light("2")
    assert classifier.feed(T + 60, "150", False) == T + 60


def test_light_switched_off_in_the_dark_is_activity() -> None:
    classifier = light("150")
    assert classifier.feed(T + 60, "3", False) == T + 60


def test_light_steps_while_the_sun_is_up_are_not_activity() -> None:
    classifier = light("2", sun_up=True)
    readings = [(T + 60, "150"), (T + 120, "3"), (T + 180, "900"), (T + 240, "5")]
    assert feed_all(classifier, readings, sun_up=True) == []


def test_light_slow_drift_in_the_dark_is_not_activity() -> None:
    # Dusk or dawn creeping by a few lux per reading.
    classifier = light("0")
    readings = [(T + 60 * (i + 1), str(3 * (i + 1))) for i in range(40)]
    assert feed_all(classifier, readings, sun_up=False) == []


def test_light_without_sun_position_counts_only_close_readings() -> None:
    classifier = light("2", sun_up=None)
    assert classifier.feed(T + 60, "150", None) == T + 60
    # A reading long after the last one: daylight may have changed it, so it proves nothing.
    assert classifier.feed(T + 60 + 2 * TUNING.light_max_gap_seconds, "2", None) is None
    assert classifier.feed(T + 60 + 2 * TUNING.light_max_gap_seconds + 30, "150", None) is not None


def test_light_without_sun_position_keeps_its_gap_across_a_clock_set_back() -> None:
    classifier = light("2", sun_up=None)
    classifier.shift(7200.0)  # the clock went back two hours right after the reading
    # A minute later on the new clock: still a close reading, so the lamp counts.
    assert classifier.feed(T - 7200.0 + 60, "150", None) == T - 7200.0 + 60


@pytest.mark.parametrize(("state", "fault"), BAD_NUMERIC)
def test_light_bad_reading_is_never_activity_and_marks_a_fault(state: str, fault: Fault) -> None:
    classifier = light("2")
    assert classifier.feed(T + 60, state, False) is None
    assert classifier.fault is fault
    assert classifier.feed(T + 120, "2", False) is None
    assert classifier.fault is None


def test_light_memory_survives_save_and_load() -> None:
    classifier = light("2")
    restored = LightClassifier(TUNING)
    restored.load(classifier.save())
    assert restored.feed(T + 60, "150", False) == T + 60


# ------------------------------------------------------------------ presence


def test_presence_on_edge_is_activity_and_staying_on_is_not() -> None:
    classifier = PresenceClassifier()
    assert classifier.feed(T, "off", None) is None
    assert classifier.feed(T + 10, "on", None) == T + 10
    assert feed_all(classifier, [(T + 20 + i, "on") for i in range(100)]) == []
    assert classifier.feed(T + 200, "off", None) is None
    assert classifier.feed(T + 300, "on", None) == T + 300


@pytest.mark.parametrize(("off", "on"), [("closed", "open"), ("clear", "detected")])
def test_presence_door_and_occupancy_words(off: str, on: str) -> None:
    classifier = PresenceClassifier()
    classifier.feed(T, off, None)
    assert classifier.feed(T + 10, on, None) == T + 10


def test_presence_first_on_is_not_activity() -> None:
    # Nothing is known about the edge: it may have been on for hours.
    assert PresenceClassifier().feed(T, "on", None) is None


@pytest.mark.parametrize(
    ("state", "fault"),
    [("unavailable", Fault.UNAVAILABLE), ("", Fault.UNAVAILABLE), ("42", Fault.INVALID)],
)
def test_presence_bad_states(state: str, fault: Fault) -> None:
    classifier = PresenceClassifier()
    classifier.feed(T, "on", None)
    assert classifier.feed(T + 10, state, None) is None
    assert classifier.fault is fault
    assert classifier.feed(T + 20, "on", None) is None  # still on: no edge
    assert classifier.fault is None


def test_presence_memory_survives_save_and_load() -> None:
    classifier = PresenceClassifier()
    classifier.feed(T, "off", None)
    restored = PresenceClassifier()
    restored.load(classifier.save())
    assert restored.feed(T + 10, "on", None) == T + 10


# ------------------------------------------------------------------ other


def test_other_change_of_state_is_activity() -> None:
    classifier = OtherClassifier()
    assert classifier.feed(T, "idle", None) is None
    assert classifier.feed(T + 10, "playing", None) == T + 10
    assert classifier.feed(T + 20, "playing", None) is None
    assert classifier.feed(T + 30, "paused", None) == T + 30


def test_other_outage_is_not_activity() -> None:
    classifier = OtherClassifier()
    classifier.feed(T, "playing", None)
    assert classifier.feed(T + 10, "unavailable", None) is None
    assert classifier.fault is Fault.UNAVAILABLE
    assert classifier.feed(T + 20, "playing", None) is None  # back as it was
    assert classifier.fault is None
    assert classifier.feed(T + 30, "idle", None) == T + 30


def test_other_memory_survives_save_and_load() -> None:
    classifier = OtherClassifier()
    classifier.feed(T, "off", None)
    restored = OtherClassifier()
    restored.load(classifier.save())
    assert restored.feed(T + 10, "on", None) == T + 10


# ------------------------------------------------------------------ roles


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        (Role.POWER, PowerClassifier),
        (Role.BACKGROUND_POWER, BackgroundPowerClassifier),
        (Role.LIGHT, LightClassifier),
        (Role.PRESENCE, PresenceClassifier),
        (Role.OTHER, OtherClassifier),
    ],
)
def test_each_role_gets_its_classifier(role: Role, kind: type[Classifier]) -> None:
    classifier = make_classifier(role, TUNING)
    assert type(classifier) is kind
    assert classifier.role is role
