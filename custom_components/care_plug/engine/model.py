"""Vocabulary shared by the engine and its callers: roles, levels, reasons, outputs, status.

The ground floor of the engine: it imports nothing from the rest of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# One reading as recorded: (Unix time, entity id, state).
type Reading = tuple[float, str, str]

# States Home Assistant uses when it has no value (compared lower-cased and stripped).
OFFLINE_STATES = frozenset({"unavailable", "unknown", "none", ""})
# The state a `person` or `device_tracker` shows while the resident is at home.
TRACKER_HOME = "home"


def tracker_away(state: str | None) -> bool:
    """Whether a resident's `person` or `device_tracker` state says they are away.

    A tracker that is gone (None), unavailable or unknown says nothing: the household is
    then watched as usual, so a phone with a flat battery never silences an alert. Any
    state but home (`not_home`, a zone's name) is away.
    """
    if state is None:
        return False
    value = state.strip().lower()
    return value != TRACKER_HOME and value not in OFFLINE_STATES


class Role(StrEnum):
    """What a source tells about the resident."""

    POWER = "power"
    BACKGROUND_POWER = "background_power"
    LIGHT = "light"
    PRESENCE = "presence"
    OTHER = "other"


class Level(IntEnum):
    """Care level; ordered so that a higher value is more serious."""

    NORMAL = 0
    ATTENTION = 1
    WARNING = 2
    CRITICAL = 3

    @property
    def key(self) -> str:
        """The level's contract name (`normal`, `attention`, ...)."""
        return self.name.lower()

    @classmethod
    def from_key(cls, key: str) -> Level:
        """The level named `key`; ValueError for an unknown name."""
        try:
            return cls[key.upper()]
        except KeyError:
            raise ValueError(f"unknown care level {key!r}") from None


class Reason(StrEnum):
    """Why the level is what it is."""

    NONE = "none"
    INACTIVITY = "inactivity"
    UNUSUAL_INACTIVITY = "unusual_inactivity"
    MONITORING_LOST = "monitoring_lost"
    APPLIANCE_LEFT_ON = "appliance_left_on"


class Monitoring(StrEnum):
    """How well the household can be seen."""

    OK = "ok"
    DEGRADED = "degraded"
    LOST = "lost"
    AWAY = "away"


class EventType(StrEnum):
    """The `type` of a care event (a contract: docs/architecture.md, "Events")."""

    ALERT = "alert"
    REMINDER = "reminder"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    MONITORING = "monitoring"


class ResolvedBy(StrEnum):
    """What ended an episode."""

    ACTIVITY = "activity"
    CHECK_IN = "check_in"
    MONITORING_RESTORED = "monitoring_restored"


@dataclass(frozen=True, slots=True)
class Activity:
    """A moment when a source showed that a person did something."""

    time: datetime
    entity_id: str


@dataclass(frozen=True, slots=True)
class CareEvent:
    """One care event; the glue turns it into the bus event and the event entity."""

    type: EventType
    time: datetime
    level: Level
    previous_level: Level
    reason: Reason
    alert_id: str | None
    last_activity: datetime | None
    last_activity_entity: str | None
    inactive_seconds: int
    monitoring: Monitoring
    previous_monitoring: Monitoring | None = None
    by: str | None = None
    resolved_by: ResolvedBy | None = None
    # Seconds the household went unwatched (Home Assistant not running) just before this
    # event; set only on the events raised when monitoring resumes.
    downtime_seconds: int | None = None
    # Why the silence is unusual, while the episode's alert came from the learned routine.
    explanation: Explanation | None = None


@dataclass(frozen=True, slots=True)
class Sensitivity:
    """How much longer than usual a silence must be before the routine raises a level.

    A silence is unusual after `factor` * (the longest recent silence at that time of
    day, or the second longest when `rank` is 1) + `attention_margin`; `warning_margin`
    more raises `warning`. It must also be improbable: the learned chance of a silence
    that long, from when it began, below `attention_chance` (or `warning_chance`).
    """

    factor: float
    attention_margin: float
    warning_margin: float
    rank: int
    attention_chance: float
    warning_chance: float


SENSITIVITIES: dict[str, Sensitivity] = {
    # The chances were chosen on the simulated homes (docs/accuracy.md): each level of
    # sensitivity is faster and warns for nothing less often than without them.
    "low": Sensitivity(1.25, 7200.0, 3600.0, rank=0, attention_chance=0.05, warning_chance=0.01),
    "normal": Sensitivity(1.0, 3600.0, 1800.0, rank=0, attention_chance=0.1, warning_chance=0.02),
    "high": Sensitivity(1.0, 1800.0, 1800.0, rank=1, attention_chance=0.2, warning_chance=0.05),
}
DEFAULT_SENSITIVITY = "normal"


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a silence is unusual, in numbers a sentence can be built from (local times).

    `kind` says which judgement found it: `routine` (the time of day), `began` (how the
    silence began: `source` and its `edge`, with `usual_longest_minutes` the longest quiet
    spell seen after such a start), `appliance` or `lamp` (`source` has been on since
    `on_since` and is usually off by `usually_off_by`).
    """

    usual_activities: int
    window_start: str
    window_end: str
    quiet_since: str
    usual_longest_minutes: int
    kind: str = "routine"
    source: str | None = None
    edge: str = ""
    on_since: str = ""
    usually_off_by: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "usual_activities": self.usual_activities,
            "window_start": self.window_start,
            "window_end": self.window_end,
            "quiet_since": self.quiet_since,
            "usual_longest_minutes": self.usual_longest_minutes,
            "kind": self.kind,
            "source": self.source,
            "edge": self.edge,
            "on_since": self.on_since,
            "usually_off_by": self.usually_off_by,
        }


def time_zone_of(name: str | None) -> ZoneInfo | None:
    """The zone named `name` (None for UTC); ValueError for an unknown name."""
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ValueError(f"unknown time zone {name!r}") from err


@dataclass(frozen=True, slots=True)
class HouseholdStatus:
    """Everything a household shows, as of the engine's latest instant; immutable.

    The household builds a new one only when something in it changed, so callers can
    tell a change by identity (`is not`) before comparing anything.
    """

    level: Level
    reason: Reason
    alert_id: str | None
    acknowledged: bool
    monitoring: Monitoring
    last_activity: datetime | None
    last_activity_entity: str | None
    # Since when the inactivity clock runs (last activity, check-in or away end).
    quiet_since: datetime
    next_escalation: datetime | None
    next_level: Level | None
    away_until: datetime | None
    activity_today: int
    sources_online: int
    sources_total: int
    # Each source's health (`ok`, `stale`, `unavailable`, `invalid`), in settings order.
    source_health: tuple[tuple[str, str], ...]
    routine_days: float
    routine_ready: bool
    explanation: Explanation | None

    def inactive_seconds(self, now: datetime) -> int:
        """Whole seconds of silence at `now` (never negative)."""
        return max(0, int((now - self.quiet_since).total_seconds()))


class LocalClock:
    """Unix times as local wall-clock seconds in one zone (None: UTC), O(1) per call.

    The zone's offset is looked up once per hour of time asked about: zones change their
    offset on the hour (or half hour: rare).
    """

    __slots__ = ("_bucket", "_offset", "_zone")

    def __init__(self, zone: ZoneInfo | None) -> None:
        self._zone = zone
        self._bucket = math.nan
        self._offset = 0.0

    def offset(self, ts: float) -> float:
        """Seconds the local clock is ahead of UTC at `ts`."""
        if self._zone is None:
            return 0.0
        bucket = ts // 3600.0
        if bucket != self._bucket:
            self._bucket = bucket
            offset = datetime.fromtimestamp(ts, self._zone).utcoffset()
            self._offset = 0.0 if offset is None else offset.total_seconds()
        return self._offset

    def local(self, ts: float) -> float:
        """`ts` as seconds since the epoch on the local wall clock."""
        return ts + self.offset(ts)
