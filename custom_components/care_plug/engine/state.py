"""Saving a household, and restoring it with every field checked.

The saved document is small JSON (docs/architecture.md, "Stored state"):

    {"engine": {...}, "routine_sources": [...], "saved_at": ISO time,
     "activity_today": {"date": "YYYY-MM-DD", "count": n}}

`restore` accepts only what a household could have written: numbers where numbers
belong, times a datetime can hold and not ahead of the clock it is restored on, known
levels, reasons and states, a routine whose position fits its last activity. Anything
else raises `StateError` with the reason, and nothing is half-restored: the caller starts
a fresh household instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeGuard

from .appliances import APPLIANCE, APPLIANCES_VERSION, LAMP
from .judgement import EDGES, JUDGEMENT_VERSION
from .model import Explanation, Level, Monitoring, Reason
from .monitor import Household, Memory, SourceHealth
from .settings import HouseholdSettings
from .values import Fault

STATE_VERSION = 1
_FRESH_APPLIANCES = {"version": APPLIANCES_VERSION}
_FRESH_BEGINNINGS = {"version": JUDGEMENT_VERSION}
_NEVER = math.inf
# The times a household can hold: from 1970 to the year 9000, far from where adding a
# threshold (at most 14 days) or a reminder could overflow a datetime.
_EARLIEST = 0.0
_LATEST = 221845392000.0
# A saved clock this far ahead of the clock it is restored on was not written by this
# machine's time (a clock once set years ahead, or damage): its deadlines would never come.
CLOCK_AHEAD_LIMIT = 86400.0
_EXPLANATION_TEXT = 16
_EXPLANATION_KINDS = frozenset({"routine", "began", APPLIANCE, LAMP})
_EXPLANATION_EDGES = frozenset({"", *EDGES})
# Home Assistant's limit for an entity id.
_ENTITY_ID_TEXT = 255
_HEALTH = frozenset({"ok", "stale", "unavailable", "invalid"})


class StateError(ValueError):
    """Stored state that cannot be restored; the text says why."""


@dataclass(frozen=True, slots=True)
class Restored:
    """A restored household and when its state was saved (None when that is unknown)."""

    household: Household
    saved_at: datetime | None


# ---------------------------------------------------------------------------- saving


def to_dict(household: Household) -> dict[str, Any]:
    """The engine's memory as a small JSON-able dict (infinite times become None)."""
    memory = household.memory()

    def t(value: float) -> float | None:
        return None if value == _NEVER else value

    def source(entity_id: str, classifier: Any) -> dict[str, Any]:
        last_report, stale = household.source_clock(entity_id)
        counted = household.source_counted(entity_id)
        return {
            "last_report": last_report,
            "stale": stale,
            "fault": classifier.fault,
            "memory": classifier.save(),
            "health": counted.health,
            "held_since": counted.held_since,
            "offline_since": counted.offline_since,
            "changed_at": counted.changed_at,
            "prompt": counted.prompt,
        }

    return {
        "version": STATE_VERSION,
        "now": memory.now,
        "clock": memory.clock,
        "quiet_since": memory.quiet_since,
        "last_activity": memory.last_activity,
        "last_activity_entity": memory.last_activity_entity,
        "level": memory.level.key,
        "reason": memory.reason.value,
        "alert_id": memory.alert_id,
        "episodes": memory.episodes,
        "acknowledged": memory.acknowledged,
        "next_reminder": t(memory.next_reminder),
        "away": memory.away,
        "away_until": t(memory.away_until),
        "lost_since": t(memory.lost_since),
        "monitoring": memory.monitoring.value,
        "explanation": None if memory.explanation is None else memory.explanation.as_dict(),
        "routine": household.routine.save(),
        "appliances": household.appliances.save(),
        "beginnings": household.beginnings.save(),
        "presence_away": household.presence_away,
        "sources": {
            entity_id: source(entity_id, classifier)
            for entity_id, classifier in household.source_memories().items()
        },
    }


