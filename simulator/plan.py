"""One day of the resident's life: when they are up, out, and using what.

Every draw for day `k` comes from random streams seeded by (seed, k), so any day can be
planned on its own, in any order, and never depends on anything but the seed and the
profile. Two facts reach across midnight, and each has its own stream so that no chain
of earlier days is needed: the previous night's bedtime (waking comes at least a few
hours after it) and the nights away of the two previous days.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from .model import KETTLE, MICROWAVE, MOTION, RICE_COOKER, TV, Interval, Segment
from .profiles import Profile

HOUR = 3600.0
MINUTE = 60.0
_MIN_SLEEP = 5.0  # hours between the previous bedtime and waking
_MARGIN = 0.5 * HOUR  # an outing starts this long after waking and ends this long before bed


@dataclass(frozen=True, slots=True)
class Trip:
    """A stay away from home: leaves on `day` at `leave` (local hour), back `nights` later."""

    day: int
    leave: float
    nights: int
    back: float


@dataclass(slots=True)
class DayPlan:
    """What the resident does on one local day (times in Unix seconds)."""

    day: int
    wake: float | None
    """None when the resident is away all day."""
    bedtime: float | None
    """None when the resident sleeps away from home."""
    home_awake: list[Interval] = field(default_factory=list[Interval])
    absences: list[Interval] = field(default_factory=list[Interval])
    appliances: dict[str, list[Segment]] = field(default_factory=dict[str, list[Segment]])
    lamp: list[Interval] = field(default_factory=list[Interval])
    moves: list[float] = field(default_factory=list[float])
    """Moments the motion sensor's room sees the resident move."""


def _rng(seed: int, day: int, stream: str) -> random.Random:
    return random.Random(f"{seed}:{day}:{stream}")


def _weekday(first: date, day: int) -> int:
    return (first + timedelta(days=day)).weekday()


def bedtime_hour(profile: Profile, seed: int, first: date, day: int) -> float:
    """The local hour the resident goes to bed at the end of `day` (may pass 24)."""
    rng = _rng(seed, day, "bed")
    shift = profile.weekend_shift if _weekday(first, day) in (4, 5) else 0.0
    hour = rng.gauss(profile.bedtime + shift, profile.bedtime_spread)
    return min(max(hour, 19.0), 27.5)


def raw_trip(profile: Profile, seed: int, first: date, day: int) -> Trip | None:
    """A night away drawn for `day`, before checking that the resident is home to leave."""
    if day < 0:
        return None  # the simulation starts with the resident at home
    rng = _rng(seed, day, "trip")
    saturday = _weekday(first, day) == 5 and profile.saturday_away > 0
    chance = profile.saturday_away if saturday else profile.night_away
    if rng.random() >= chance:
        return None
    leave = rng.gauss(10.5, 1.0) if saturday else rng.uniform(10.0, 16.5)
    nights = 2 if rng.random() < profile.two_nights else 1
    back = min(max(rng.gauss(17.5, 1.5), 11.0), 21.0)
    return Trip(day, leave, nights, back)


def trip(profile: Profile, seed: int, first: date, day: int) -> Trip | None:
    """The night away that starts on `day`, if any (none while an earlier one may last)."""
    if raw_trip(profile, seed, first, day - 1) or raw_trip(profile, seed, first, day - 2):
        return None
    return raw_trip(profile, seed, first, day)


