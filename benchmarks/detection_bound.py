"""How fast any detector of a broad kind could warn within a false-warning budget.

Run from the repo root: `.venv/bin/python -m benchmarks.detection_bound [--days N]
[--seed N]`. docs/accuracy.md ("How fast any detector could be") explains it.

The homes are `benchmarks.accuracy`'s simulated households (same profiles, seeds, learning
and evaluated days, emergencies at instants when the resident is at home). The detectors
bounded are every one that decides from what the sensors show the way a silence can be
told apart: the kind of day, the hour the silence began, the source seen last, and how
long the silence has lasted. Such a detector warns a silence of context `c` once it has
lasted `D(c)`. It is judged by an oracle that knows each household's evaluated days in
advance and picks, per household, the `D(c)` that give the smallest mean time to warning
within the budget (at most the fixed warning threshold, 24 h at risk group `at_risk`).

- A false warning is a silence of the emergency-free days that lasts longer than its `D`.
- An emergency at instant `t`, in a silence that began at `s`, is warned at `s + D` (at
  once when that is already past).

The oracle's choice is made on the very days it is judged on, so its figures are lower
than any real detector of that kind could reach: a mean above a target here means no such
detector meets the target on these homes. The best choice at a budget is the Lagrangian
one (per context, the `D` minimising delay plus lambda times false warnings), with the
lower convex hull interpolated between the two lambdas around the budget.
"""

from __future__ import annotations

import argparse
import math
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from benchmarks.accuracy import (
    DAY,
    EVAL_DAYS,
    HOUR,
    LEARN_DAYS,
    MUNICIPAL,
    SEEDS,
    TARGET_FALSE_PER_30_DAYS,
    TARGET_MEAN_S,
    TARGET_MUNICIPAL_FALSE_PER_30_DAYS,
    TARGET_MUNICIPAL_MEAN_S,
    Panel,
    SimulatedHome,
    duration,
)
from simulator import PROFILES

STEP_S = 300.0  # the firing delays tried: every 5 minutes
LONGEST_S = 24 * HOUR  # the fixed warning threshold (at_risk) warns any silence by then
# A careful learner: the twin's delays for no false warning at all, an hour longer.
HEDGE_S = 3600.0
INSTANT_STEP_S = 600.0  # emergency instants: every 10 minutes the resident is at home
DELAYS = [STEP_S * k for k in range(int(LONGEST_S / STEP_S) + 1)]


@dataclass(frozen=True, slots=True)
class Silence:
    begin: float
    end: float
    source: str  # the source of the activity it began after


@dataclass(slots=True)
class Context:
    """The silences of one context and the emergency instants that fall in them."""

    lengths: list[float]
    waits: list[float]  # instant - begin, for each emergency instant in such a silence

    def cost(self, delay: float, instants: int) -> tuple[float, int]:
        """This context's share of the mean time to warning, and its false warnings, when
        its silences are warned after `delay`."""
        waited = sum(max(0.0, delay - since) for since in self.waits)
        return waited / instants, sum(1 for length in self.lengths if length > delay)


def silences(home: SimulatedHome, days: int) -> tuple[list[Silence], list[float], float]:
    """The evaluated days' silences (none that overlap an announced trip), the emergency
    instants, and the number of evaluated days."""
    # One engine is enough: activity is the same at every sensitivity.
    panel = Panel.start(home.options, home.start, home.location, home.zone, ("normal",))
    for day in range(LEARN_DAYS + days):
        for item in home.day_items(day):
            panel.feed(item)
    begin, end = home.day_start(LEARN_DAYS), home.day_start(LEARN_DAYS + days)
    times = panel.activity_times
    trips = home.trips
    found: list[Silence] = []
    for k in range(len(times) - 1):
        a, b = times[k], times[k + 1]
        if b <= begin or a >= end or any(x < b and a < y for x, y in trips):
            continue
        found.append(Silence(a, b, panel.activity_sources[k]))
    instants = [
        t
        for t in (begin + INSTANT_STEP_S * i for i in range(int((end - begin) / INSTANT_STEP_S)))
        if home.allowed(t) and not any(x <= t < y for x, y in trips)
    ]
    return found, instants, (end - begin) / DAY


