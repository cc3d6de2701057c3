"""Accuracy: how fast an emergency reaches `warning`, and how often `warning` is false.

Run from the repo root: `.venv/bin/python -m benchmarks.accuracy [--quick] [--seed N]
[--write-doc]`. docs/accuracy.md explains the protocol and shows the table.

The protocol follows Wilhelm & Wahl (Sensors 2024, "Emergency Detection in Smart Homes
Using Inactivity Score"): emergencies at random instants, the time from each instant to
the first `warning`, and false `warning`s per day on the same data without emergencies.

Columns are homes; rows are detectors:

- Simulated households (`simulator`): each profile with its own routine, learning for
  `LEARN_DAYS` days and then evaluated for `EVAL_DAYS` days. Nights away (absences longer
  than `TRIP_HOURS`) are announced with away mode, as a resident leaving for the night
  is asked to; outings are not announced. Emergencies come from a copy of the simulation
  taken at the local midnight before the instant, with `stop_at` set to the instant (the
  simulator guarantees the readings before it are unchanged), fed to the engines restored
  from their state saved at that midnight.
- Open Smart Home (`../shared/data`): 90 days of lux in six rooms of a lived-in flat. An
  emergency holds every room at what its lamps gave at the instant; daylight carries on.
- The learned routine rows are the engine itself (`Household`) with the default
  thresholds (risk group at_risk: 12 h / 24 h / 36 h) at each sensitivity.
- The fixed-timer rows are a fixed `warning_after` of 24 h, 36 h or 50 h. The engine has
  no switch to leave its routine out, and the routine may only bring levels forward, so
  these rows are computed from the engine's own `Activity` outputs exactly as its fixed
  thresholds work: a level is due `threshold` after the later of the last activity and
  the end of an away period; activity resolves; nothing rises while away.

Every plug and lux sensor also reports its unchanged state every `HEARTBEAT_S` (Home
Assistant's `state_reported`), as real plugs do; without it an unused kettle would be
taken for a dead source. Nothing is written unless `--write-doc` is given.
"""

from __future__ import annotations

import argparse
import copy
import csv
import gzip
import json
import math
import random
import statistics
import sys
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from custom_components.care_plug.engine.model import (
    SENSITIVITIES,
    Activity,
    CareEvent,
    EventType,
    Level,
)
from custom_components.care_plug.engine.monitor import Household
from custom_components.care_plug.engine.settings import HouseholdSettings
from custom_components.care_plug.engine.solar import sun_elevation
from custom_components.care_plug.engine.state import from_dict, to_dict
from simulator import PROFILES, Simulation

HOUR = 3600.0
DAY = 86400.0
LEARN_DAYS = 28
EVAL_DAYS = 90
QUICK_EVAL_DAYS = 30
EMERGENCIES = 40  # per household
QUICK_EMERGENCIES = 10
SEEDS = 2  # simulated households per profile
QUICK_SEEDS = 1
# An emergency not at `warning` this long after its instant counts as this long (missed).
CAP_S = 72 * HOUR
HEARTBEAT_S = 1800.0
TRIP_HOURS = 12.0
FIXED_TIMERS_H = (24, 36, 50)
FIXED_ATTENTION_H = 12.0  # as in every risk group
SENSITIVITY_ORDER = ("low", "normal", "high")
DEFAULT_OPTIONS: dict[str, Any] = {"risk_group": "at_risk"}  # 12 h / 24 h / 36 h
# The target (issue 5): at the default sensitivity, on the simulated households.
# Targets at the default sensitivity: all simulated households, then the municipal kit.
TARGET_MEAN_S = 7 * HOUR
TARGET_FALSE_PER_30_DAYS = 1.0
TARGET_MUNICIPAL_MEAN_S = 8 * HOUR
TARGET_MUNICIPAL_FALSE_PER_30_DAYS = 1.5
MUNICIPAL = "municipal_plug"
# Wilhelm & Wahl's published figures, for the comparison line.
PUBLISHED_MEAN_S = 5 * HOUR + 23 * 60
PUBLISHED_FALSE_PER_DAY = 0.09

DATA_DIR = Path("../shared/data")
OSH_FILE = Path("opensmarthome/opensmarthome_lux_temp_hum.csv.gz")
OSH_LOCATION = (49.45, 11.08)  # Fraunhofer IBP, Nuremberg
OSH_ZONE = "Europe/Berlin"
DOC = Path("docs/accuracy.md")
BEGIN_MARK = "<!-- accuracy:begin -->"
END_MARK = "<!-- accuracy:end -->"

