"""The household state machine: care levels, deadlines, away, check-in, acknowledgement, health.

Time is passed in on every call (UTC datetimes) and never read from a clock, so the same
calls give the same outputs. A reading costs O(1) in the length of the history; a few
steps are O(number of sources), which is fixed per household.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from .appliances import APPLIANCE, LAMP, Appliances, LeftOn
from .judgement import Beginnings
from .model import (
    SENSITIVITIES,
    Activity,
    CareEvent,
    EventType,
    Explanation,
    HouseholdStatus,
    Level,
    Monitoring,
    Reason,
    ResolvedBy,
    Role,
    time_zone_of,
    tracker_away,
)
from .routine import FULL_DAYS, Routine
from .settings import ACTIVITY_ROLES, HouseholdSettings
from .signals import Classifier, LightClassifier, PowerClassifier, make_classifier
from .solar import sun_elevation

_NEVER = math.inf
# The sun's position is computed at most once per this many seconds per household.
_SUN_BUCKET = 300.0
_MICROSECOND = timedelta(microseconds=1)
# A source whose readings went offline or online within the last `_STEADY` may be flapping
# (a plug on weak Wi-Fi or Zigbee toggling `unavailable`): a change of its health then
# counts only once it has lasted `_HOLD`. A quarter of an hour is the default
# `monitoring_lost_after`, so a flapping plug that really dies still raises
# `monitoring_lost` when it would have without the hold, and a source that must hold each
# state that long changes at most 4 times an hour. A steady source's outage counts at once,
# both ways (docs/architecture.md, "Engine rules").
_HOLD = 900.0
_STEADY = 3600.0
# How a source's health is shown and counted: `ok`, or why it is offline.
_OK = "ok"

type Output = CareEvent | Activity


def _ts(moment: datetime) -> float:
    if moment.tzinfo is None:
        raise ValueError("the engine takes timezone-aware datetimes")
    return moment.timestamp()


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _is(output: Output, kind: EventType) -> bool:
    return isinstance(output, CareEvent) and output.type is kind


@dataclass(frozen=True, slots=True)
class Memory:
    """The household's own state, apart from its sources and routine (engine/state.py
    saves and restores it). Times are Unix seconds; `math.inf` means never."""

    now: float
    # The instant last told (Home Assistant's clock); `now` never goes back, this may.
    clock: float
    quiet_since: float
    last_activity: float | None
    last_activity_entity: str | None
    level: Level
    reason: Reason
    alert_id: str | None
    episodes: int
    acknowledged: bool
    next_reminder: float
    away: bool
    away_until: float
    lost_since: float
    monitoring: Monitoring
    explanation: Explanation | None
    # The local day whose signs of life are counted: its start, and the count.
    day_start: float
    activity_today: int
    # The sources whose recorded history the routine has been seeded from.
    seeded: frozenset[str]


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """How a source's health is counted (engine/state.py saves and restores it)."""

    # What monitoring counts: `ok`, `stale`, `unavailable` or `invalid`.
    health: str
    # Since when the source's readings have disagreed with `health` (a change on hold).
    held_since: float | None
    # When the offline stretch it is counted in began; None while counted online.
    offline_since: float | None
    # When its readings last went offline or online (None: never).
    changed_at: float | None
    # Counted offline at once (it had been steady), so its return counts at once too.
    prompt: bool


