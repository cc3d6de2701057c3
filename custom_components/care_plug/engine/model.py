"""Vocabulary shared by the engine and its callers: roles, levels, reasons, outputs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum

from .routine import Explanation


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
    """The `type` of a care event (DESIGN section 6)."""

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