# What happens to the detectors, in time order. At one instant: readings first, then
# reports, then away starting (the resident leaves after their last reading).
CHANGE, REPORT, AWAY = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Item:
    """A reading (state change), a report of an unchanged state, or away mode set."""

    ts: float
    kind: int
    entity_id: str = ""
    state: str = ""
    until: float = 0.0


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _fixed_row(hours: int) -> str:
    return f"fixed {hours} h"


def _routine_row(sensitivity: str) -> str:
    return f"routine, {sensitivity}"


REASONS = ("inactivity", "unusual_inactivity", "monitoring_lost", "appliance_left_on")
ROWS = (
    *(_fixed_row(h) for h in FIXED_TIMERS_H),
    *(_routine_row(s) for s in SENSITIVITY_ORDER),
)


# ---------------------------------------------------------------- detectors


@dataclass(slots=True)
class FixedTimer:
    """The engine's fixed thresholds alone (attention, warning), driven by its activity."""

    attention: float
    warning: float
    quiet_since: float
    level: int = 0
    away_until: float | None = None

    def check(self, ts: float) -> list[tuple[float, int]]:
        """Levels reached by `ts`: (time, level) for each."""
        if self.away_until is not None:
            if ts < self.away_until:
                return []
            self.quiet_since = max(self.quiet_since, self.away_until)
            self.away_until = None
        out: list[tuple[float, int]] = []
        for level, after in ((1, self.attention), (2, self.warning)):
            due = self.quiet_since + after
            if self.level < level <= 2 and ts >= due:
                self.level = level
                out.append((due, level))
        return out

    def activity(self, ts: float) -> list[tuple[float, int]]:
        out = self.check(ts)
        self.quiet_since = max(self.quiet_since, ts)
        if self.away_until is None:
            self.level = 0
        return out

    def set_away(self, ts: float, until: float) -> list[tuple[float, int]]:
        out = self.check(ts)
        self.level = 0
        self.away_until = until
        return out


@dataclass(frozen=True, slots=True)
class Alert:
    """A level raised: by which detector, when, to what, and why."""

    row: str
    time: float
    level: int
    reason: str


class Panel:
    """Every detector, fed the same items: the engine at each sensitivity, fixed timers."""

    def __init__(
        self,
        engines: dict[str, Household],
        fixed: dict[str, FixedTimer],
        place: tuple[tuple[float, float], str],
    ) -> None:
        self.engines = engines
        self.fixed = fixed
        self.place = place  # (location, time zone): what a restored engine needs again
        # Activity is the same at every sensitivity: one engine tells the fixed timers.
        self._witness = next(iter(engines.values()))
        self.activity_times: list[float] = []  # every activity the witness saw, in order
        self.activity_sources: list[str] = []  # and the source of each

    @classmethod
    def start(
        cls,
        options: dict[str, Any],
        now: float,
        location: tuple[float, float],
        zone: str,
        sensitivities: Sequence[str] = SENSITIVITY_ORDER,
    ) -> Panel:
        engines = {
            s: Household(
                HouseholdSettings.from_options({**options, **DEFAULT_OPTIONS, "sensitivity": s}),
                _dt(now),
                location,
                zone,
            )
            for s in sensitivities
        }
        fixed = {
            _fixed_row(h): FixedTimer(FIXED_ATTENTION_H * HOUR, h * HOUR, now)
            for h in FIXED_TIMERS_H
        }
        return cls(engines, fixed, (location, zone))

    def snapshot(self) -> tuple[dict[str, str], dict[str, FixedTimer]]:
        """The engines' saved state as stored (JSON text), and the timers."""
        saved = {s: json.dumps(to_dict(e)) for s, e in self.engines.items()}
        return saved, {row: copy.copy(t) for row, t in self.fixed.items()}

    @classmethod
    def restore(
        cls,
        snapshot: tuple[dict[str, str], dict[str, FixedTimer]],
        like: Panel,
    ) -> Panel:
        saved, fixed = snapshot
        location, zone = like.place
        engines = {
            s: from_dict(e.settings, json.loads(saved[s]), location, zone)
            for s, e in like.engines.items()
        }
        return cls(engines, {row: copy.copy(t) for row, t in fixed.items()}, like.place)

    def feed(self, item: Item) -> list[Alert]:
        out: list[Alert] = []
        for sensitivity, engine in self.engines.items():
            row = _routine_row(sensitivity)
            if item.kind == CHANGE:
                results = engine.observe_ts(item.entity_id, item.state, item.ts)
            elif item.kind == REPORT:
                results = engine.report(item.entity_id, _dt(item.ts))
            else:
                results = engine.set_away(_dt(item.ts), _dt(item.until))
            for result in results:
                if isinstance(result, CareEvent):
                    if result.type is EventType.ALERT:
                        out.append(Alert(row, result.time.timestamp(), result.level, result.reason))
                elif engine is self._witness:
                    out += self._fixed_activity(result)
        for row, timer in self.fixed.items():
            if item.kind == AWAY:
                found = timer.set_away(item.ts, item.until)
            else:
                found = timer.check(item.ts)
            out += [Alert(row, t, level, "inactivity") for t, level in found]
        return out

    def _fixed_activity(self, activity: Activity) -> list[Alert]:
        ts = activity.time.timestamp()
        self.activity_times.append(ts)
        self.activity_sources.append(activity.entity_id)
        out: list[Alert] = []
        for row, timer in self.fixed.items():
            out += [Alert(row, t, level, "inactivity") for t, level in timer.activity(ts)]
        return out

    def advance(self, ts: float) -> list[Alert]:
        out: list[Alert] = []
        for sensitivity, engine in self.engines.items():
            for result in engine.advance(_dt(ts)):
                if isinstance(result, CareEvent) and result.type is EventType.ALERT:
                    out.append(
                        Alert(
                            _routine_row(sensitivity),
                            result.time.timestamp(),
                            result.level,
                            result.reason,
                        )
                    )
        for row, timer in self.fixed.items():
            out += [Alert(row, t, level, "inactivity") for t, level in timer.check(ts)]
        return out

    def check_in(self, row: str, ts: float) -> list[Alert]:
        """The resident answers the prompt of detector `row` at `ts`: all is well."""
        for sensitivity, engine in self.engines.items():
            if _routine_row(sensitivity) == row:
                return [
                    Alert(row, r.time.timestamp(), r.level, r.reason)
                    for r in engine.check_in(_dt(ts))
                    if isinstance(r, CareEvent) and r.type is EventType.ALERT
                ]
        timer = self.fixed[row]
        out = [Alert(row, t, level, "inactivity") for t, level in timer.check(ts)]
        if timer.away_until is None:
            timer.quiet_since = max(timer.quiet_since, ts)
            timer.level = 0
        return out

    def levels(self) -> dict[str, int]:
        out = {_routine_row(s): int(e.level) for s, e in self.engines.items()}
        out.update({row: t.level for row, t in self.fixed.items()})
        return out