class _Source:
    """One watched entity: its classifier, how recently it reported, and its counted health.

    `online` is what its readings show; `health` is what monitoring counts. A steady
    source's outage counts at once, both ways; any other change counts once it has lasted
    `_HOLD`, so a flapping source changes its counted health a few times an hour at most.
    """

    __slots__ = (
        "changed_at",
        "classifier",
        "counts_activity",
        "entity_id",
        "health",
        "held_since",
        "last_report",
        "offline_since",
        "prompt",
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
        self.health = _OK
        self.held_since: float | None = None
        self.offline_since: float | None = None
        self.changed_at: float | None = None
        self.prompt = False

    @property
    def online(self) -> bool:
        return self.classifier.fault is None and not self.stale

    @property
    def actual(self) -> str:
        """The health its readings show."""
        return "stale" if self.stale else (self.classifier.fault or _OK)

    @property
    def counted_online(self) -> bool:
        return self.health == _OK

    @property
    def stale_at(self) -> float:
        return _NEVER if self.stale else self.last_report + self.stale_after

    @property
    def held_until(self) -> float:
        """When the change on hold counts."""
        return _NEVER if self.held_since is None else self.held_since + _HOLD

    def track(self, t: float, changed: bool) -> bool:
        """Follow its readings at `t` (`changed`: they just went offline or online);
        True when the counted health changed."""
        steady = self.changed_at is None or t - self.changed_at >= _STEADY
        if changed:
            self.changed_at = t
        actual = self.actual
        if actual == self.health:
            self.held_since = None
            return False
        if (actual == _OK) == (self.health == _OK):
            # Still offline, for another reason: told once it has lasted the hold, so a
            # storm between two offline states (unavailable, garbage) moves nothing.
            if self.held_since is None:
                self.held_since = t
            if t < self.held_until:
                return False
            self.health = actual
            self.held_since = None
            return True
        if self.held_since is None:
            at_once = changed and (steady if actual != _OK else self.prompt)
            if at_once:
                self._count(actual, t, prompt=actual != _OK)
                return True
            self.held_since = t
        if t < self.held_until:
            return False
        self._count(actual, self.held_since, prompt=False)
        return True

    def _count(self, actual: str, since: float, *, prompt: bool) -> None:
        self.health = actual
        self.offline_since = None if actual == _OK else since
        self.held_since = None
        self.prompt = prompt

    def came_back(self) -> None:
        """An activity proves the source works: it counts as online at once."""
        self.held_since = None
        if self.health != _OK:
            self._count(_OK, 0.0, prompt=False)

    def shift(self, seconds: float) -> None:
        """Move the source's clocks `seconds` back (the clock was set back)."""
        self.last_report -= seconds
        if self.held_since is not None:
            self.held_since -= seconds
        if self.offline_since is not None:
            self.offline_since -= seconds
        if self.changed_at is not None:
            self.changed_at -= seconds
        self.classifier.shift(seconds)


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
        self._zone = time_zone_of(time_zone)
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
        self._clock = start
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
        self._routine = Routine(settings.sensitivity, settings.warning_after, self._zone)
        self._explanation: Explanation | None = None
        self._crossing_key: tuple[float, int, int] | None = None
        self._crossings = (_NEVER, _NEVER)
        self._init_detection(settings)
        self._day_start, self._day_end = self._local_day(start)
        self._activity_today = 0
        self._seeded: frozenset[str] = frozenset()
        # While deadlines are caught up: the instant their events are told (see `_fired`).
        self._firing: float | None = None
        # The status is rebuilt, lazily, only after something that may change it.
        self._status: HouseholdStatus | None = None
        self._changed = True
        self._refresh()

    # ----------------------------------------------------------------- memory

    def memory(self) -> Memory:
        """The household's own state, for engine/state.py to save."""
        return Memory(
            now=self._now,
            clock=self._clock,
            quiet_since=self._quiet_since,
            last_activity=self._last_activity,
            last_activity_entity=self._last_activity_entity,
            level=self._level,
            reason=self._reason,
            alert_id=self._alert_id,
            episodes=self._episodes,
            acknowledged=self._acknowledged,
            next_reminder=self._next_reminder,
            away=self._away,
            away_until=self._away_until,
            lost_since=self._lost_since,
            monitoring=self._monitoring,
            explanation=self._explanation,
            day_start=self._day_start,
            activity_today=self._activity_today,
            seeded=self._seeded,
        )

    def restore(self, memory: Memory) -> None:
        """Take up `memory` (already checked by engine/state.py) as this household's state."""
        self._now = memory.now
        self._clock = memory.clock
        self._quiet_since = memory.quiet_since
        self._last_activity = memory.last_activity
        self._last_activity_entity = memory.last_activity_entity
        self._level = memory.level
        self._reason = memory.reason
        self._alert_id = memory.alert_id
        self._episodes = memory.episodes
        self._acknowledged = memory.acknowledged
        self._next_reminder = memory.next_reminder
        self._away = memory.away
        self._away_until = memory.away_until
        self._lost_since = memory.lost_since
        self._monitoring = memory.monitoring
        self._explanation = memory.explanation if memory.level is not Level.NORMAL else None
        self._day_start, self._day_end = self._local_day(memory.day_start)
        self._activity_today = memory.activity_today
        self._seeded = memory.seeded
        self._refresh()

    @property
    def zone(self) -> ZoneInfo | None:
        """The household's time zone (None: UTC)."""
        return self._zone

    @property
    def routine(self) -> Routine:
        """The learned routine (engine/state.py saves and restores it)."""
        return self._routine

    def source_memories(self) -> dict[str, Classifier]:
        """Each source's classifier, by entity id (engine/state.py saves their memory)."""
        return {entity_id: source.classifier for entity_id, source in self._sources.items()}

    def source_clock(self, entity_id: str) -> tuple[float, bool]:
        """(last report, stale) of a source, for engine/state.py to save."""
        source = self._sources[entity_id]
        return source.last_report, source.stale

    def restore_source_clock(self, entity_id: str, last_report: float, stale: bool) -> None:
        """Take up a saved source's last report and staleness."""
        source = self._sources[entity_id]
        source.last_report = last_report
        source.stale = stale
        self._refresh()

    def source_counted(self, entity_id: str) -> SourceHealth:
        """How a source's health is counted, for engine/state.py to save."""
        source = self._sources[entity_id]
        return SourceHealth(
            source.health, source.held_since, source.offline_since, source.changed_at,
            source.prompt,
        )  # fmt: skip

    def restore_source_counted(self, entity_id: str, saved: SourceHealth | None) -> None:
        """Take up a saved source's counted health (None: a save from before it was kept,
        counted as its readings show it). Call after its clock and fault are restored."""
        source = self._sources[entity_id]
        if saved is None:  # offline as before: its return counts at once, as it used to
            offline = source.actual != _OK
            saved = SourceHealth(source.actual, None, None, None, prompt=offline)
        source.health = saved.health
        source.held_since = saved.held_since
        source.offline_since = saved.offline_since
        if source.offline_since is None and saved.health != _OK:
            source.offline_since = self._clock
        source.changed_at = saved.changed_at
        source.prompt = saved.prompt
        self._refresh()

    # ----------------------------------------------------------------- inputs

    def observe(self, entity_id: str, state: str, at: datetime) -> list[Output]:
        """A source's new state at `at`; returns the activity and care events it causes.

        `at` is on Home Assistant's clock: a time before the engine's clock means that
        clock was set back, so the reading keeps its own time and the running clocks move
        back with it (`_rewind`).
        """
        ts = _ts(at)
        if entity_id in self._sources:
            self._rewind(ts)
        return self.observe_ts(entity_id, state, ts)

    def observe_ts(self, entity_id: str, state: str, ts: float) -> list[Output]:
        """`observe` for recorded history (the replay's fast path, seeding): a row earlier
        than one already taken is a late row, taken as happening at the engine's clock."""
        source = self._sources.get(entity_id)
        if source is None:
            if entity_id == self.settings.resident:
                return self.resident_state(_dt(max(ts, self._clock)), state)
            return []  # a fresh list each time: callers may keep and extend what they get
        ts = max(ts, self._clock)
        out = self._advance(ts) if ts >= self._due else []
        self._at(ts)
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
        self._track(source, ts if activity is None else activity)
        changed = source.online != was_online
        counted = source.track(ts, changed)
        if activity is not None:
            source.came_back()
            out = [*out, *self._activity(activity, entity_id)]
        elif counted:
            out = [*out, *self._health_changed()]
        elif was_stale or changed or classifier.pending_until is not None:
            self._refresh()  # a deadline moved (staleness, a change on hold)
        return out

    def report(self, entity_id: str, at: datetime) -> list[Output]:
        """A source reported its unchanged state at `at` (HA's `state_reported`)."""
        source = self._sources.get(entity_id)
        if source is None:
            return []
        ts = _ts(at)
        self._rewind(ts)
        out = self._advance(ts) if ts >= self._due else []
        self._at(ts)
        source.last_report = ts
        if source.stale:
            source.stale = False
            if source.track(ts, source.online):
                out = [*out, *self._health_changed()]
            else:
                self._refresh()
        return out

    def advance(self, now: datetime) -> list[Output]:
        """Let time run to `now`: fire every deadline that has passed, in order."""
        ts = _ts(now)
        self._rewind(ts)  # after which nothing is due before `ts`
        # A deadline may fall due at the engine's own instant (the routine, seeded
        # mid-silence, finds the silence unusual already): it fires now, so the glue's
        # timer at that instant is never re-armed there again and again.
        out = self._advance(ts) if ts >= self._due else []
        self._at(ts)
        return out

    def check_in(self, now: datetime) -> list[Output]:
        """The resident (or someone on their behalf) says all is well."""
        out = self.advance(now)
        self._quiet_since = max(self._quiet_since, self._clock)
        if self._lost_since != _NEVER:
            # The home still cannot be seen, but someone just vouched for the resident: the
            # loss counts from now, so the alert does not come straight back.
            self._lost_since = self._clock
        out += self._resolve(ResolvedBy.CHECK_IN)
        self._refresh()
        self._changed = True
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
        self._changed = True
        return out

    def set_away(self, now: datetime, until: datetime | None) -> list[Output]:
        """The resident is away (or in hospital) until `until` (None: until `end_away`).

        ValueError, with nothing changed, when `until` is not in the future.
        """
        until_ts = _NEVER if until is None else _ts(until)
        if until_ts <= _ts(now):
            raise ValueError("away must end in the future")
        out = self.advance(now)
        out += self._resolve(ResolvedBy.CHECK_IN)
        self._away = True
        self._away_until = until_ts
        self._presence_away = False
        out += self._update_monitoring()
        self._refresh()
        self._changed = True
        return out

    def end_away(self, now: datetime) -> list[Output]:
        """The resident is back: monitoring resumes with a fresh inactivity clock."""
        out = self.advance(now)
        if self._away:
            out += self._end_away(self._clock)
        self._refresh()
        self._changed = True
        return out

    def resume(self, now: datetime, down_since: datetime | None = None) -> list[Output]:
        """Watching again at `now` after nobody watched since `down_since` (a restart).

        `down_since` defaults to the last instant the engine knew. Inactivity accrued
        meanwhile counts, so levels passed while down are raised now; the sources are not
        blamed for the silence (their stale clocks restart at `now`). Every event this
        returns carries the downtime; when nothing else happens and the downtime was longer
        than `monitoring_lost_after`, a `monitoring` event says monitoring was lost and is
        back, so whoever looks after the hardware hears of the gap. Reminders are left out
        when the catch-up raises an alert, and `inactive_seconds` is measured at `now`.
        """
        now_ts = _ts(now)
        self._rewind(now_ts)  # the clock was set back while nobody watched
        start = self._clock if down_since is None else max(self._clock, _ts(down_since))
        out = self.advance(_dt(start))
        resume_ts = max(now_ts, start)
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
        # Told all at once, the catch-up needs no reminders when it raises an alert, and
        # each event tells the silence as it is now, not as it was at its deadline.
        raised_alert = any(_is(i, EventType.ALERT) for i in (*out, *woke))
        inactive = int(resume_ts - self._quiet_since)
        told: list[Output] = []
        for item, after_downtime in [*((i, False) for i in out), *((i, True) for i in woke)]:
            if not isinstance(item, CareEvent):
                told.append(item)
            elif not (raised_alert and item.type is EventType.REMINDER):
                down = downtime if after_downtime else item.downtime_seconds
                told.append(replace(item, downtime_seconds=down, inactive_seconds=inactive))
        self._changed = True
        return told

    # ----------------------------------------------------------------- outputs

    def next_deadline(self) -> datetime | None:
        """The earliest instant at which something changes without new input."""
        due = self._due = self._compute_due()
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
    def due(self) -> float:
        """`next_deadline()` as a Unix time (infinite when none): cheap to compare.

        It may lie earlier than the true deadline after readings that only delayed one
        (a report postpones staleness); advancing to it then finds nothing due.
        """
        return self._due

    @property
    def status(self) -> HouseholdStatus:
        """Everything the household shows; the same object until something in it changed."""
        status = self._status
        if status is None or self._changed:
            self._changed = False
            built = self._build_status()
            if status is None or built != status:
                self._status = status = built
        return status

    def _build_status(self) -> HouseholdStatus:
        escalation = self.next_escalation()
        health = self.source_health()
        return HouseholdStatus(
            level=self._level,
            reason=self._reason,
            alert_id=self._alert_id,
            acknowledged=self._acknowledged,
            monitoring=self._monitoring,
            last_activity=self.last_activity,
            last_activity_entity=self._last_activity_entity,
            quiet_since=_dt(self._quiet_since),
            next_escalation=None if escalation is None else escalation[0],
            next_level=None if escalation is None else escalation[1],
            away_until=self.away_until,
            activity_today=self._activity_today,
            sources_online=sum(value == "ok" for value in health.values()),
            sources_total=len(health),
            source_health=tuple(health.items()),
            routine_days=round(self._routine.days, 1),
            routine_ready=self._routine.ready,
            explanation=self._explanation,
        )

    @property
    def away_until(self) -> datetime | None:
        """End of the away period; None when not away or away with no end."""
        return _dt(self._away_until) if self._away and self._away_until != _NEVER else None

    @property
    def now(self) -> datetime:
        """The latest instant the engine has been told about (it never goes back)."""
        return _dt(self._now)

    @property
    def clock(self) -> datetime:
        """The instant last told: Home Assistant's clock, which goes back when that clock
        is set back. Deadlines are on this clock; the next one always lies after it."""
        return _dt(self._clock)

    def next_escalation(self) -> tuple[datetime, Level] | None:
        """When the level next rises by inactivity, and to what, if nothing happens."""
        if self._away or self._level is Level.CRITICAL:
            return None
        nxt = Level(self._level + 1)
        due = self._quiet_since + self._thresholds[nxt - 1]
        if self._level is Level.NORMAL and self._lost_since != _NEVER:
            due = min(due, self._lost_since + self._tuning.monitoring_lost_after_seconds)
        if self._routine_usable():
            due = min(due, max(self._clock, self._routine_crossings()[nxt - 1]))
        left = self._left_on_now()
        if left is not None and nxt <= self._routine_ceiling():
            due = min(due, max(self._clock, (left.attention, left.warning)[nxt - 1]))
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

    @property
    def routine_sources(self) -> frozenset[str]:
        """The sources whose recorded history the routine has been seeded from."""
        return self._seeded

    def adopt_routine(self, seeded: Household | None, sources: Iterable[str]) -> None:
        """Use the routine `seeded` learned from the history of `sources`, when it has seen
        as much (None: there was no history to learn from); `sources` count as seeded.

        Seeded after a source was added, it knows that source too: four weeks of it are
        as good as any longer watch, since the routine keeps only recent weeks anyway.
        """
        self._seeded = frozenset(sources)
        if seeded is not None:
            days = seeded._routine.days
            if days > self._routine.days or days >= FULL_DAYS:
                self._routine.adopt(seeded._routine)
                self._refresh()
        self._changed = True

    def rename_source(self, old: str, new: str) -> None:
        """Source `old` is known as `new` from now on (renamed in Home Assistant): it keeps
        what its classifier learned, its health, and its place as the last activity."""
        source = self._sources.pop(old, None)
        if source is None or new in self._sources:
            if source is not None:
                self._sources[old] = source
            return
        source.entity_id = new
        self._sources[new] = source
        if self._last_activity_entity == old:
            self._last_activity_entity = new
        if old in self._seeded:
            self._seeded = (self._seeded - {old}) | {new}
        self._rename_detection(old, new)
        self._changed = True

    def _rename_detection(self, old: str, new: str) -> None:
        """What the appliance and beginnings models learned of `old` is now `new`'s."""
        self._appliances.rename(old, new)
        self._beginnings.rename(old, new)
        if self._explanation is not None and self._explanation.source == old:
            self._explanation = replace(self._explanation, source=new)
        self._refresh()

    def source_health(self) -> dict[str, str]:
        """Each source's health: `ok`, `stale`, `unavailable` or `invalid`."""
        return {s.entity_id: s.health for s in self._sources.values()}

    # ----------------------------------------------------------------- time

    def _advance(self, ts: float) -> list[Output]:
        """Process every deadline up to and including `ts`; their events are told at `ts`."""
        out: list[Output] = []
        due = self._compute_due()
        self._firing = ts
        while due <= ts:
            if due > self._clock:
                self._at(due)
            out += self._tick(due)
            due = self._compute_due()
        self._firing = None
        self._due = due
        if len(out) > 1 and any(_is(i, EventType.ALERT) for i in out):
            # Caught up late, a level rose: its alert is the news, not a reminder of a lower
            # level told in the same instant (a reminder follows an interval after the alert).
            out = [i for i in out if not _is(i, EventType.REMINDER)]
        return out

    def _tick(self, t: float) -> list[Output]:
        out: list[Output] = []
        self._changed = True
        if t >= self._day_end:
            self._roll_day(t)
        for source in self._sources.values():
            confirmed = source.classifier.confirm(t)
            if confirmed is not None:
                out += self._activity(confirmed, source.entity_id, refresh=False)
            went_stale = not source.stale and source.last_report + source.stale_after <= t
            if went_stale:
                source.stale = True
            self._track(source, t if confirmed is None else confirmed)
            source.track(t, went_stale and source.classifier.fault is None)
        if self._away and self._away_until <= t:
            out += self._end_away(t)
        out += self._update_monitoring()
        out += self._raise_levels(t)
        if self._next_reminder <= t:
            out.append(self._event(EventType.REMINDER, self._level, at=t))
            # The next one an interval after this one is told: one reminder after a time jump
            # (none when reminders were switched off since this one was due).
            interval = self._tuning.reminder_interval_seconds
            self._next_reminder = self._fired(t) + interval if interval > 0 else _NEVER
        return out

    def _at(self, ts: float) -> None:
        """`ts` (not before the clock) is the current instant."""
        self._clock = ts
        self._now = max(self._now, ts)

    def _fired(self, t: float) -> float:
        """The instant an event due at `t` is told: later than `t` when caught up late."""
        return t if self._firing is None else max(t, self._firing)

    def _rewind(self, ts: float) -> None:
        """The clock went back to `ts`: Home Assistant's clock was set back (or a reading
        came late). Every running clock moves back with it, so the silence, a monitoring
        loss, a reminder and a change on hold keep what they had counted, and no deadline
        waits for the old time to come round again; levels stay as they are. `now` keeps
        the latest instant ever told."""
        back = self._clock - ts
        if back <= 0:
            return
        self._clock = ts
        self._quiet_since -= back
        if self._last_activity is not None:
            self._last_activity -= back
        if self._lost_since != _NEVER:
            self._lost_since -= back
        if self._next_reminder != _NEVER:
            self._next_reminder -= back
        for source in self._sources.values():
            source.shift(back)
        self._routine.block()  # a silence across the jump cannot be measured
        self._changed = True
        self._refresh()

    def _compute_due(self) -> float:
        due = self._next_reminder
        if self._away:
            due = min(due, self._away_until)
        elif self._level is not Level.CRITICAL:
            due = min(due, self._quiet_since + self._thresholds[self._level])
            if self._level is Level.NORMAL and self._lost_since != _NEVER:
                due = min(due, self._lost_since + self._tuning.monitoring_lost_after_seconds)
            due = min(due, self._routine_due(), self._left_on_due())
        if self._activity_today:
            due = min(due, self._day_end)  # the count starts again at local midnight
        for source in self._sources.values():
            due = min(due, source.stale_at, source.held_until)
            pending = source.classifier.pending_until
            if pending is not None:
                due = min(due, pending)
        return due

    def _local_day(self, ts: float) -> tuple[float, float]:
        """The start and end (Unix times) of the local day that holds `ts`."""
        local = datetime.fromtimestamp(ts, self._zone or UTC)
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        # Aware arithmetic in one zone is wall-clock arithmetic: the next local midnight.
        return start.timestamp(), (start + timedelta(days=1)).timestamp()

    def _roll_day(self, t: float) -> None:
        self._day_start, self._day_end = self._local_day(t)
        self._activity_today = 0

    def _count_activity(self, at: float) -> None:
        if at < self._day_start:
            return  # a late activity from a day already counted
        if at >= self._day_end:
            self._roll_day(at)
        self._activity_today += 1

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
        if self._last_activity_entity in self.settings.entrances:
            # The silence began with the entrance door opening: probably out. Only the
            # resident is prompted; the family hears of it by the fixed thresholds.
            return Level.ATTENTION if self._monitoring is not Monitoring.LOST else Level.NORMAL
        if self._monitoring is Monitoring.OK:
            return Level.WARNING
        return Level.ATTENTION if self._monitoring is Monitoring.DEGRADED else Level.NORMAL

    def _routine_due(self) -> float:
        if not self._routine_usable():
            return _NEVER
        check = self._quiet_since + self._routine.shortest_limit
        if self._clock < check:
            return check  # no shorter silence is unusual: look closer only then
        attention, warning = self._routine_crossings()
        # Never in the past (a routine seeded mid-silence may find it unusual already).
        return max(self._clock, attention if self._level is Level.NORMAL else warning)

    def _routine_crossings(self) -> tuple[float, float]:
        key = (self._quiet_since, self._routine.version, self._beginnings.version)
        if key != self._crossing_key:
            self._crossing_key = key
            limits = (self._thresholds[0], self._thresholds[1])
            attention, warning = self._routine.crossings(self._quiet_since, limits)
            began = self._beginnings.current(self._quiet_since, limits)
            # How the silence began only brings the prompt forward (`attention`): alone,
            # it warned for nothing too often to tell the family (docs/accuracy.md).
            self._began = began if began is not None and began.attention < attention else None
            if began is not None:
                attention = min(attention, began.attention)
            self._crossings = (attention, warning)
        return self._crossings

    # ----------------------------------------------------------------- detection

    def _init_detection(self, settings: HouseholdSettings) -> None:
        """Appliances left on and how a silence began (docs/accuracy.md), judged with
        the routine's margins; the resident's tracker."""
        sensitivity = SENSITIVITIES[settings.sensitivity]
        margins: dict[str, float] = {
            "factor": sensitivity.factor,
            "attention_margin": sensitivity.attention_margin,
            "warning_margin": sensitivity.warning_margin,
        }
        self._appliances = Appliances(self._zone, **margins, max_session=settings.warning_after)
        self._beginnings = Beginnings(self._zone, **margins, max_gap=settings.warning_after)
        self._began = None  # set when the start of the silence judges first
        self._left_on_key: tuple[float, int] | None = None
        self._left_on: LeftOn | None = None
        self._presence_away = False  # away because the resident's tracker says so

    @property
    def appliances(self) -> Appliances:
        """How long each power and light source is usually on (engine/state.py saves it)."""
        return self._appliances

    @property
    def beginnings(self) -> Beginnings:
        """How long silences last by how they began (engine/state.py saves it)."""
        return self._beginnings

    @property
    def presence_away(self) -> bool:
        """Whether the household is away because the resident's tracker says so."""
        return self._presence_away

    def restore_detection(self, presence_away: bool) -> None:
        """Take up the saved tracker flag, once engine/state.py has loaded the appliances
        and beginnings; what they knew of sources no longer watched is forgotten."""
        self._presence_away = self._away and presence_away
        watched = set(self._sources)
        self._appliances.keep_only(watched)
        self._beginnings.keep_only(watched)
        self._changed = True
        self._refresh()

    def resident_state(self, now: datetime, state: str | None) -> list[Output]:
        """The resident's tracker shows `state` (None: it is gone); see `tracker_away`."""
        return self.resident_away(now, tracker_away(state))

    def resident_away(self, now: datetime, away: bool) -> list[Output]:
        """The resident's tracker (a `person` or `device_tracker`) says away or home.

        Away: the household is away with no end (no inactivity alerts, the routine learns
        nothing) until the tracker says home again. An away period someone set by hand is
        left to its own end.
        """
        if away:
            if self._away:
                return self.advance(now)
            out = self.set_away(now, None)
            self._presence_away = True
            return out
        if not self._presence_away:
            return self.advance(now)
        self._presence_away = False
        return self.end_away(now)

    def _track(self, source: _Source, ts: float) -> None:
        """Tell the appliance model whether `source` is on (power and light sources)."""
        classifier = source.classifier
        if isinstance(classifier, PowerClassifier):
            on: bool | None = classifier.switched_on
            kind = APPLIANCE
        elif isinstance(classifier, LightClassifier):
            on, kind = classifier.lit, LAMP
        else:
            return
        version = self._appliances.version
        if source.online:
            self._appliances.update(source.entity_id, kind, ts, on)
        else:
            self._appliances.drop(source.entity_id)
        if self._appliances.version != version:
            self._changed = True  # the next escalation may have moved
            self._refresh()

    def _left_on_now(self) -> LeftOn | None:
        key = (self._quiet_since, self._appliances.version)
        if key != self._left_on_key:
            self._left_on_key = key
            self._left_on = self._appliances.left_on(self._quiet_since)
        return self._left_on

    def _left_on_due(self) -> float:
        if self._level >= self._routine_ceiling():
            return _NEVER
        left = self._left_on_now()
        if left is None:
            return _NEVER
        return max(self._clock, left.attention if self._level is Level.NORMAL else left.warning)

    def _left_on_level(self, t: float) -> Level:
        left = self._left_on_now()
        if left is None or t < left.attention:
            return Level.NORMAL
        return min(Level.WARNING if t >= left.warning else Level.ATTENTION, self._routine_ceiling())

    def _judged(self, reason: Reason, t: float) -> Explanation:
        """The explanation of an alert the routine, a beginning or an appliance raised."""
        clock = self._routine.clock
        left = self._left_on_now()
        if reason is Reason.APPLIANCE_LEFT_ON and left is not None:
            return Explanation(
                usual_activities=0, window_start=clock(left.on_since), window_end=clock(t),
                quiet_since=clock(self._quiet_since),
                usual_longest_minutes=round(left.usual_seconds / 60.0), kind=left.kind,
                source=left.entity_id, on_since=clock(left.on_since),
                usually_off_by=clock(left.on_since + left.usual_seconds),
            )  # fmt: skip
        began = self._began
        if began is not None and began.since == self._quiet_since:
            return Explanation(
                usual_activities=0, window_start=clock(began.since), window_end=clock(t),
                quiet_since=clock(began.since),
                usual_longest_minutes=round(began.usual_seconds / 60.0), kind="began",
                source=began.entity_id, edge=began.edge,
            )  # fmt: skip
        return self._routine.explain(self._quiet_since, t)

    def _edge(self, entity_id: str) -> str:
        """How a source's activity began a silence: switched on, switched off, or seen."""
        classifier = self._sources[entity_id].classifier
        if isinstance(classifier, PowerClassifier):
            return "on" if classifier.switched_on else "off"
        if isinstance(classifier, LightClassifier):
            return "on" if classifier.lit else "off"
        return "seen"

    # ----------------------------------------------------------------- transitions

    def _activity(self, at: float, entity_id: str, *, refresh: bool = True) -> list[Output]:
        out: list[Output] = [Activity(_dt(at), entity_id)]
        self._changed = True
        self._count_activity(at)
        if self._last_activity is None or at >= self._last_activity:
            self._last_activity = at
            self._last_activity_entity = entity_id
        if not self._away:  # while away, whoever is in the home is not the resident
            self._beginnings.learn(entity_id, self._edge(entity_id), at,
                                   blocked=self._routine.blocked)  # fmt: skip
            self._routine.learn(at)
        self._quiet_since = max(self._quiet_since, at)
        out += self._update_monitoring()
        if not self._away:
            out += self._resolve(ResolvedBy.ACTIVITY)
        if refresh:
            self._refresh()
        return out

    def _health_changed(self) -> list[Output]:
        self._changed = True
        out = self._update_monitoring()
        self._refresh()
        return out

    def _update_monitoring(self) -> list[Output]:
        # Counted health (a flapping source's changes held back), so one flapping plug
        # neither floods monitoring events nor restarts the loss clock at every toggle.
        any_offline = False
        activity_online = False
        went_dark = -_NEVER  # when the last activity source went offline
        for source in self._sources.values():
            if source.counted_online:
                activity_online = activity_online or source.counts_activity
            else:
                any_offline = True
                if source.counts_activity and source.offline_since is not None:
                    went_dark = max(went_dark, source.offline_since)
        if activity_online:
            self._lost_since = _NEVER
        elif self._lost_since == _NEVER:
            # From when it went dark, not from when a held-back change counted.
            self._lost_since = min(self._clock, went_dark) if went_dark > -_NEVER else self._clock
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
            if self._inactivity_level(self._clock) is Level.NORMAL:
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
        left_on = self._left_on_level(t)
        if left_on > target or (left_on is target and reason is Reason.UNUSUAL_INACTIVITY):
            target, reason = left_on, Reason.APPLIANCE_LEFT_ON
        if reason in {Reason.UNUSUAL_INACTIVITY, Reason.APPLIANCE_LEFT_ON} and self._level < target:
            self._explanation = self._judged(reason, t)
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
                # From when the alert is told: no reminder in the instant of its alert.
                self._next_reminder = self._fired(t) + interval
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
        self._presence_away = False
        self._away_until = _NEVER
        self._quiet_since = max(self._quiet_since, t)
        self._lost_since = _NEVER  # a fresh clock for monitoring loss too, if still lost
        out = self._update_monitoring()
        if self._lost_since != _NEVER:
            self._lost_since = max(self._lost_since, t)
        return out

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
        t = self._clock if at is None else at
        return CareEvent(
            type=kind,
            time=_dt(t),
            level=self._level,
            previous_level=previous_level,
            reason=self._reason if reason is None else reason,
            alert_id=self._alert_id,
            last_activity=self.last_activity,
            last_activity_entity=self._last_activity_entity,
            # The silence when the event is told, which is later than `t` when caught up late.
            inactive_seconds=max(0, int(self._fired(t) - self._quiet_since)),
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
