"""Per-role classifiers: raw readings in, activity moments out.

The rules they follow are in docs/architecture.md, "Engine rules".

Each classifier keeps a few numbers, so a reading costs O(1) whatever the history.
`feed` returns the time of a detected activity (which may lie before the reading, when
a change is confirmed late) or None, and leaves `fault` set when the reading says
nothing about the resident.
"""

from __future__ import annotations

import math
from typing import Any

from .model import OFFLINE_STATES, Role
from .settings import Tuning
from .values import Fault, parse_number

# How fast a power level that changes without a step is followed, so that slow drift
# (a heater's thermostat, a TV's picture) never adds up to a step.
_DRIFT_ALPHA = 0.2
# A switched-on appliance counts as off again only below this share of the standby threshold,
# so a standby draw that hovers around the threshold does not flap.
_OFF_SHARE = 0.5

PRESENCE_ON = frozenset({"on", "open", "home", "detected", "occupied", "true"})
PRESENCE_OFF = frozenset({"off", "closed", "not_home", "clear", "false"})


class Classifier:
    """Base: remembers the last fault; subclasses decide what activity is."""

    __slots__ = ("fault",)
    role: Role

    def __init__(self) -> None:
        self.fault: Fault | None = None

    def feed(self, ts: float, state: str, sun_up: bool | None) -> float | None:
        """Take one reading at `ts` (epoch seconds); the time of an activity, or None."""
        raise NotImplementedError

    @property
    def pending_until(self) -> float | None:
        """When a change held back for confirmation becomes activity without new input."""
        return None

    def confirm(self, ts: float) -> float | None:
        """Confirm a held-back change whose window has passed by `ts`."""
        return None

    def shift(self, seconds: float) -> None:
        """Move remembered times `seconds` back: the clock was set back."""

    def save(self) -> dict[str, Any]:
        """A small JSON-able dict of this classifier's memory."""
        return {}

    def load(self, data: dict[str, Any]) -> None:
        """Restore what `save` returned (unknown or damaged fields are ignored)."""


class PowerClassifier(Classifier):
    """A human-operated appliance: switching or a clear step is activity.

    A drop to standby is held for `power_glitch_seconds`: when the previous level comes
    back within that window it was a plug's zero-watt glitch, not a person.
    """

    __slots__ = ("_level", "_on", "_pending_from", "_pending_ts", "_tuning")
    role = Role.POWER

    def __init__(self, tuning: Tuning) -> None:
        super().__init__()
        self._tuning = tuning
        self._level: float | None = None
        self._on = False
        self._pending_ts: float | None = None
        self._pending_from = 0.0

    def _is_on(self, value: float, was_on: bool) -> bool:
        standby = self._tuning.power_standby_w
        return value >= standby * _OFF_SHARE if was_on else value > standby

    def _steps(self, reference: float, value: float) -> bool:
        t = self._tuning
        return abs(value - reference) > max(t.power_step_w, t.power_step_ratio * reference)

    def feed(self, ts: float, state: str, sun_up: bool | None) -> float | None:
        value = parse_number(state, self._tuning.power_max_w)
        if isinstance(value, Fault):
            self.fault = value
            return None
        self.fault = None
        level = self._level
        if level is None:
            self._level = value
            self._on = self._is_on(value, False)
            return None
        confirmed: float | None = None
        if self._pending_ts is not None:
            if ts - self._pending_ts <= self._tuning.power_glitch_seconds:
                before = self._pending_from
                if self._is_on(value, True) and not self._steps(before, value):
                    # The earlier level came back: the drop was a glitch.
                    self._pending_ts = None
                    self._level = before
                    self._on = True
                    return None
                if not self._is_on(value, False):
                    self._level = value
                    return None
                # Switched on again at another level (a second microwave run): the drop
                # was real and the switch-on below is the later activity.
                self._pending_ts = None
            else:
                confirmed = self._pending_ts
                self._pending_ts = None
        on = self._is_on(value, self._on)
        if on != self._on or (on and self._steps(level, value)):
            if self._on and not on and self._tuning.power_glitch_seconds > 0:
                self._pending_ts = ts
                self._pending_from = level
                self._level = value
                self._on = False
                return confirmed
            self._level = value
            self._on = on
            return ts
        self._level = level + (value - level) * _DRIFT_ALPHA
        return confirmed

    @property
    def pending_until(self) -> float | None:
        if self._pending_ts is None:
            return None
        return self._pending_ts + self._tuning.power_glitch_seconds

    @property
    def switched_on(self) -> bool:
        """Whether the appliance is on (a drop not yet confirmed still counts as on)."""
        return self._on or self._pending_ts is not None

    def confirm(self, ts: float) -> float | None:
        pending = self._pending_ts
        if pending is None or ts < pending + self._tuning.power_glitch_seconds:
            return None
        self._pending_ts = None
        return pending

    def shift(self, seconds: float) -> None:
        if self._pending_ts is not None:
            self._pending_ts -= seconds

    def save(self) -> dict[str, Any]:
        return {"level": self._level, "on": self._on, "pending": self._pending_ts,
                "pending_from": self._pending_from}  # fmt: skip

    def load(self, data: dict[str, Any]) -> None:
        self._level = _float_or_none(data.get("level"))
        self._on = data.get("on") is True
        self._pending_ts = _float_or_none(data.get("pending"))
        self._pending_from = _float_or_none(data.get("pending_from")) or 0.0