# ---------------------------------------------------------------- homes


@dataclass(slots=True)
class HomeResult:
    """What one home gave each detector."""

    column: str
    name: str
    eval_days: float
    delays: dict[str, list[float]] = field(default_factory=dict)
    warnings: dict[str, int] = field(default_factory=dict)
    prompts: dict[str, int] = field(default_factory=dict)
    false_reasons: dict[str, dict[str, int]] = field(default_factory=dict)
    # Per emergency: how long after the instant the resident's next activity would have
    # come on the day without the emergency. No detector can tell before then.
    floor: list[float] = field(default_factory=list)


class Home:
    """A stream of items, day by day, and a way to replay a day with an emergency in it."""

    column: str
    name: str
    options: dict[str, Any]
    location: tuple[float, float]
    zone: str
    start: float

    def day_start(self, day: int) -> float:
        raise NotImplementedError

    def day_items(self, day: int) -> list[Item]:
        """The items of `day`, without an emergency (days are asked for in order)."""
        raise NotImplementedError

    def save(self) -> object:
        """What `emergency` needs to replay from the start of the day about to be fed."""
        raise NotImplementedError

    def emergency(self, saved: object, day: int, instant: float) -> Iterator[Item]:
        """Items from the start of `day` on, with the resident stopping at `instant`."""
        raise NotImplementedError

    def allowed(self, ts: float) -> bool:
        """Whether an emergency may happen at `ts` (the resident is at home)."""
        return True


def _grid(begin: float, end: float, step: float) -> Iterator[float]:
    t = math.ceil(begin / step) * step
    while t < end:
        yield t
        t += step