def save(household: Household, saved_at: datetime) -> dict[str, Any]:
    """The whole stored document for `household`, saved at `saved_at`."""
    memory = household.memory()
    day = datetime.fromtimestamp(memory.day_start, household.zone or UTC).date()
    return {
        "engine": to_dict(household),
        "routine_sources": sorted(memory.seeded),
        "saved_at": saved_at.isoformat(),
        "activity_today": {"date": day.isoformat(), "count": memory.activity_today},
    }


# ---------------------------------------------------------------------------- restoring


def restore(
    settings: HouseholdSettings,
    document: Any,
    *,
    clock: datetime,
    location: tuple[float, float] | None = None,
    time_zone: str | None = None,
) -> Restored:
    """The household saved in `document` (from `save`), restored at wall-clock `clock`.

    StateError when anything in it is unusable. Sources added to the settings since
    start fresh; sources removed are forgotten.
    """
    if not isinstance(document, dict):
        raise StateError("stored state is not an object")
    household = from_dict(
        settings,
        document.get("engine"),
        location,
        time_zone,
        clock=clock,
        seeded=_seeded(document.get("routine_sources")),
        activity_today=document.get("activity_today"),
    )
    return Restored(household, _saved_at(document.get("saved_at"), clock))


def from_dict(
    settings: HouseholdSettings,
    data: Any,
    location: tuple[float, float] | None = None,
    time_zone: str | None = None,
    *,
    clock: datetime | None = None,
    seeded: frozenset[str] = frozenset(),
    activity_today: Any = None,
) -> Household:
    """Restore the engine part saved by `to_dict`; StateError when `data` is unusable.

    With `clock`, a saved engine clock more than a day ahead of it is refused.
    """
    try:
        return _restore(settings, data, location, time_zone, clock, seeded, activity_today)
    except StateError:
        raise
    except (AttributeError, KeyError, TypeError, ValueError, OverflowError, OSError) as err:
        raise StateError(f"stored state is damaged: {err}") from err


def _restore(  # noqa: PLR0917 (the arguments of `from_dict`, passed on)
    settings: HouseholdSettings,
    data: Any,
    location: tuple[float, float] | None,
    time_zone: str | None,
    clock: datetime | None,
    seeded: frozenset[str],
    activity_today: Any,
) -> Household:
    if not isinstance(data, dict):
        raise StateError("stored engine state is missing or not an object")
    if data.get("version") != STATE_VERSION:
        raise StateError("stored state has an unknown version")
    fields = _Fields(data)
    now = fields.time("now")
    if clock is not None and now > clock.timestamp() + CLOCK_AHEAD_LIMIT:
        raise StateError("stored clock is ahead of this machine's clock")
    # The instant last told, behind `now` after Home Assistant's clock was set back; saves
    # from before it was kept have only `now`. Every other time lies before it.
    told = fields.optional_time("clock", upto=now)
    told = now if told is None else told
    quiet_since = fields.time("quiet_since", upto=told)
    last_activity = fields.optional_time("last_activity", upto=told)
    level = Level.from_key(fields.text("level"))
    alert_id = fields.optional_text("alert_id")
    if level is not Level.NORMAL and alert_id is None:
        raise StateError("stored state has a level above normal but no alert id")
    household = Household(settings, datetime.fromtimestamp(told, UTC), location, time_zone)
    day_start, count = _activity_today(activity_today, household, told)
    household.restore(
        Memory(
            now=now,
            clock=told,
            quiet_since=quiet_since,
            last_activity=last_activity,
            last_activity_entity=fields.optional_text("last_activity_entity"),
            level=level,
            reason=Reason(fields.text("reason")),
            alert_id=alert_id,
            episodes=fields.count("episodes"),
            acknowledged=fields.flag("acknowledged"),
            next_reminder=fields.never_or_time("next_reminder"),
            away=fields.flag("away"),
            away_until=fields.never_or_time("away_until"),
            lost_since=fields.never_or_time("lost_since", upto=told),
            monitoring=Monitoring(fields.text("monitoring")),
            explanation=_explanation(data.get("explanation")),
            day_start=day_start,
            activity_today=count,
            seeded=seeded,
        )
    )
    routine = data.get("routine")
    if routine is not None:  # states saved before the routine existed have none
        try:
            household.routine.load(routine)
        except ValueError as err:
            raise StateError(f"stored routine is damaged: {err}") from err
    _restore_detection(household, data, now)
    _restore_sources(household, data.get("sources", {}), told)
    return household