class BackgroundPowerClassifier(Classifier):
    """An appliance that runs by itself: its readings prove the plug alive, never a person."""

    __slots__ = ("_tuning",)
    role = Role.BACKGROUND_POWER

    def __init__(self, tuning: Tuning) -> None:
        super().__init__()
        self._tuning = tuning

    def feed(self, ts: float, state: str, sun_up: bool | None) -> float | None:
        value = parse_number(state, self._tuning.power_max_w)
        self.fault = value if isinstance(value, Fault) else None
        return None


class LightClassifier(Classifier):
    """Illuminance: a lamp switched in a dark room is activity, daylight is not.

    A step counts when the darker side is below `light_dark_lx` and the change exceeds
    max(`light_step_lx`, `light_step_ratio` x the darker side), while the sun is below
    `light_sun_elevation`. Without a known sun position, only steps between readings at
    most `light_max_gap_seconds` apart count, since daylight drifts slowly.
    """

    __slots__ = ("_last", "_last_ts", "_tuning", "lit")
    role = Role.LIGHT

    def __init__(self, tuning: Tuning) -> None:
        super().__init__()
        self._tuning = tuning
        self._last: float | None = None
        self._last_ts = 0.0
        # Whether a lamp is on in the dark; None while that cannot be told (daylight, or
        # no known sun position: a lamp switched off in daylight leaves no step).
        self.lit: bool | None = None

    def feed(self, ts: float, state: str, sun_up: bool | None) -> float | None:
        t = self._tuning
        value = parse_number(state, t.light_max_lx)
        if isinstance(value, Fault):
            self.fault = value
            return None
        self.fault = None
        last = self._last
        last_ts = self._last_ts
        self._last = value
        self._last_ts = ts
        if sun_up is not False:
            self.lit = None
        elif self.lit is None:
            self.lit = value > t.light_dark_lx  # dusk: a lamp already on shows now
        if last is None or sun_up or (sun_up is None and ts - last_ts > t.light_max_gap_seconds):
            return None
        low = min(last, value)
        if low <= t.light_dark_lx and abs(value - last) > max(
            t.light_step_lx, t.light_step_ratio * low
        ):
            if sun_up is False:
                self.lit = value > last and value > t.light_dark_lx
            return ts
        return None

    def shift(self, seconds: float) -> None:
        if self._last is not None:
            self._last_ts -= seconds

    def save(self) -> dict[str, Any]:
        return {"last": self._last, "last_ts": self._last_ts, "lit": self.lit}

    def load(self, data: dict[str, Any]) -> None:
        self._last = _float_or_none(data.get("last"))
        self._last_ts = _float_or_none(data.get("last_ts")) or 0.0
        lit = data.get("lit")
        self.lit = lit if isinstance(lit, bool) else None


class PresenceClassifier(Classifier):
    """Motion, door, occupancy: the `on` (or open) edge is activity; staying on is not."""

    __slots__ = ("_on",)
    role = Role.PRESENCE

    def __init__(self) -> None:
        super().__init__()
        self._on: bool | None = None

    def feed(self, ts: float, state: str, sun_up: bool | None) -> float | None:
        text = state.strip().lower()
        if text in PRESENCE_ON:
            on = True
        elif text in PRESENCE_OFF:
            on = False
        else:
            self.fault = Fault.UNAVAILABLE if text in OFFLINE_STATES else Fault.INVALID
            return None
        self.fault = None
        was = self._on
        self._on = on
        return ts if on and was is False else None

    def save(self) -> dict[str, Any]:
        return {"on": self._on}

    def load(self, data: dict[str, Any]) -> None:
        on = data.get("on")
        self._on = on if isinstance(on, bool) else None


class OtherClassifier(Classifier):
    """Any entity a person changes: a change of state is activity."""

    __slots__ = ("_state",)
    role = Role.OTHER

    def __init__(self) -> None:
        super().__init__()
        self._state: str | None = None

    def feed(self, ts: float, state: str, sun_up: bool | None) -> float | None:
        if state.strip().lower() in OFFLINE_STATES:
            self.fault = Fault.UNAVAILABLE
            return None
        self.fault = None
        was = self._state
        self._state = state
        return ts if was is not None and was != state else None

    def save(self) -> dict[str, Any]:
        return {"state": self._state}

    def load(self, data: dict[str, Any]) -> None:
        state = data.get("state")
        self._state = state if isinstance(state, str) else None


def make_classifier(role: Role, tuning: Tuning) -> Classifier:
    """The classifier for a source of `role`."""
    match role:
        case Role.POWER:
            return PowerClassifier(tuning)
        case Role.BACKGROUND_POWER:
            return BackgroundPowerClassifier(tuning)
        case Role.LIGHT:
            return LightClassifier(tuning)
        case Role.PRESENCE:
            return PresenceClassifier()
        case Role.OTHER:
            return OtherClassifier()


def _float_or_none(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)