class SimulatedHome(Home):
    """One simulated resident (a profile and a seed)."""

    def __init__(self, profile: str, seed: int) -> None:
        self.column = profile
        self.name = f"{profile} #{seed}"
        self.sim = Simulation(PROFILES[profile], seed=seed)
        self.options = self.sim.options()
        self.location = (self.sim.latitude, self.sim.longitude)
        self.zone = self.sim.time_zone
        self.start = self.sim.start.timestamp()
        self._reporting = [
            spec.entity_id for spec in self.sim.entities() if spec.role != "presence"
        ]
        # Ground truth from the plans (planned any day on its own, so known ahead).
        planner = Simulation(PROFILES[profile], seed=seed)
        self._absences: list[tuple[float, float]] = []
        self._planner = planner

    def plan_absences(self, days: int) -> None:
        """Read every absence of the first `days` days (plus the margin an emergency needs)."""
        seen: set[tuple[float, float]] = set()
        for day in range(-1, days + 4):
            for interval in self._planner.plan(day).absences:
                seen.add(interval)
        self._absences = sorted(seen)
        self._starts = [a for a, _ in self._absences]

    @property
    def trips(self) -> list[tuple[float, float]]:
        return [(a, b) for a, b in self._absences if b - a > TRIP_HOURS * HOUR]

    def allowed(self, ts: float) -> bool:
        i = bisect_left(self._starts, ts)
        # Absences do not overlap; the one starting last before `ts` is the only candidate.
        return not (i > 0 and self._absences[i - 1][1] > ts) and not (
            i < len(self._starts) and self._starts[i] == ts
        )

    def day_start(self, day: int) -> float:
        return self.sim.day_start(day)

    def _items(self, sim: Simulation, day: int, stop: float = math.inf) -> list[Item]:
        begin, end = sim.day_start(day), sim.day_start(day + 1)
        items = [
            Item(r.time.timestamp(), CHANGE, r.entity_id, r.state) for r in sim.readings(_dt(end))
        ]
        items += [
            Item(t, REPORT, entity_id)
            for t in _grid(begin, end, HEARTBEAT_S)
            for entity_id in self._reporting
        ]
        items += [Item(a, AWAY, until=b) for a, b in self.trips if begin <= a < end and a < stop]
        items.sort(key=lambda item: (item.ts, item.kind))
        return items

    def day_items(self, day: int) -> list[Item]:
        return self._items(self.sim, day)

    def save(self) -> object:
        return copy.deepcopy(self.sim)

    def emergency(self, saved: object, day: int, instant: float) -> Iterator[Item]:
        assert isinstance(saved, Simulation)
        sim = copy.deepcopy(saved)
        sim.stop_at = _dt(instant)
        while True:
            yield from self._items(sim, day, instant)
            day += 1


class OpenSmartHome(Home):
    """The Open Smart Home flat: lux in six rooms, every ~10 minutes, for 90 days."""

    def __init__(self, path: Path) -> None:
        self.column = "Open Smart Home"
        self.name = "Open Smart Home flat"
        self.location = OSH_LOCATION
        self.zone = OSH_ZONE
        readings: list[tuple[float, str, str]] = []
        with gzip.open(path, "rt", newline="") as handle:
            rows = csv.reader(handle)
            next(rows)
            for iso, entity, value in rows:
                if entity.startswith("lux_"):
                    entity_id = f"sensor.{entity}"
                    readings.append((datetime.fromisoformat(iso).timestamp(), entity_id, value))
        readings.sort()
        self.readings = readings
        self.entities = sorted({r[1] for r in readings})
        self.options = {"light_sources": self.entities}
        self.start = readings[0][0]
        self.end = readings[-1][0]
        self._zone = ZoneInfo(OSH_ZONE)
        self._first: date = _dt(self.start).astimezone(self._zone).date()
        self._times = [r[0] for r in readings]
        self._last: dict[str, str] = {}

    @property
    def days(self) -> int:
        """Whole local days in the recording after its first midnight."""
        day = 0
        while self.day_start(day + 1) <= self.end:
            day += 1
        return day

    def day_start(self, day: int) -> float:
        if day < 0:
            return self.start
        moment = datetime.combine(self._first + timedelta(days=day + 1), datetime.min.time())
        return moment.replace(tzinfo=self._zone).timestamp()

    def _items(
        self, begin: float, end: float, last: dict[str, str], held: Callable[[float, str, str], str]
    ) -> list[Item]:
        # Home Assistant records a changed value as a new state and an equal one as a
        # report of the unchanged state.
        out: list[Item] = []
        lo, hi = bisect_left(self._times, begin), bisect_left(self._times, end)
        for ts, entity_id, value in self.readings[lo:hi]:
            state = held(ts, entity_id, value)
            kind = REPORT if last.get(entity_id) == state else CHANGE
            last[entity_id] = state
            out.append(Item(ts, kind, entity_id, state))
        return out

    def day_items(self, day: int) -> list[Item]:
        return self._items(
            self.day_start(day - 1) if day == 0 else self.day_start(day),
            self.day_start(day + 1),
            self._last,
            lambda ts, entity_id, value: value,
        )

    def save(self) -> object:
        return dict(self._last)

    def emergency(self, saved: object, day: int, instant: float) -> Iterator[Item]:
        assert isinstance(saved, dict)
        last: dict[str, str] = dict(saved)
        begin = self.day_start(day - 1) if day == 0 else self.day_start(day)
        yield from self._items(begin, instant, last, lambda ts, entity_id, value: value)
        # From the instant on, each room keeps what its lamps gave then (nothing when the
        # sun was up: lamps are taken as off) plus daylight while the sun is above the
        # horizon. Daylight is dropped from the horizon down, while the engine still takes
        # the sun as up, so the edit itself never makes a lamp-like step in the dark.
        lamps: dict[str, float] = {}
        dark_at_instant = sun_elevation(*self.location, instant) <= 0.0
        for entity_id in self.entities:
            before = last.get(entity_id, "0")
            lamps[entity_id] = float(before) if dark_at_instant else 0.0

        def after(ts: float, entity_id: str, value: str) -> str:
            daylight = float(value) if sun_elevation(*self.location, ts) > 0.0 else 0.0
            return f"{lamps[entity_id] + daylight:g}"

        yield from self._items(instant, self.end + 1.0, last, after)