def _away_at_start(profile: Profile, seed: int, first: date, day: int) -> Trip | None:
    for earlier in (day - 1, day - 2):
        stay = trip(profile, seed, first, earlier)
        if stay is not None and stay.day + stay.nights >= day:
            return stay
    return None


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (small means only)."""
    if mean <= 0:
        return 0
    limit = math.exp(-mean)
    count = 0
    product = rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def subtract(pieces: list[Interval], cut: Interval) -> list[Interval]:
    """`pieces` without `cut`."""
    out: list[Interval] = []
    for start, end in pieces:
        if end <= cut[0] or start >= cut[1]:
            out.append((start, end))
            continue
        if start < cut[0]:
            out.append((start, cut[0]))
        if end > cut[1]:
            out.append((cut[1], end))
    return out


def _containing(pieces: list[Interval], ts: float, margin: float = 0.0) -> Interval | None:
    for start, end in pieces:
        if start + margin <= ts <= end - margin:
            return (start, end)
    return None


def _free(busy: list[Interval], start: float, end: float, gap: float) -> bool:
    return all(end + gap <= s or start >= e + gap for s, e in busy)


def make_plan(
    profile: Profile,
    seed: int,
    *,
    first: date,
    day: int,
    day_start: Callable[[int], float],
    dark: list[Interval],
) -> DayPlan:
    """Plan `day`; `day_start(k)` is the Unix time of day k's local midnight, `dark` the
    intervals (from this midnight to the next morning) dark enough for the lamp."""
    base = day_start(day)

    def at(hour: float) -> float:
        return base + hour * HOUR

    rng = _rng(seed, day, "plan")
    weekday = _weekday(first, day)
    shift = profile.weekend_shift if weekday >= 5 else 0.0
    wake_hour = rng.gauss(profile.wake + shift, profile.wake_spread)
    earliest = bedtime_hour(profile, seed, first, day - 1) - 24.0 + _MIN_SLEEP
    wake_hour = min(max(wake_hour, earliest, 3.5), 13.0)
    bed_hour = bedtime_hour(profile, seed, first, day)
    if bed_hour - wake_hour < 10.0:
        bed_hour = wake_hour + 10.0

    away = _away_at_start(profile, seed, first, day)
    if away is not None and away.day + away.nights > day:
        return DayPlan(day, None, None)
    home_from = at(wake_hour)
    if away is not None:
        home_from = max(home_from, at(away.back))
    home_until = at(bed_hour)
    plan = DayPlan(day, at(wake_hour), home_until)
    leaving = None if away is not None else trip(profile, seed, first, day)
    if leaving is not None:
        leave = max(at(leaving.leave), home_from + 1.5 * HOUR)
        back = day_start(day + leaving.nights) + leaving.back * HOUR
        plan.absences.append((leave, back))
        plan.bedtime = None
        home_until = leave
    if home_until - home_from < HOUR:
        return plan

    pieces: list[Interval] = [(home_from, home_until)]
    outings: list[Interval] = []
    for outing in profile.outings:
        happens = rng.random() < outing.probability and weekday in outing.days
        start = at(rng.gauss(outing.hour, outing.spread))
        length = max(0.3, rng.gauss(outing.hours, outing.hours_spread)) * HOUR
        if not happens or start < home_from + _MARGIN or start + length > home_until - _MARGIN:
            continue
        if _free(outings, start, start + length, _MARGIN):
            outings.append((start, start + length))
            pieces = subtract(pieces, (start, start + length))
    outings.sort()
    plan.absences.extend(outings)

    if rng.random() < profile.nap_probability:
        start = at(rng.gauss(profile.nap_hour, 0.5))
        length = max(10.0, rng.gauss(profile.nap_minutes, profile.nap_minutes / 3)) * MINUTE
        if _containing(pieces, start, 0.0) and _containing(pieces, start + length, 0.0):
            pieces = subtract(pieces, (start, start + length))
    plan.home_awake = pieces

    uses: dict[str, list[Segment]] = {KETTLE: [], MICROWAVE: [], RICE_COOKER: [], TV: []}
    _meals(profile, rng, at=at, pieces=pieces, home_until=home_until, uses=uses)
    _extras(profile, rng, pieces, uses)
    uses[TV] = _tv(profile, rng, at, pieces, home_until)
    for entity_id, segments in uses.items():
        if entity_id in profile.entities:
            plan.appliances[entity_id] = sorted(segments)

    plan.lamp = _lamp(rng, pieces, dark)
    if MOTION in profile.entities:
        plan.moves = _moves(profile, rng, pieces, plan.bedtime)
    return plan


def _add_use(uses: list[Segment], start: float, length: float, kind: str = "on") -> bool:
    """Add a use unless the appliance is busy then (one kettle cannot boil twice at once)."""
    if not _free([(s.start, s.end) for s in uses], start, start + length, MINUTE):
        return False
    uses.append(Segment(start, start + length, kind))
    return True


def _meals(
    profile: Profile,
    rng: random.Random,
    *,
    at: Callable[[float], float],
    pieces: list[Interval],
    home_until: float,
    uses: dict[str, list[Segment]],
) -> None:
    for meal in profile.meals:
        eats = rng.random() < meal.probability
        when = at(rng.gauss(meal.hour, meal.spread))
        kettle, microwave, rice = rng.random(), rng.random(), rng.random()
        if not eats or _containing(pieces, when, 5 * MINUTE) is None:
            continue  # skipped, or eaten out
        if kettle < meal.kettle:
            start = when - rng.uniform(0, 10) * MINUTE
            if _containing(pieces, start, MINUTE):
                _add_use(uses[KETTLE], start, rng.uniform(2, 4) * MINUTE)
        if microwave < meal.microwave:
            start = when - rng.uniform(0, 5) * MINUTE
            if (
                _containing(pieces, start, MINUTE)
                and _add_use(uses[MICROWAVE], start, rng.uniform(1, 5) * MINUTE)
                and rng.random() < 0.3
            ):
                # Stirred, then a second short run.
                again = uses[MICROWAVE][-1].end + rng.uniform(20, 60)
                _add_use(uses[MICROWAVE], again, rng.uniform(0.5, 2) * MINUTE)
        if rice < meal.rice_cooker:
            cook = rng.uniform(30, 45) * MINUTE
            start = when - cook - rng.uniform(5, 20) * MINUTE
            warm_until = when + max(0.5, rng.gauss(profile.keep_warm_hours, 2.0)) * HOUR
            piece = _containing(pieces, start, MINUTE)
            if piece is None:
                continue
            # Switched off by the resident, so while they are at home and awake.
            if _containing(pieces, warm_until) is None:
                later = [s for s, _e in pieces if s > warm_until]
                warm_until = later[0] + rng.uniform(2, 20) * MINUTE if later else home_until
                warm_until = min(warm_until, home_until - MINUTE)
            if warm_until <= start + cook + 10 * MINUTE:
                continue
            busy = [(s.start, s.end) for s in uses[RICE_COOKER]]
            if _free(busy, start, warm_until, MINUTE):
                uses[RICE_COOKER].append(Segment(start, start + cook, "cook"))
                uses[RICE_COOKER].append(Segment(start + cook, warm_until, "warm"))


def _random_moment(rng: random.Random, pieces: list[Interval]) -> float | None:
    total = sum(end - start for start, end in pieces)
    if total <= 0:
        return None
    pick = rng.uniform(0, total)
    for start, end in pieces:
        if pick <= end - start:
            return start + pick
        pick -= end - start
    return None


def _extras(profile: Profile, rng: random.Random, pieces: list[Interval],
            uses: dict[str, list[Segment]]) -> None:  # fmt: skip
    for _ in range(poisson(rng, profile.kettle_extra)):
        start = _random_moment(rng, pieces)
        length = rng.uniform(2, 4) * MINUTE
        if start is not None and _containing(pieces, start + length):
            _add_use(uses[KETTLE], start, length)
    for _ in range(poisson(rng, profile.microwave_extra)):
        start = _random_moment(rng, pieces)
        length = rng.uniform(1, 4) * MINUTE
        if start is not None and _containing(pieces, start + length):
            _add_use(uses[MICROWAVE], start, length)


def _tv(
    profile: Profile,
    rng: random.Random,
    at: Callable[[float], float],
    pieces: list[Interval],
    home_until: float,
) -> list[Segment]:
    wanted: list[Interval] = []
    for session in profile.tv:
        watches = rng.random() < session.probability
        start = at(rng.gauss(session.hour, session.spread))
        if session.hours is None:
            end = home_until - rng.uniform(0, 20) * MINUTE
        else:
            end = start + max(0.25, rng.gauss(session.hours, session.hours_spread)) * HOUR
        if watches and end > start:
            wanted.append((start, end))
    wanted.sort()
    merged: list[Interval] = []
    for start, end in wanted:
        if merged and start <= merged[-1][1] + 5 * MINUTE:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    out: list[Segment] = []
    for start, end in merged:
        for p_start, p_end in pieces:
            # Off a minute or two before going out or to sleep.
            s = max(start, p_start + rng.uniform(1, 3) * MINUTE)
            e = min(end, p_end - rng.uniform(1, 3) * MINUTE)
            if e - s >= 5 * MINUTE:
                out.append(Segment(s, e, "on"))
    return out


def _lamp(rng: random.Random, pieces: list[Interval], dark: list[Interval]) -> list[Interval]:
    """The lamp goes on when it is dark and the resident is at home and awake."""
    out: list[Interval] = []
    for p_start, p_end in pieces:
        for d_start, d_end in dark:
            start, end = max(p_start, d_start), min(p_end, d_end)
            if start >= end:
                continue
            # Dusk is noticed late; getting up or coming home in the dark, at once.
            on = start + (rng.uniform(0, 25) * MINUTE if d_start > p_start else rng.uniform(10, 90))
            if p_end <= d_end:
                off = end - rng.uniform(10, 60)  # leaving or going to bed
            else:
                off = min(p_end - 30.0, end + rng.uniform(0, 30) * MINUTE)  # daylight came
            if off - on > 2 * MINUTE:
                out.append((on, off))
    return out


def _moves(
    profile: Profile, rng: random.Random, pieces: list[Interval], bedtime: float | None
) -> list[float]:
    """Movements in the sensor's room: visits of some minutes, moving every minute or so."""
    moves: list[float] = []
    in_room_mean = 20 * MINUTE
    away_mean = in_room_mean * (1 - profile.room_share) / profile.room_share
    for start, end in pieces:
        t = start + rng.uniform(5, 60)
        inside = True
        while t < end:
            stay = rng.expovariate(1 / (in_room_mean if inside else away_mean)) + 30.0
            stop = min(t + stay, end)
            if inside:
                while t < stop:
                    moves.append(t)
                    t += rng.expovariate(1 / 90.0) + 5.0
            t = stop
            inside = not inside
    if bedtime is not None:
        # Getting up in the night: through the room and back a few minutes later.
        for _ in range(poisson(rng, profile.night_trips)):
            out = bedtime + rng.uniform(1.0, 4.5) * HOUR
            back = out + rng.uniform(3, 8) * MINUTE
            moves.extend((out, out + rng.uniform(10, 30), back))
    moves.sort()
    return moves