def _restore_detection(household: Household, data: dict[str, Any], now: float) -> None:
    """The appliances' sessions and the silences by how they began. Saves from before
    they were learned have none; a damaged one starts afresh, like a source's memory:
    it only brings a judgement forward, and relearns in days (the fixed thresholds and
    the routine are untouched)."""
    appliances = data.get("appliances")
    if appliances is not None:
        try:
            household.appliances.load(appliances)
            on_since = household.appliances.save()["on_since"].values()
            if not all(_is_time(ts) and ts <= now for ts in on_since):
                raise ValueError("an appliance session starts at no time a clock showed")
        except TypeError, ValueError:
            household.appliances.load(_FRESH_APPLIANCES)
    beginnings = data.get("beginnings")
    if beginnings is not None:
        try:
            household.beginnings.load(beginnings)
            last = household.beginnings.save()["last"]
            if last is not None and not (_is_time(last[2]) and last[2] <= now):
                raise ValueError("a silence starts at no time a clock showed")
        except TypeError, ValueError:
            household.beginnings.load(_FRESH_BEGINNINGS)
    household.restore_detection(_Fields(data).flag("presence_away"))


def _restore_sources(household: Household, saved_sources: Any, now: float) -> None:
    """Each source's saved clock and memory; a damaged field of a source starts afresh
    (a source's memory only refines how its next readings are read). `now` is the saved
    engine clock. Its counted health must be whole or absent (a save from before it was
    kept: counted as its readings show it)."""
    if not isinstance(saved_sources, dict):
        raise StateError("stored state field sources is not an object")
    for entity_id, classifier in household.source_memories().items():
        saved = saved_sources.get(entity_id)
        if not isinstance(saved, dict):
            continue  # a source added since: it starts fresh
        last_report = saved.get("last_report")
        clock = float(last_report) if _is_time(last_report) else now
        household.restore_source_clock(entity_id, min(clock, now), saved.get("stale") is True)
        fault = saved.get("fault")
        try:
            classifier.fault = None if fault is None else Fault(fault)
        except ValueError:
            raise StateError(f"stored fault of source {entity_id} is unknown") from None
        memory = saved.get("memory")
        if isinstance(memory, dict):
            classifier.load(memory)  # unknown or damaged fields are ignored there
        household.restore_source_counted(entity_id, _counted(saved, entity_id, now))


def _counted(saved: dict[str, Any], entity_id: str, now: float) -> SourceHealth | None:
    health = saved.get("health")
    if health is None:
        return None
    if not isinstance(health, str) or health not in _HEALTH:
        raise StateError(f"stored health of source {entity_id} is unknown")
    fields = _Fields(saved, f"stored source {entity_id}")
    return SourceHealth(
        health=health,
        held_since=fields.optional_time("held_since", upto=now),
        offline_since=fields.optional_time("offline_since", upto=now),
        changed_at=fields.optional_time("changed_at", upto=now),
        prompt=fields.flag("prompt"),
    )


def _is_time(value: Any) -> TypeGuard[float]:
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(value)
        and _EARLIEST <= value <= _LATEST
    )