# ---------------------------------------------------------------- evaluation


def evaluate(
    home: Home, learn_days: int, eval_days: int, emergencies: int, rng: random.Random
) -> HomeResult:
    """Run one home without emergencies, then replay each emergency from its midnight."""
    eval_start = home.day_start(learn_days)
    eval_end = home.day_start(learn_days + eval_days)
    result = HomeResult(home.column, home.name, (eval_end - eval_start) / DAY)
    for row in ROWS:
        result.delays[row] = []
        result.warnings[row] = 0
        result.prompts[row] = 0
        result.false_reasons[row] = {}
    # Candidates beyond what is needed, since some fall while the resident is out.
    latest = eval_end
    if isinstance(home, OpenSmartHome):
        latest = min(eval_end, home.end - CAP_S)
    candidates = [rng.uniform(eval_start, latest) for _ in range(emergencies * 4)]
    chosen = [t for t in candidates if home.allowed(t)][:emergencies]
    by_day: dict[int, list[float]] = {}
    day_of = {d: home.day_start(d) for d in range(learn_days + eval_days + 1)}
    for instant in chosen:
        day = max(d for d, begin in day_of.items() if begin <= instant)
        by_day.setdefault(day, []).append(instant)

    panel = Panel.start(home.options, home.start, home.location, home.zone)
    for day in range(learn_days + eval_days):
        if day in by_day:
            saved_home, saved_panel = home.save(), panel.snapshot()
            for instant in by_day[day]:
                delays = _emergency(
                    home,
                    panel,
                    saved_home=saved_home,
                    saved_panel=saved_panel,
                    day=day,
                    instant=instant,
                )
                for row, delay in delays.items():
                    result.delays[row].append(delay)
        for item in home.day_items(day):
            for alert in panel.feed(item):
                if eval_start <= alert.time < eval_end:
                    _count(result, alert)
    for alert in panel.advance(eval_end):
        if eval_start <= alert.time < eval_end:
            _count(result, alert)
    times = sorted(panel.activity_times)
    for instant in (t for day in sorted(by_day) for t in by_day[day]):
        i = bisect_left(times, instant)
        result.floor.append(min(times[i] - instant, CAP_S) if i < len(times) else CAP_S)
    return result


def _count(result: HomeResult, alert: Alert) -> None:
    if alert.level == Level.WARNING:
        result.warnings[alert.row] += 1
        reasons = result.false_reasons[alert.row]
        reasons[alert.reason] = reasons.get(alert.reason, 0) + 1
    elif alert.level == Level.ATTENTION:
        result.prompts[alert.row] += 1


def _emergency(
    home: Home,
    like: Panel,
    *,
    saved_home: object,
    saved_panel: tuple[dict[str, str], dict[str, FixedTimer]],
    day: int,
    instant: float,
) -> dict[str, float]:
    """Seconds from `instant` to each detector's first `warning` (CAP_S when none)."""
    panel = Panel.restore(saved_panel, like)
    found: dict[str, float] = {}
    at_instant = False
    deadline = instant + CAP_S

    def note(alerts: Iterable[Alert]) -> None:
        for alert in alerts:
            if alert.level >= Level.WARNING and alert.row not in found:
                found[alert.row] = max(0.0, alert.time - instant)

    for item in home.emergency(saved_home, day, instant):
        if not at_instant and item.ts >= instant:
            at_instant = True
            note(panel.advance(instant))
            # A false warning still standing at the instant has already called someone.
            for row, level in panel.levels().items():
                if level >= Level.WARNING and row not in found:
                    found[row] = 0.0
        if item.ts >= deadline or len(found) == len(ROWS):
            break
        note(panel.feed(item))
    if len(found) < len(ROWS):
        note(panel.advance(deadline))
    return {row: min(found.get(row, CAP_S), CAP_S) for row in ROWS}