def by_start(silence: Silence, zone: ZoneInfo) -> tuple[object, ...]:
    """Weekend or not, and the hour the silence began."""
    local = datetime.fromtimestamp(silence.begin, zone)
    return (local.weekday() >= 5, local.hour)


def by_start_and_source(silence: Silence, zone: ZoneInfo) -> tuple[object, ...]:
    """As `by_start`, and the source seen last before it."""
    return (*by_start(silence, zone), silence.source)


Contexts = Callable[[Silence, ZoneInfo], tuple[object, ...]]


def contexts(
    found: Sequence[Silence], instants: Sequence[float], context: Contexts, zone: ZoneInfo
) -> dict[tuple[object, ...], Context]:
    """Group silences by context; each instant goes to the silence it falls in."""
    table: dict[tuple[object, ...], Context] = {}
    keys = [context(silence, zone) for silence in found]
    for silence, key in zip(found, keys, strict=True):
        group = table.setdefault(key, Context([], []))
        group.lengths.append(silence.end - silence.begin)
    for i, t in _containing(found, instants):
        table[keys[i]].waits.append(t - found[i].begin)
    return table


def _containing(found: Sequence[Silence], instants: Sequence[float]) -> Iterator[tuple[int, float]]:
    """(index of the silence it falls in, instant) for each instant inside a silence."""
    begins = [s.begin for s in found]
    for t in instants:
        i = bisect_right(begins, t) - 1
        if i >= 0 and found[i].begin <= t < found[i].end:
            yield i, t


Choice = dict[tuple[object, ...], float]  # the delay (s) after which each context warns


def frontier(
    groups: dict[tuple[object, ...], Context], instants: int, days: float
) -> list[tuple[float, float, Choice]]:
    """The oracle's best choices, one per lambda (seconds of mean delay one false warning
    a day is worth): (false warnings per day, mean time to warning in s, the delays)."""
    costs = {key: [g.cost(d, instants) for d in DELAYS] for key, g in groups.items()}
    points: list[tuple[float, float, Choice]] = []
    for exponent in range(-40, 121):
        lam = 10 ** (exponent / 20) * HOUR
        mean = false = 0.0
        choice: Choice = {}
        for key, table in costs.items():
            priced = [waited + lam * count / days for waited, count in table]
            best = priced.index(min(priced))
            choice[key] = DELAYS[best]
            mean += table[best][0]
            false += table[best][1]
        points.append((false / days, mean, choice))
    return points


def judged(
    choice: Choice, groups: dict[tuple[object, ...], Context], instants: int, days: float
) -> tuple[float, float]:
    """(false warnings per day, mean time to warning) of `choice` on other days; a context
    it has not seen warns at the fixed threshold."""
    mean = false = 0.0
    for key, group in groups.items():
        waited, count = group.cost(choice.get(key, LONGEST_S), instants)
        mean += waited
        false += count
    return false / days, mean


def at_budget(points: Sequence[tuple[float, float, Choice]], budget: float) -> float:
    """The least mean time to warning on the hull of `points` at `budget` false warnings
    a day (a mix of two choices reaches any point between them)."""
    inside = [p for p in points if p[0] <= budget]
    best = min((p[1] for p in inside), default=math.inf)
    for low in inside:
        for high in (p for p in points if p[0] > budget):
            share = (budget - low[0]) / (high[0] - low[0])
            best = min(best, low[1] + share * (high[1] - low[1]))
    return best


def learned(points: Sequence[tuple[float, float, Choice]], budget: float) -> Choice:
    """The fastest choice within `budget` (no mixing): what a detector learns."""
    inside = [p for p in points if p[0] <= budget]
    if not inside:
        return {}
    return min(inside, key=lambda p: p[1])[2]


@dataclass(frozen=True, slots=True)
class Figures:
    """One kind of detector on one household."""

    oracle_s: float  # the oracle's least mean time to warning within the budget
    learned_s: float  # the mean with the delays the oracle chose for a twin household
    learned_false_per_30: float  # and its false warnings per 30 days
    hedged_s: float  # the twin's delays for no false warning at all, plus `HEDGE_S`
    hedged_false_per_30: float


@dataclass(frozen=True, slots=True)
class Bound:
    home: str
    profile: str
    floor_s: float  # mean time to the next sign of life
    kinds: dict[str, Figures]