class _Fields:
    """Typed, range-checked reads of one stored object; StateError names the field."""

    def __init__(self, data: dict[str, Any], where: str = "stored state") -> None:
        self._data = data
        self._where = where

    def _fail(self, key: str, why: str) -> StateError:
        return StateError(f"{self._where} field {key} {why}")

    def time(self, key: str, *, upto: float = _LATEST) -> float:
        value = self._data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(key, "is not a number")
        if not _is_time(value):
            raise self._fail(key, "is not a time a clock can show")
        if value > upto:
            raise self._fail(key, "lies after the stored clock")
        return float(value)

    def optional_time(self, key: str, *, upto: float = _LATEST) -> float | None:
        return None if self._data.get(key) is None else self.time(key, upto=upto)

    def never_or_time(self, key: str, *, upto: float = _LATEST) -> float:
        value = self.optional_time(key, upto=upto)
        return _NEVER if value is None else value

    def text(self, key: str) -> str:
        value = self._data.get(key)
        if not isinstance(value, str):
            raise self._fail(key, "is not text")
        return value

    def optional_text(self, key: str) -> str | None:
        return None if self._data.get(key) is None else self.text(key)

    def flag(self, key: str) -> bool:
        value = self._data.get(key, False)
        if not isinstance(value, bool):
            raise self._fail(key, "is not true or false")
        return value

    def count(self, key: str) -> int:
        value = self._data.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self._fail(key, "is not a count")
        return value


def _explanation(data: Any) -> Explanation | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise StateError("stored explanation is not an object")
    fields = _Fields(data, "stored explanation")
    texts = [fields.text(key) for key in ("window_start", "window_end", "quiet_since")]
    if any(len(text) > _EXPLANATION_TEXT for text in texts):
        raise StateError("stored explanation holds overlong text")
    # What an appliance, a lamp or the start of the silence explains; older saves have
    # none of these keys and explain by the time of day.
    kind = data.get("kind", "routine")
    if not isinstance(kind, str) or kind not in _EXPLANATION_KINDS:
        raise StateError("stored explanation has an unknown kind")
    edge = data.get("edge", "")
    if not isinstance(edge, str) or edge not in _EXPLANATION_EDGES:
        raise StateError("stored explanation has an unknown edge")
    source = fields.optional_text("source")
    if source is not None and len(source) > _ENTITY_ID_TEXT:
        raise StateError("stored explanation holds overlong text")
    times = [fields.text(key) if key in data else "" for key in ("on_since", "usually_off_by")]
    if any(len(text) > _EXPLANATION_TEXT for text in times):
        raise StateError("stored explanation holds overlong text")
    return Explanation(
        usual_activities=fields.count("usual_activities"),
        window_start=texts[0],
        window_end=texts[1],
        quiet_since=texts[2],
        usual_longest_minutes=fields.count("usual_longest_minutes"),
        kind=kind,
        source=source,
        edge=edge,
        on_since=times[0],
        usually_off_by=times[1],
    )


def _activity_today(data: Any, household: Household, now: float) -> tuple[float, int]:
    """(start of the counted day, count); a count from another day than `now`'s is 0."""
    day_start = household.memory().day_start
    if not isinstance(data, dict):
        return day_start, 0
    count = data.get("count")
    saved_day = data.get("date")
    zone = household.zone or UTC
    today = datetime.fromtimestamp(now, zone).date()
    if (
        isinstance(count, int)
        and not isinstance(count, bool)
        and count >= 0
        and isinstance(saved_day, str)
        and _date(saved_day) == today
    ):
        return day_start, count
    return day_start, 0


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _seeded(value: Any) -> frozenset[str]:
    if not isinstance(value, list):
        return frozenset()
    return frozenset(item for item in value if isinstance(item, str))


def _saved_at(value: Any, clock: datetime) -> datetime | None:
    """When the stored state was saved; None when that cannot be read or lies ahead."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:  # the form of a time, but an impossible one
        return None
    if moment.tzinfo is None or moment > clock:
        return None
    return moment