def false_with_check_in(
    home: Home, learn_days: int, eval_days: int, answer: tuple[float, float], rng: random.Random
) -> dict[str, int]:
    """False warnings per detector when a resident who is fine and at home answers each
    `attention` prompt with probability `answer[0]` after `answer[1]` seconds (a check-in).

    Only the run without emergencies changes: a resident in an emergency answers nothing.
    """
    probability, delay = answer
    eval_start = home.day_start(learn_days)
    eval_end = home.day_start(learn_days + eval_days)
    warnings = dict.fromkeys(ROWS, 0)
    pending: list[tuple[float, str]] = []  # (when, row) of check-ins to come
    panel = Panel.start(home.options, home.start, home.location, home.zone)

    def take(alerts: Iterable[Alert]) -> None:
        for alert in alerts:
            if alert.level == Level.WARNING and eval_start <= alert.time < eval_end:
                warnings[alert.row] += 1
            when = alert.time + delay
            answers = alert.level == Level.ATTENTION and home.allowed(when)
            if answers and rng.random() < probability:
                pending.append((when, alert.row))

    for day in range(learn_days + eval_days):
        for item in home.day_items(day):
            while pending and min(pending)[0] <= item.ts:
                when, row = min(pending)
                pending.remove((when, row))
                take(panel.advance(when))
                take(panel.check_in(row, when))
            take(panel.feed(item))
    take(panel.advance(eval_end))
    return warnings


# ---------------------------------------------------------------- report


@dataclass(frozen=True, slots=True)
class Cell:
    """One detector on one column."""

    emergencies: int
    mean_s: float
    median_s: float
    missed: int
    standing: int  # a false warning was already standing at the instant: counted as 0
    eval_days: float
    warnings: int
    prompts: int
    worst_per_30: float

    @property
    def false_per_day(self) -> float:
        return self.warnings / self.eval_days if self.eval_days else 0.0

    @property
    def prompts_per_day(self) -> float:
        return self.prompts / self.eval_days if self.eval_days else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "emergencies": self.emergencies,
            "mean_h": round(self.mean_s / HOUR, 3),
            "median_h": round(self.median_s / HOUR, 3),
            "missed": self.missed,
            "already_warning": self.standing,
            "eval_days": round(self.eval_days, 1),
            "false_warnings": self.warnings,
            "false_warnings_per_day": round(self.false_per_day, 4),
            "worst_household_per_30_days": round(self.worst_per_30, 2),
            "attention_prompts_per_day": round(self.prompts_per_day, 3),
        }


def cell(results: Sequence[HomeResult], row: str) -> Cell:
    delays = [d for r in results for d in r.delays[row]]
    days = sum(r.eval_days for r in results)
    return Cell(
        emergencies=len(delays),
        mean_s=statistics.fmean(delays) if delays else math.nan,
        median_s=statistics.median(delays) if delays else math.nan,
        missed=sum(d >= CAP_S for d in delays),
        standing=sum(d == 0.0 for d in delays),
        eval_days=days,
        warnings=sum(r.warnings[row] for r in results),
        prompts=sum(r.prompts[row] for r in results),
        worst_per_30=max(30.0 * r.warnings[row] / r.eval_days for r in results),
    )


FLOOR_ROW = "next sign of life (no detector can be faster)"