KINDS: dict[str, Contexts] = {"by start": by_start, "by start and source": by_start_and_source}


@dataclass(slots=True)
class Watched:
    """One household's evaluated days, as silences and emergency instants."""

    home: SimulatedHome
    found: list[Silence]
    instants: list[float]
    days: float

    def groups(self, context: Contexts) -> dict[tuple[object, ...], Context]:
        return contexts(self.found, self.instants, context, ZoneInfo(self.home.zone))


def bound(watched: Watched, twin: Watched, budget: float) -> Bound:
    """The oracle on `watched`, and the delays it would choose on `twin` (another household
    of the same profile) judged on `watched`."""
    kinds: dict[str, Figures] = {}
    for name, context in KINDS.items():
        groups = watched.groups(context)
        oracle = at_budget(frontier(groups, len(watched.instants), watched.days), budget)
        on_twin = frontier(twin.groups(context), len(twin.instants), twin.days)
        false, mean = judged(learned(on_twin, budget), groups, len(watched.instants), watched.days)
        careful = {key: min(LONGEST_S, d + HEDGE_S) for key, d in learned(on_twin, 0.0).items()}
        hedged = judged(careful, groups, len(watched.instants), watched.days)
        kinds[name] = Figures(oracle, mean, false * 30.0, hedged[1], hedged[0] * 30.0)
    floor = _floor(watched.found, watched.instants)
    return Bound(watched.home.name, watched.home.column, floor, kinds)


def _floor(found: Sequence[Silence], instants: Sequence[float]) -> float:
    """The mean time from an instant to the next sign of life."""
    return sum(found[i].end - t for i, t in _containing(found, instants)) / len(instants)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=EVAL_DAYS, help="evaluated days (90)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(
        "household | budget / 30 days | next sign of life | "
        + " | ".join(f"{k}: oracle | {k}: chosen on a twin (false / 30 days)" for k in KINDS)
    )
    results: list[Bound] = []
    for index, profile in enumerate(PROFILES):
        budget = TARGET_FALSE_PER_30_DAYS / 30.0
        if profile == MUNICIPAL:
            budget = TARGET_MUNICIPAL_FALSE_PER_30_DAYS / 30.0
        twins: list[Watched] = []
        for k in range(SEEDS):
            home = SimulatedHome(profile, args.seed * 1000 + index * 10 + k)
            home.plan_absences(LEARN_DAYS + args.days)
            twins.append(Watched(home, *silences(home, args.days)))
        for k, watched in enumerate(twins):
            result = bound(watched, twins[(k + 1) % len(twins)], budget)
            results.append(result)
            cells = [
                f"{duration(f.oracle_s)} | {duration(f.learned_s)} ({f.learned_false_per_30:.1f})"
                for f in result.kinds.values()
            ]
            print(
                f"{result.home} | {budget * 30:g} | {duration(result.floor_s)} | "
                + " | ".join(cells),
                flush=True,
            )
    for label, chosen, target in (
        ("all simulated households", results, TARGET_MEAN_S),
        (MUNICIPAL, [r for r in results if r.profile == MUNICIPAL], TARGET_MUNICIPAL_MEAN_S),
    ):
        floor = _mean([r.floor_s for r in chosen])
        line = [f"{label} (target {duration(target)}): next sign of life {duration(floor)};"]
        for name in KINDS:
            oracle = _mean([r.kinds[name].oracle_s for r in chosen])
            mean = _mean([r.kinds[name].learned_s for r in chosen])
            false = _mean([r.kinds[name].learned_false_per_30 for r in chosen])
            worst = max(r.kinds[name].learned_false_per_30 for r in chosen)
            careful = _mean([r.kinds[name].hedged_s for r in chosen])
            careful_false = _mean([r.kinds[name].hedged_false_per_30 for r in chosen])
            careful_worst = max(r.kinds[name].hedged_false_per_30 for r in chosen)
            line.append(
                f"{name}: oracle {duration(oracle)}, chosen on a twin {duration(mean)} "
                f"({false:.1f} false per 30 days, worst {worst:.1f}), chosen on a twin for "
                f"none and {HEDGE_S / 3600:g} h longer {duration(careful)} "
                f"({careful_false:.1f}, worst {careful_worst:.1f});"
            )
        print(" ".join(line))


if __name__ == "__main__":
    main()
