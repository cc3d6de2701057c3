"""The household state machine: care levels, deadlines, away, check-in, acknowledgement, health.

Time is passed in on every call (UTC datetimes) and never read from a clock, so the same
calls give the same outputs. A reading costs O(1) in the length of the history; a few
steps are O(number of sources), which is fixed per household.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from .model import (
    Activity,
    CareEvent,
    EventType,
    Level,
    Monitoring,
    Reason,
    ResolvedBy,
    Role,
)
from .routine import FULL_DAYS, Explanation, Routine, time_zone_of
from .settings import ACTIVITY_ROLES, HouseholdSettings
from .signals import Classifier, make_classifier
from .solar import sun_elevation
from .values import Fault

STATE_VERSION = 1
_NEVER = math.inf
# The sun's position is computed at most once per this many seconds per household.
_SUN_BUCKET = 300.0
_MICROSECOND = timedelta(microseconds=1)

type Output = CareEvent | Activity


class StateError(ValueError):
    """Stored engine state that cannot be restored."""


def _ts(moment: datetime) -> float:
    if moment.tzinfo is None:
        raise ValueError("the engine takes timezone-aware datetimes")
    return moment.timestamp()


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


class _Source:
    """One watched entity: its classifier and how recently it reported."""

    __slots__ = (
        "classifier",
        "counts_activity",
        "entity_id",
        "last_report",
        "stale",
        "stale_after",
    )

    def __init__(self, entity_id: str, classifier: Classifier, stale_after: float, now: float):
        self.entity_id = entity_id
        self.classifier = classifier
        self.counts_activity = classifier.role in ACTIVITY_ROLES
        # Presence and "other" entities change only when a person acts, so silence is no sign
        # of a dead device; numeric sensors report by themselves and can go stale.
        numeric = classifier.role in (Role.POWER, Role.BACKGROUND_POWER, Role.LIGHT)
        self.stale_after = stale_after if numeric and stale_after > 0 else _NEVER
        self.last_report = now
        self.stale = False

    @property
    def online(self) -> bool:
        return self.classifier.fault is None and not self.stale

    @property
    def stale_at(self) -> float:
        return _NEVER if self.stale else self.last_report + self.stale_after


class Household:
    """One home, one person: turns readings into activity, levels and care events."""

    def __init__(
        self,
        settings: HouseholdSettings,
        now: datetime,
        location: tuple[float, float] | None = None,
        time_zone: str | None = None,
    ) -> None:
        start = _ts(now)
        self.settings = settings
        self._location = location
        self._tuning = settings.tuning
        self._thresholds = settings.thresholds
        self._sources: dict[str, _Source] = {
            entity_id: _Source(
                entity_id, make_classifier(role, settings.tuning),
                settings.tuning.stale_after_seconds, start,
            )
            for entity_id, role in settings.sources.items()
        }  # fmt: skip
        self._now = start
        self._quiet_since = start
        self._last_activity: float | None = None
        self._last_activity_entity: str | None = None
        self._level = Level.NORMAL
        self._reason = Reason.NONE
        self._alert_id: str | None = None
        self._episodes = 0
        self._acknowledged = False
        self._next_reminder = _NEVER
        self._away = False
        self._away_until = _NEVER
        self._lost_since = _NEVER
        self._monitoring = Monitoring.OK
        self._sun_bucket = -1.0
        self._sun_up: bool | None = None
        self._due = start
        self._health_epoch = 0
        self._routine = Routine(
            settings.sensitivity, settings.warning_after, time_zone_of(time_zone)
        )
        self._explanation: Explanation | None = None
        self._crossing_key: tuple[float, int] | None = None
        self._crossings = (_NEVER, _NEVER)
        self._refresh()

    # ----------------------------------------------------------------- inputs

    def observe(self, entity_id: str, state: str, at: datetime) -> list[Output]:
        """A source's new state at `at`; returns the activity and care events it causes."""
        return self.observe_ts(entity_id, state, _ts(at))

    def observe_ts(self, entity_id: str, state: str, ts: float) -> list[Output]:
        """`observe` with a Unix timestamp (the replay's fast path)."""
        source = self._sources.get(entity_id)
        if source is None:
            return []  # a fresh list each time: callers may keep and extend what they get
        out: list[Output] = []
        if ts < self._now:
            ts = self._now  # a late or out-of-order reading is taken as happening now
        elif ts >= self._due:
            out = self._advance(ts)
        self._now = ts
        classifier = source.classifier
        was_online = source.online
        sun_up: bool | None = None
        if classifier.role is Role.LIGHT:
            sun_up = self._sun_is_up(ts)
        activity = classifier.feed(ts, state, sun_up)
        source.last_report = ts
        # A stale source that reports again has a stale deadline again, even when the
        # reading is bad and leaves it offline: the cached deadline must learn of it.
        was_stale, source.stale = source.stale, False
        if activity is not None:
            out = [*out, *self._activity(activity, entity_id)]
        elif was_stale or source.online != was_online or classifier.pending_until is not None:
            out = [*out, *self._health_changed()]
        return out

    def report(self, entity_id: str, at: datetime) -> list[Output]:
        """A source reported its unchanged state at `at` (HA's `state_reported`)."""
        source = self._sources.get(entity_id)
        if source is None:
            return []
        ts = max(_ts(at), self._now)
        out = self._advance(ts) if ts >= self._due else []
        self._now = ts
        source.last_report = ts
        if source.stale:
            source.stale = False
            out = [*out, *self._health_changed()]
        return out

    def advance(self, now: datetime) -> list[Output]:
        """Let time run to `now`: fire every deadline that has passed, in order."""
        ts = _ts(now)
        if ts <= self._now:
            return []
        out = self._advance(ts)
        self._now = ts
        return out

    def check_in(self, now: datetime) -> list[Output]:
        """The resident (or someone on their behalf) says all is well."""
        out = self.advance(now)
        self._quiet_since = max(self._quiet_since, self._now)
        if self._lost_since != _NEVER:
            # The home still cannot be seen, but someone just vouched for the resident: the
            # loss counts from now, so the alert does not come straight back.
            self._lost_since = self._now
        out += self._resolve(ResolvedBy.CHECK_IN)
        self._refresh()
        return out

    def acknowledge(self, now: datetime, by: str | None = None) -> list[Output]:
        """Someone has seen the alert and is acting on it; reminders stop. [] at `normal`."""
        out = self.advance(now)
        if self._level is Level.NORMAL:
            return out
        self._acknowledged = True
        self._next_reminder = _NEVER
        out.append(self._event(EventType.ACKNOWLEDGED, self._level, by=by))
        self._refresh()
        return out

    def set_away(self, now: datetime, until: datetime | None) -> list[Output]:
        """The resident is away (or in hospital) until `until` (None: until `end_away`).

        ValueError, with nothing changed, when `until` is not in the future.
        """
        until_ts = _NEVER if until is None else _ts(until)
        if until_ts <= max(self._now, _ts(now)):
            raise ValueError("away must end in the future")
        out = self.advance(now)
        out += self._resolve(ResolvedBy.CHECK_IN)
        self._away = True
        self._away_until = until_ts
        out += self._update_monitoring()
        self._refresh()
        return out

    def end_away(self, now: datetime) -> list[Output]:
        """The resident is back: monitoring resumes with a fresh inactivity clock."""
        out = self.advance(now)
        if self._away:
            out += self._end_away(self._now)
        self._refresh()
        return out

    def resume(self, now: datetime, down_since: datetime | None = None) -> list[Output]:
        """Watching again at `now` after nobody watched since `down_since` (a restart).

        `down_since` defaults to the last instant the engine knew. Inactivity accrued
        meanwhile counts, so levels passed while down are raised now; the sources are not
        blamed for the silence (their stale clocks restart at `now`). Every event this
        returns carries the downtime; when nothing else happens and the downtime was longer
        than `monitoring_lost_after`, a `monitoring` event says monitoring was lost and is
        back, so whoever looks after the hardware hears of the gap. Reminders of alerts the
        catch-up itself raises are left out, and `inactive_seconds` is measured at `now`.
        """
        start = self._now if down_since is None else max(self._now, _ts(down_since))
        out = self.advance(_dt(start))
        resume_ts = max(_ts(now), start)
        for source in self._sources.values():
            if not source.stale:
                source.last_report = max(source.last_report, resume_ts)
        self._refresh()
        woke = self.advance(_dt(resume_ts))
        # Sources may have been added or dropped since the state was saved.
        woke += self._health_changed()
        downtime = int(resume_ts - start)
        long_downtime = downtime > self._tuning.monitoring_lost_after_seconds
        if long_downtime:
            self._routine.block()  # readings were missed: the silence proves nothing
        if not woke and long_downtime:
            woke = [
                self._event(EventType.MONITORING, self._level, previous_monitoring=Monitoring.LOST)
            ]
        # Told all at once, the catch-up needs no reminders of alerts it raises itself, and
        # each event tells the silence as it is now, not as it was at its deadline.
        raised_alert = any(isinstance(i, CareEvent) and i.type is EventType.ALERT for i in woke)
        inactive = int(resume_ts - self._quiet_since)
        for item in woke:
            if not isinstance(item, CareEvent):
                out.append(item)
            elif not (raised_alert and item.type is EventType.REMINDER):
                out.append(replace(item, downtime_seconds=downtime, inactive_seconds=inactive))
        return out

    # ----------------------------------------------------------------- outputs

    def next_deadline(self) -> datetime | None:
        """The earliest instant at which something changes without new input."""
        due = self._compute_due()
        if due == _NEVER:
            return None
        moment = _dt(due)
        if moment.timestamp() < due:
            # datetimes hold whole microseconds: round up, so advancing to it fires it.
            moment += _MICROSECOND
        return moment

    @property
    def level(self) -> Level:
        return self._level

    @property
    def reason(self) -> Reason:
        return self._reason

    @property
    def monitoring(self) -> Monitoring:
        return self._monitoring

    @property
    def alert_id(self) -> str | None:
        return self._alert_id

    @property
    def acknowledged(self) -> bool:
        return self._acknowledged

    @property
    def last_activity(self) -> datetime | None:
        return None if self._last_activity is None else _dt(self._last_activity)

    @property
    def last_activity_entity(self) -> str | None:
        return self._last_activity_entity

    @property
    def quiet_since(self) -> datetime:
        """Since when the inactivity clock runs (last activity, check-in or away end)."""
        return _dt(self._quiet_since)

    @property
    def away(self) -> bool:
        return self._away

    @property
    def health_epoch(self) -> int:
        """Counts the moments a source's health may have changed without any output.

        A caller that shows source health need only look again when this has moved.
        """
        return self._health_epoch

    @property
    def away_until(self) -> datetime | None:
        """End of the away period; None when not away or away with no end."""
        return _dt(self._away_until) if self._away and self._away_until != _NEVER else None

    @property
    def now(self) -> datetime:
        """The latest instant the engine has been told about."""
        return _dt(self._now)

    def next_escalation(self) -> tuple[datetime, Level] | None:
        """When the level next rises by inactivity, and to what, if nothing happens."""
        if self._away or self._level is Level.CRITICAL:
            return None
        nxt = Level(self._level + 1)
        due = self._quiet_since + self._thresholds[nxt - 1]
        if self._level is Level.NORMAL and self._lost_since != _NEVER:
            due = min(due, self._lost_since + self._tuning.monitoring_lost_after_seconds)
        if self._routine_usable():
            due = min(due, max(self._now, self._routine_crossings()[nxt - 1]))
        return _dt(due), nxt

    @property
    def explanation(self) -> Explanation | None:
        """Why the routine found the current episode's silence unusual, if it did."""
        return self._explanation

    @property
    def routine_days(self) -> float:
        """Days of watched time the learned routine has seen."""
        return self._routine.days

    @property
    def routine_ready(self) -> bool:
        """Whether the learned routine has seen enough to raise levels early."""
        return self._routine.ready

    def adopt_routine(self, seeded: Household) -> None:
        """Use the routine `seeded` learned (from history) when it has seen as much.

        Seeded after a source was added, it knows that source too: four weeks of it are
        as good as any longer watch, since the routine keeps only recent weeks anyway.
        """
        days = seeded._routine.days
        if days > self._routine.days or days >= FULL_DAYS:
            self._routine.adopt(seeded._routine)
            self._refresh()

    def sources_online(self) -> tuple[int, int]:
        """(sources online, sources watched)."""
        return sum(s.online for s in self._sources.values()), len(self._sources)

    def source_health(self) -> dict[str, str]:
        """Each source's health: `ok`, `stale`, `unavailable` or `invalid`."""
        return {
            s.entity_id: "stale" if s.stale else (s.classifier.fault or "ok")
            for s in self._sources.values()
        }

    # ----------------------------------------------------------------- time

    def _advance(self, ts: float) -> list[Output]:
        """Process every deadline up to and including `ts`."""
        out: list[Output] = []
        due = self._compute_due()
        while due <= ts:
            self._now = due
            out += self._tick(due, ts)
            due = self._compute_due()
        self._due = due
        return out

    def _tick(self, t: float, horizon: float) -> list[Output]:
        out: list[Output] = []
        for source in self._sources.values():
            confirmed = source.classifier.confirm(t)
            if confirmed is not None:
                out += self._activity(confirmed, source.entity_id, refresh=False)
            if not source.stale and source.last_report + source.stale_after <= t:
                source.stale = True
        if self._away and self._away_until <= t:
            out += self._end_away(t)
        out += self._update_monitoring()
        out += self._raise_levels(t)
        if self._next_reminder <= t:
            out.append(self._event(EventType.REMINDER, self._level, at=t))
            interval = self._tuning.reminder_interval_seconds
            skipped = math.floor((horizon - t) / interval)  # after a time jump, one reminder
            self._next_reminder = t + (skipped + 1) * interval
        return out

    def _compute_due(self) -> float:
        due = self._next_reminder
        if self._away:
            due = min(due, self._away_until)
        elif self._level is not Level.CRITICAL:
            due = min(due, self._quiet_since + self._thresholds[self._level])
            if self._level is Level.NORMAL and self._lost_since != _NEVER:
                due = min(due, self._lost_since + self._tuning.monitoring_lost_after_seconds)
            due = min(due, self._routine_due())
        for source in self._sources.values():
            due = min(due, source.stale_at)
            pending = source.classifier.pending_until
            if pending is not None:
                due = min(due, pending)
        return due

    def _refresh(self) -> None:
        self._due = self._compute_due()

    def _routine_usable(self) -> bool:
        return self._level < self._routine_ceiling() and self._routine.ready

    def _routine_ceiling(self) -> Level:
        """The highest level the routine may raise now.

        With a source offline the home looks quieter than it is, so the routine may
        only prompt the resident (`attention`); the family hears of it by the fixed
        thresholds alone.
        """
        if self._away:
            return Level.NORMAL
        if self._monitoring is Monitoring.OK:
            return Level.WARNING
        return Level.ATTENTION if self._monitoring is Monitoring.DEGRADED else Level.NORMAL

    def _routine_due(self) -> float:
        if not self._routine_usable():
            return _NEVER
        check = self._quiet_since + self._routine.shortest_limit
        if self._now < check:
            return check  # no shorter silence is unusual: look closer only then
        attention, warning = self._routine_crossings()
        # Never in the past (a routine seeded mid-silence may find it unusual already).
        return max(self._now, attention if self._level is Level.NORMAL else warning)

    def _routine_crossings(self) -> tuple[float, float]:
        key = (self._quiet_since, self._routine.version)
        if key != self._crossing_key:
            self._crossing_key = key
            limits = (self._thresholds[0], self._thresholds[1])
            self._crossings = self._routine.crossings(self._quiet_since, limits)
        return self._crossings

    # ----------------------------------------------------------------- transitions

    def _activity(self, at: float, entity_id: str, *, refresh: bool = True) -> list[Output]:
        out: list[Output] = [Activity(_dt(at), entity_id)]
        if self._last_activity is None or at >= self._last_activity:
            self._last_activity = at
            self._last_activity_entity = entity_id
        if not self._away:  # while away, whoever is in the home is not the resident
            self._routine.learn(at)
        self._quiet_since = max(self._quiet_since, at)
        out += self._update_monitoring()
        if not self._away:
            out += self._resolve(ResolvedBy.ACTIVITY)
        if refresh:
            self._refresh()
        return out

    def _health_changed(self) -> list[Output]:
        self._health_epoch += 1
        out = self._update_monitoring()
        self._refresh()
        return out

    def _update_monitoring(self) -> list[Output]:
        any_offline = False
        activity_online = False
        for source in self._sources.values():
            if source.online:
                activity_online = activity_online or source.counts_activity
            else:
                any_offline = True
        if activity_online:
            self._lost_since = _NEVER
        elif self._lost_since == _NEVER:
            self._lost_since = self._now
        if self._away or not activity_online:
            self._routine.block()  # the home cannot be seen: this silence teaches nothing
        if self._away:
            state = Monitoring.AWAY
        elif not activity_online:
            state = Monitoring.LOST
        else:
            state = Monitoring.DEGRADED if any_offline else Monitoring.OK
        previous = self._monitoring
        if state is previous:
            return []
        self._monitoring = state
        out: list[Output] = [
            self._event(EventType.MONITORING, self._level, previous_monitoring=previous)
        ]
        if previous is Monitoring.LOST and self._reason is Reason.MONITORING_LOST:
            if self._inactivity_level(self._now) is Level.NORMAL:
                out += self._resolve(ResolvedBy.MONITORING_RESTORED)
            else:
                self._reason = Reason.INACTIVITY
        return out

    def _inactivity_level(self, t: float) -> Level:
        # Compared as `t >= since + threshold`, the very sum `_compute_due` schedules, so a
        # tick at a deadline always sees it reached (no float rounding between the two).
        since = self._quiet_since
        attention, warning, critical = self._thresholds
        if t >= since + critical:
            return Level.CRITICAL
        if t >= since + warning:
            return Level.WARNING
        if t >= since + attention:
            return Level.ATTENTION
        return Level.NORMAL

    def _raise_levels(self, t: float) -> list[Output]:
        if self._away:
            return []
        target = self._inactivity_level(t)
        reason = Reason.INACTIVITY
        lost_due = self._lost_since + self._tuning.monitoring_lost_after_seconds
        if target is Level.NORMAL and t >= lost_due:
            target, reason = Level.ATTENTION, Reason.MONITORING_LOST
        unusual = self._unusual_level(t)
        if unusual > target:
            target, reason = unusual, Reason.UNUSUAL_INACTIVITY
            if self._level < target:
                self._explanation = self._routine.explain(self._quiet_since, t)
        out: list[Output] = []
        while self._level < target:  # one alert per level, so every rung of a chain hears it
            previous = self._level
            if previous is Level.NORMAL:
                self._episodes += 1
                self._alert_id = f"{_dt(t):%Y%m%dT%H%M%SZ}-{self._episodes}"
            self._level = Level(previous + 1)
            self._reason = reason
            self._acknowledged = False
            interval = self._tuning.reminder_interval_seconds
            if self._level >= Level.WARNING and interval > 0:
                self._next_reminder = t + interval
            out.append(self._event(EventType.ALERT, previous, at=t))
        return out

    def _unusual_level(self, t: float) -> Level:
        if not self._routine_usable() or t < self._quiet_since + self._routine.shortest_limit:
            return Level.NORMAL
        attention, warning = self._routine_crossings()
        if t >= warning:
            return min(Level.WARNING, self._routine_ceiling())
        return Level.ATTENTION if t >= attention else Level.NORMAL

    def _resolve(self, by: ResolvedBy) -> list[Output]:
        if self._level is Level.NORMAL:
            return []
        previous = self._level
        event_reason = self._reason
        self._level = Level.NORMAL
        self._next_reminder = _NEVER
        event = self._event(EventType.RESOLVED, previous, resolved_by=by, reason=event_reason)
        self._reason = Reason.NONE
        self._alert_id = None
        self._acknowledged = False
        self._explanation = None
        return [event]

    def _end_away(self, t: float) -> list[Output]:
        self._away = False
        self._away_until = _NEVER
        self._quiet_since = max(self._quiet_since, t)
        self._lost_since = _NEVER  # a fresh clock for monitoring loss too, if still lost
        return self._update_monitoring()

    def _event(
        self,
        kind: EventType,
        previous_level: Level,
        *,
        at: float | None = None,
        previous_monitoring: Monitoring | None = None,
        by: str | None = None,
        resolved_by: ResolvedBy | None = None,
        reason: Reason | None = None,
    ) -> CareEvent:
        t = self._now if at is None else at
        return CareEvent(
            type=kind,
            time=_dt(t),
            level=self._level,
            previous_level=previous_level,
            reason=self._reason if reason is None else reason,
            alert_id=self._alert_id,
            last_activity=self.last_activity,
            last_activity_entity=self._last_activity_entity,
            inactive_seconds=max(0, int(t - self._quiet_since)),
            monitoring=self._monitoring,
            previous_monitoring=previous_monitoring,
            by=by,
            resolved_by=resolved_by,
            explanation=self._explanation,
        )

    def _sun_is_up(self, ts: float) -> bool | None:
        if self._location is None:
            return None
        bucket = ts // _SUN_BUCKET
        if bucket != self._sun_bucket:
            self._sun_bucket = bucket
            latitude, longitude = self._location
            # At the bucket's start, not at `ts`: the answer must not depend on which
            # reading came first in the bucket (or on a restore in between).
            elevation = sun_elevation(latitude, longitude, bucket * _SUN_BUCKET)
            self._sun_up = elevation > self._tuning.light_sun_elevation
        return self._sun_up

    # ----------------------------------------------------------------- persistence

    def to_dict(self) -> dict[str, Any]:
        """The engine's memory as a small JSON-able dict (infinite times become None)."""

        def t(value: float) -> float | None:
            return None if value == _NEVER else value

        return {
            "version": STATE_VERSION,
            "now": self._now,
            "quiet_since": self._quiet_since,
            "last_activity": self._last_activity,
            "last_activity_entity": self._last_activity_entity,
            "level": self._level.key,
            "reason": self._reason.value,
            "alert_id": self._alert_id,
            "episodes": self._episodes,
            "acknowledged": self._acknowledged,
            "next_reminder": t(self._next_reminder),
            "away": self._away,
            "away_until": t(self._away_until),
            "lost_since": t(self._lost_since),
            "monitoring": self._monitoring.value,
            "explanation": None if self._explanation is None else self._explanation.as_dict(),
            "routine": self._routine.save(),
            "sources": {
                s.entity_id: {
                    "last_report": s.last_report,
                    "stale": s.stale,
                    "fault": s.classifier.fault,
                    "memory": s.classifier.save(),
                }
                for s in self._sources.values()
            },
        }

    @classmethod
    def from_dict(
        cls,
        settings: HouseholdSettings,
        data: dict[str, Any],
        location: tuple[float, float] | None = None,
        time_zone: str | None = None,
    ) -> Household:
        """Restore a household saved by `to_dict`; StateError when `data` is unusable.

        Sources added to the settings since start fresh; sources removed are forgotten.
        """
        try:
            return cls._restore(settings, data, location, time_zone)
        except StateError:
            raise
        except (AttributeError, KeyError, TypeError, ValueError, OverflowError) as err:
            raise StateError(f"stored state is damaged: {err}") from err

    @classmethod
    def _restore(
        cls,
        settings: HouseholdSettings,
        data: dict[str, Any],
        location: tuple[float, float] | None,
        time_zone: str | None,
    ) -> Household:
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise StateError("stored state has an unknown version")

        def num(key: str) -> float:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise StateError(f"stored state field {key} is not a number")
            if not math.isfinite(value):
                raise StateError(f"stored state field {key} is not finite")
            return float(value)

        def opt(key: str) -> float:
            return _NEVER if data.get(key) is None else num(key)

        now = num("now")
        household = cls(settings, _dt(now), location, time_zone)
        household._quiet_since = num("quiet_since")
        household._last_activity = (
            None if data.get("last_activity") is None else num("last_activity")
        )
        entity = data.get("last_activity_entity")
        household._last_activity_entity = entity if isinstance(entity, str) else None
        household._level = Level.from_key(data["level"])
        household._reason = Reason(data["reason"])
        alert_id = data.get("alert_id")
        household._alert_id = alert_id if isinstance(alert_id, str) else None
        household._episodes = int(data.get("episodes", 0))
        household._acknowledged = data.get("acknowledged") is True
        household._next_reminder = opt("next_reminder")
        household._away = data.get("away") is True
        household._away_until = opt("away_until")
        household._lost_since = opt("lost_since")
        household._monitoring = Monitoring(data["monitoring"])
        explanation = data.get("explanation")
        if explanation is not None and household._level is not Level.NORMAL:
            household._explanation = Explanation.from_dict(explanation)
        routine = data.get("routine")
        if routine is not None:  # states saved before the routine existed have none
            household._routine.load(routine)
        if household._level is not Level.NORMAL and household._alert_id is None:
            raise StateError("stored state has a level above normal but no alert id")
        saved_sources = data.get("sources", {})
        if not isinstance(saved_sources, dict):
            raise StateError("stored state field sources is not an object")
        for entity_id, source in household._sources.items():
            saved = saved_sources.get(entity_id)
            if not isinstance(saved, dict):
                continue
            last_report = saved.get("last_report")
            if isinstance(last_report, int | float) and math.isfinite(last_report):
                source.last_report = float(last_report)
            source.stale = saved.get("stale") is True
            fault = saved.get("fault")
            source.classifier.fault = Fault(fault) if fault is not None else None
            memory = saved.get("memory")
            if isinstance(memory, dict):
                source.classifier.load(memory)
        household._refresh()
        return household


def rename_source(data: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """Saved state (from `to_dict`) with source `old` known as `new` from now on.

    An entity renamed in Home Assistant keeps what its classifier has learned.
    """
    sources = data.get("sources")
    if not isinstance(sources, dict) or old not in sources:
        return data
    renamed = {new if key == old else key: value for key, value in sources.items()}
    moved = dict(data, sources=renamed)
    if moved.get("last_activity_entity") == old:
        moved["last_activity_entity"] = new
    return moved