def _mean(values: Sequence[float]) -> float:
    return statistics.fmean(values) if values else math.nan


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def duration(seconds: float) -> str:
    if math.isnan(seconds):
        return "-"
    minutes = round(seconds / 60.0)
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def render(results: list[HomeResult], meta: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The markdown block for docs/accuracy.md, and the same figures as a dict."""
    simulated = [r for r in results if r.column != "Open Smart Home"]
    real = [r for r in results if r.column == "Open Smart Home"]
    columns = sorted({r.column for r in simulated}, key=list(PROFILES).index)
    summary: dict[str, Any] = {}
    lines = [
        f"Command: `{meta['command']}` ({meta['date']}, {meta['runtime_s']:.0f} s). "
        f"Simulated: {len(simulated)} households ({meta['seeds']} per profile), "
        f"{meta['learn_days']} days learning then {meta['eval_days']} days evaluated each, "
        f"{meta['emergencies']} emergencies per household. Open Smart Home: "
        f"{real[0].eval_days:.0f} days evaluated after {meta['learn_days']} days learning, "
        f"{len(real[0].delays[ROWS[0]])} emergencies."
        if real
        else f"Command: `{meta['command']}` ({meta['date']}).",
        "",
        "All simulated households together, and the real flat:",
        "",
    ]
    rows: list[list[str]] = []
    for row in ROWS:
        sim_cell = cell(simulated, row)
        summary[row] = {"simulated": sim_cell.as_dict()}
        line = [
            row,
            duration(sim_cell.mean_s),
            duration(sim_cell.median_s),
            f"{sim_cell.missed}/{sim_cell.emergencies}",
            f"{sim_cell.standing}/{sim_cell.emergencies}",
            f"{sim_cell.false_per_day:.3f}",
            f"{sim_cell.worst_per_30:.1f}",
            f"{sim_cell.prompts_per_day:.2f}",
        ]
        if real:
            real_cell = cell(real, row)
            summary[row]["Open Smart Home"] = real_cell.as_dict()
            line += [
                duration(real_cell.mean_s),
                duration(real_cell.median_s),
                f"{real_cell.false_per_day:.3f}",
                f"{real_cell.prompts_per_day:.2f}",
            ]
        rows.append(line)
    header = [
        "detector",
        "sim mean to warning",
        "sim median",
        "sim missed (72 h)",
        "sim already at warning",
        "sim false warnings / day",
        "sim worst household false warnings / 30 days",
        "sim attention prompts / day",
    ]
    if real:
        header += [
            "flat mean to warning",
            "flat median",
            "flat false warnings / day",
            "flat attention prompts / day",
        ]
    floor_sim = [d for r in simulated for d in r.floor]
    floor_real = [d for r in real for d in r.floor]
    floor_line = [FLOOR_ROW, duration(_mean(floor_sim)), duration(_median(floor_sim))]
    floor_line += ["-"] * (len(rows[0]) - len(floor_line))
    if real:
        floor_line[8:10] = [duration(_mean(floor_real)), duration(_median(floor_real))]
    rows.append(floor_line)
    summary[FLOOR_ROW] = {
        "simulated": {"mean_h": round(_mean(floor_sim) / HOUR, 3)},
        **({"Open Smart Home": {"mean_h": round(_mean(floor_real) / HOUR, 3)}} if real else {}),
    }
    lines += _table(header, rows)
    lines += [
        "",
        "Each simulated profile: mean time to warning / false warnings per 30 days:",
        "",
    ]
    rows = []
    for row in ROWS:
        line = [row]
        for column in columns:
            group = [r for r in simulated if r.column == column]
            c = cell(group, row)
            summary[row][column] = c.as_dict()
            line.append(f"{duration(c.mean_s)} / {30.0 * c.false_per_day:.1f}")
        rows.append(line)
    line = [FLOOR_ROW]
    for column in columns:
        floor = [d for r in simulated if r.column == column for d in r.floor]
        summary[FLOOR_ROW][column] = {"mean_h": round(_mean(floor) / HOUR, 3)}
        line.append(duration(_mean(floor)))
    rows.append(line)
    lines += _table(["detector", *columns], rows)
    normal_row = _routine_row("normal")
    normal = cell(simulated, normal_row)
    municipal = cell([r for r in simulated if r.column == MUNICIPAL], normal_row)
    checks = {
        "all_mean_at_most_7h": normal.mean_s <= TARGET_MEAN_S,
        "all_worst_at_most_1_per_30_days": normal.worst_per_30 <= TARGET_FALSE_PER_30_DAYS,
        "municipal_mean_at_most_8h": municipal.mean_s <= TARGET_MUNICIPAL_MEAN_S,
        "municipal_at_most_1_5_per_30_days": 30.0 * municipal.false_per_day
        <= TARGET_MUNICIPAL_FALSE_PER_30_DAYS,
    }
    verdict: dict[str, bool] = {**checks, "met": all(checks.values())}

    def yes(key: str) -> str:
        return "yes" if verdict[key] else "no"

    lines += [
        "",
        f"Targets at the default sensitivity (normal). All simulated households: mean "
        f"{duration(normal.mean_s)} (at most 7 h: {yes('all_mean_at_most_7h')}), worst "
        f"household {normal.worst_per_30:.1f} false warnings per 30 days (at most 1: "
        f"{yes('all_worst_at_most_1_per_30_days')}). `{MUNICIPAL}`: mean "
        f"{duration(municipal.mean_s)} (at most 8 h: {yes('municipal_mean_at_most_8h')}), "
        f"{30.0 * municipal.false_per_day:.1f} false warnings per 30 days (at most 1.5: "
        f"{yes('municipal_at_most_1_5_per_30_days')}). "
        f"Targets {'met' if verdict['met'] else 'not met'}.",
    ]
    reasons = {
        row: {k: sum(r.false_reasons[row].get(k, 0) for r in simulated) for k in REASONS}
        for row in ROWS
    }
    return "\n".join(lines), {"summary": summary, "target": verdict, "false_reasons": reasons}


def render_check_in(
    results: list[HomeResult], checked: list[tuple[str, float, dict[str, int]]], args: Any
) -> tuple[str, dict[str, Any]]:
    """False warnings on the simulated households without and with check-ins."""
    simulated = [r for r in results if r.column != "Open Smart Home"]
    days = sum(r.eval_days for r in simulated)
    lines = [
        "",
        f"False warnings when a resident who is fine and at home answers a prompt with "
        f"probability {args.check_in:g} after {args.check_in_delay:g} min (simulated):",
        "",
    ]
    rows: list[list[str]] = []
    figures: dict[str, Any] = {}
    for row in ROWS:
        without = sum(r.warnings[row] for r in simulated)
        worst_without = max(30.0 * r.warnings[row] / r.eval_days for r in simulated)
        with_ = sum(found[row] for _c, _d, found in checked)
        worst_with = max(30.0 * found[row] / d for _c, d, found in checked)
        figures[row] = {"without": without, "with": with_, "worst_with_per_30": worst_with}
        rows.append(
            [
                row,
                f"{without / days:.3f}",
                f"{worst_without:.1f}",
                f"{with_ / days:.3f}",
                f"{worst_with:.1f}",
            ]
        )
    header = [
        "detector",
        "false warnings / day, no answer",
        "worst household / 30 days, no answer",
        "false warnings / day, with check-in",
        "worst household / 30 days, with check-in",
    ]
    lines += _table(header, rows)
    return "\n".join(lines), figures


def write_doc(block: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    begin, end = text.index(BEGIN_MARK), text.index(END_MARK)
    DOC.write_text(
        text[: begin + len(BEGIN_MARK)] + "\n" + block + "\n" + text[end:], encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer days and emergencies")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="the shared data folder")
    parser.add_argument("--write-doc", action="store_true", help=f"update {DOC}")
    parser.add_argument(
        "--check-in",
        type=float,
        metavar="P",
        help="also count false warnings when a resident who is fine answers a prompt "
        "(attention) with probability P",
    )
    parser.add_argument(
        "--check-in-delay", type=float, default=15.0, metavar="MIN", help="minutes (15)"
    )
    args = parser.parse_args(argv)
    checked: list[tuple[str, float, dict[str, int]]] = []  # (column, eval days, warnings)
    began = time.perf_counter()
    eval_days = QUICK_EVAL_DAYS if args.quick else EVAL_DAYS
    emergencies = QUICK_EMERGENCIES if args.quick else EMERGENCIES
    seeds = QUICK_SEEDS if args.quick else SEEDS
    results: list[HomeResult] = []
    for index, profile in enumerate(PROFILES):
        for k in range(seeds):
            seed = args.seed * 1000 + index * 10 + k
            home = SimulatedHome(profile, seed)
            home.plan_absences(LEARN_DAYS + eval_days)
            rng = random.Random(f"{args.seed}:{profile}:{k}:instants")
            results.append(evaluate(home, LEARN_DAYS, eval_days, emergencies, rng))
            if args.check_in is not None:
                again = SimulatedHome(profile, seed)
                again.plan_absences(LEARN_DAYS + eval_days)
                answers = random.Random(f"{args.seed}:{profile}:{k}:check-in")
                answer = (args.check_in, args.check_in_delay * 60.0)
                found = false_with_check_in(again, LEARN_DAYS, eval_days, answer, answers)
                checked.append((profile, results[-1].eval_days, found))
            print(f"  {home.name}: done at {time.perf_counter() - began:.1f} s", file=sys.stderr)
    osh_path = args.data / OSH_FILE
    if osh_path.exists():
        flat = OpenSmartHome(osh_path)
        rng = random.Random(f"{args.seed}:opensmarthome:instants")
        flat_eval = flat.days - LEARN_DAYS
        if args.quick:
            flat_eval = min(flat_eval, QUICK_EVAL_DAYS)
        results.append(evaluate(flat, LEARN_DAYS, flat_eval, emergencies, rng))
    else:
        print(f"  {osh_path} not found: the real-data column is left out", file=sys.stderr)
    runtime = time.perf_counter() - began
    command = ".venv/bin/python -m benchmarks.accuracy" + (" --quick" if args.quick else "")
    if args.seed != 1:
        command += f" --seed {args.seed}"
    if args.check_in is not None:
        command += f" --check-in {args.check_in:g}"
        if args.check_in_delay != 15.0:
            command += f" --check-in-delay {args.check_in_delay:g}"
    meta = {
        "command": command,
        "date": datetime.now(UTC).date().isoformat(),
        "runtime_s": runtime,
        "seeds": seeds,
        "learn_days": LEARN_DAYS,
        "eval_days": eval_days,
        "emergencies": emergencies,
    }
    block, figures = render(results, meta)
    print(block)
    if args.check_in is not None:
        text, figures["check_in"] = render_check_in(results, checked, args)
        print(text)
    print(f"\nruntime: {runtime:.1f} s")
    sensitivities = {
        name: [s.factor, s.attention_margin, s.warning_margin, s.rank]
        for name, s in SENSITIVITIES.items()
    }
    print(json.dumps({**meta, **figures, "sensitivities": sensitivities}, sort_keys=True))
    if args.write_doc:
        write_doc(block)


if __name__ == "__main__":
    main()
