"""A simulated household: a resident's planned days turned into sensor readings, lazily.

Readings are made one local day (midnight to midnight) at a time, so memory stays the
size of one day whatever the length of the run. Every random stream is seeded by
(seed, day, purpose), never by the stop instant: the stop is applied to what the
resident does (nothing they would start after it, everything in progress at it held)
and the devices are generated forward in time, so readings before the stop are the same
whether or not, and wherever, a stop is set.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from .daylight import Sky, SunTrack, make_sky
from .devices import (
    PLUG_MODELS,
    Fridge,
    FridgeState,
    LightSensor,
    LuxState,
    MotionSensor,
    MotionState,
    Plug,
    PlugState,
)
from .model import (
    ENTITY_SPECS,
    FRIDGE,
    ILLUMINANCE,
    MOTION,
    EntitySpec,
    Interval,
    Reading,
    Row,
    Segment,
)
from .plan import HOUR, DayPlan, make_plan
from .profiles import Profile

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DARK_SPAN = 32 * HOUR  # a day's plan reaches into the next morning
_CACHE_DAYS = 6
_ROW_KEY = itemgetter(0, 1)

type Device = Plug | Fridge | LightSensor | MotionSensor
type DeviceState = PlugState | FridgeState | LuxState | MotionState


def _ms(ts: float) -> int:
    return int(ts * 1000.0 + 0.5)


def _hold(segments: list[Segment], stop: float) -> list[Segment]:
    """What an appliance does once the resident stops: nothing new, the current mode held."""
    out: list[Segment] = []
    for seg in segments:
        if seg.start >= stop:
            break
        out.append(seg if seg.end <= stop else Segment(seg.start, math.inf, seg.kind))
    return out


def _hold_intervals(intervals: list[Interval], stop: float) -> list[Interval]:
    out: list[Interval] = []
    for start, end in intervals:
        if start >= stop:
            break
        out.append((start, end) if end <= stop else (start, math.inf))
    return out


class Simulation:
    """One resident's home, from `start` on; see docs/simulator.md.

    `stop_at` (settable at any time, also while readings are being taken) is the instant
    the resident stops all activity. Setting it to an instant before readings already
    produced applies it just after the last of them.
    """

    def __init__(
        self,
        profile: Profile,
        *,
        seed: int = 0,
        start: datetime | None = None,
        latitude: float = 37.57,
        longitude: float = 126.98,
        time_zone: str = "Asia/Seoul",
        stop_at: datetime | None = None,
    ) -> None:
        self.profile = profile
        self.seed = seed
        self.latitude = latitude
        self.longitude = longitude
        self.time_zone = time_zone
        self._zone = ZoneInfo(time_zone)
        if start is None:
            start = datetime(2026, 3, 2, tzinfo=self._zone)  # a Monday, local midnight
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self.start = start.astimezone(UTC)
        self.stop_at = stop_at
        self._first: date = start.astimezone(self._zone).date()
        self._start_ms = _ms(self.start.timestamp())
        self._devices = self._make_devices()
        self._day = -1
        self._rows: list[Row] = []
        self._pos = 0
        self._built_stop: datetime | None = None
        self._applied_stop = math.inf
        self._saved: dict[str, DeviceState] = {}
        self._emitted_ms = self._start_ms - 1
        self._day_starts: dict[int, float] = {}
        self._daylight: dict[int, tuple[SunTrack, Sky, list[Interval]]] = {}
        self._plans: dict[int, DayPlan] = {}
        self._absences: list[Interval] = []

    # ------------------------------------------------------------------ description

    def entities(self) -> list[EntitySpec]:
        """The home's entities."""
        return [ENTITY_SPECS[entity_id] for entity_id in self.profile.entities]

    def options(self) -> dict[str, Any]:
        """A Care Plug options dict watching every entity in its role."""
        options: dict[str, Any] = {}
        for spec in self.entities():
            options.setdefault(f"{spec.role}_sources", []).append(spec.entity_id)
        return options

    def absences(self) -> list[tuple[datetime, datetime]]:
        """Ground truth: when the resident was out or away overnight, in the days generated
        so far (a trip's whole stay once its first day is generated), cut at `stop_at`."""
        stop = self._stop_ts()
        start = self.start.timestamp()
        out: list[tuple[datetime, datetime]] = []
        for begin, end in self._absences:
            first, last = max(begin, start), min(end, stop)
            if first < last:
                out.append((_utc(first), _utc(last)))
        return out

    # ------------------------------------------------------------------ days

    def day_start(self, day: int) -> float:
        """Unix time of local midnight starting `day` (day 0 holds `start`)."""
        cached = self._day_starts.get(day)
        if cached is None:
            moment = datetime.combine(self._first + timedelta(days=day), time(), self._zone)
            cached = self._day_starts[day] = moment.timestamp()
        return cached

    def _day_of(self, ts: float) -> int:
        day = math.floor((ts - self.day_start(0)) / 86400.0)
        while self.day_start(day) > ts:
            day -= 1
        while self.day_start(day + 1) <= ts:
            day += 1
        return day

    def _light(self, day: int) -> tuple[SunTrack, Sky, list[Interval]]:
        """The day's sun, sky, and when it is dark enough for the lamp."""
        cached = self._daylight.get(day)
        if cached is None:
            begin, end = self.day_start(day), self.day_start(day + 1)
            sun = SunTrack(self.latitude, self.longitude, begin, begin + _DARK_SPAN)
            sky = make_sky(random.Random(f"{self.seed}:{day}:sky"), begin, end)
            dark = sun.below(
                self.profile.lamp_elevation + sky.lamp_offset, begin, begin + _DARK_SPAN
            )
            cached = self._daylight[day] = (sun, sky, dark)
            _trim(self._daylight, day)
        return cached

    def plan(self, day: int) -> DayPlan:
        """What the resident does on `day` (without any stop applied)."""
        cached = self._plans.get(day)
        if cached is None:
            dark = self._light(day)[2]
            cached = make_plan(
                self.profile,
                self.seed,
                first=self._first,
                day=day,
                day_start=self.day_start,
                dark=dark,
            )
            self._plans[day] = cached
            _trim(self._plans, day)
        return cached

    # ------------------------------------------------------------------ readings

    def readings(self, until: datetime) -> Iterator[Reading]:
        """Readings (state changes) before `until`, in time order, continuing from the
        previous call."""
        until_ms = _ms(until.timestamp())
        while True:
            if self.stop_at != self._built_stop:
                self._build(self._day)
            if self._pos >= len(self._rows):
                if until_ms <= self._start_ms or _ms(self.day_start(self._day + 1)) >= until_ms:
                    return
                self._saved = {device.entity_id: device.save() for device in self._devices}
                self._day += 1
                self._build(self._day, record=True)
                self._pos = 0
                continue
            row = self._rows[self._pos]
            if row[0] >= until_ms:
                return
            self._pos += 1
            self._emitted_ms = row[0]
            yield Reading(_EPOCH + timedelta(milliseconds=row[0]), row[1], row[2])

    def _stop_ts(self) -> float:
        """The stop in Unix seconds: as applied, or as it will be applied."""
        if self.stop_at is None:
            return math.inf
        if self.stop_at == self._built_stop:
            return self._applied_stop
        return max(self.stop_at.timestamp(), (self._emitted_ms + 1) / 1000.0)

    def _make_devices(self) -> list[Device]:
        devices: list[Device] = []
        for entity_id in self.profile.entities:
            rng = random.Random(f"{self.seed}:{entity_id}:device")
            if entity_id in PLUG_MODELS:
                devices.append(Plug(entity_id, PLUG_MODELS[entity_id], rng))
            elif entity_id == FRIDGE:
                devices.append(Fridge(entity_id, rng))
            elif entity_id == ILLUMINANCE:
                profile = self.profile
                devices.append(LightSensor(entity_id, rng, profile.lamp_lux, profile.window_factor))
            elif entity_id == MOTION:
                devices.append(MotionSensor(entity_id, rng))
        return devices

    def _build(self, day: int, *, record: bool = False) -> None:
        """Generate window `day` from the devices' saved states, with the current stop."""
        stop = self._stop_ts()
        self._built_stop = self.stop_at
        self._applied_stop = stop
        if day < 0:
            return
        begin, end = self.day_start(day), self.day_start(day + 1)
        days = [day - 1, day]
        if stop < begin:
            # Appliances left on at the stop are still on: look in the stop's days too.
            stop_day = self._day_of(stop)
            days = [stop_day - 1, stop_day]
        plans = [self.plan(d) for d in days]
        if record:
            if day == 0:
                self._absences.extend(self.plan(-1).absences)
            self._absences.extend(self.plan(day).absences)
        sun, sky, _dark = self._light(day)
        rows: list[Row] = []
        for device in self._devices:
            entity_id = device.entity_id
            saved = self._saved.get(entity_id)
            if saved is not None:
                device.restore(saved)  # type: ignore[arg-type]
            elif day == 0:
                device.restore(type(device.state)())  # type: ignore[arg-type]
            rng = random.Random(f"{self.seed}:{day}:{entity_id}")
            if isinstance(device, Plug):
                segments = [
                    seg
                    for plan in plans
                    for seg in plan.appliances.get(entity_id, ())
                    if seg.end > begin and seg.start < end
                ] if stop >= begin else [
                    seg for plan in plans for seg in plan.appliances.get(entity_id, ())
                ]  # fmt: skip
                held = [s for s in _hold(segments, stop) if s.end > begin]
                device.generate(begin, end, segments=held, rng=rng, stop=stop, out=rows)
            elif isinstance(device, Fridge):
                device.generate(begin, end, rng, rows)
            elif isinstance(device, LightSensor):
                lamp = _hold_intervals([i for plan in plans for i in plan.lamp], stop)
                lamp = [i for i in lamp if i[1] > begin and i[0] < end]
                device.generate(begin, end, rng=rng, sun=sun, sky=sky, lamp=lamp, out=rows)
            else:
                moves = sorted(
                    m for plan in plans for m in plan.moves if begin <= m < min(end, stop)
                )
                device.generate(begin, end, moves, rows)
        rows.sort(key=_ROW_KEY)
        if day == 0:
            rows = self._from_start(rows)
        self._rows = rows

    def _from_start(self, rows: list[Row]) -> list[Row]:
        """Rows from `start` on, led by each entity's state at `start` (as a History
        download begins with the state each entity had when its period starts)."""
        start_ms = self._start_ms
        first: dict[str, str] = {}
        later: list[Row] = []
        at_start: set[str] = set()
        for row in rows:
            if row[0] < start_ms:
                first[row[1]] = row[2]
            else:
                if row[0] == start_ms:
                    at_start.add(row[1])
                later.append(row)
        leading = [(start_ms, e, s) for e, s in sorted(first.items()) if e not in at_start]
        merged = leading + later
        merged.sort(key=_ROW_KEY)
        return merged


def _utc(ts: float) -> datetime:
    return _EPOCH + timedelta(milliseconds=_ms(ts))


def _trim(cache: dict[int, Any], day: int) -> None:
    """Forget cached days far from the one just added (memory stays bounded)."""
    if len(cache) > _CACHE_DAYS:
        for key in [k for k in cache if abs(k - day) > _CACHE_DAYS // 2]:
            del cache[key]
