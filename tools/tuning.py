"""Measure the signal defaults on real recordings (docs/tuning.md shows the output).

Run from the repo root: `.venv/bin/python -m tools.tuning [--data DIR]`.

It replays every REFIT plug and every Open Smart Home lux sensor through the engine's
own classifiers (`PowerClassifier`, `BackgroundPowerClassifier`, `LightClassifier`) and
compares their activity with a simple, independent ground truth:

- Power: a switch-on episode is a run of readings at least `ON_MARGIN_W[kind]` above the
  plug's own standby (the level it is at or below 5 % of the time), with at least two
  such readings; dips shorter than `EPISODE_GAP_S` do not end the run. An
  episode is detected when the classifier reports an activity between `MATCH_SLACK_S`
  before its start and `MATCH_SLACK_S` after its end.
- Light: with the sun at least 6 degrees below the horizon no daylight reaches a room, so
  a dark room (at most `DARK_LX`) getting at least `LAMP_MIN_STEP_LX` brighter between
  two readings, or the reverse, is a lamp switched on or off. Every other activity is
  counted as extra, split by the sun's position.

As in Home Assistant, a reading equal to the previous one is not a new state and is
not fed to the classifier.
"""

from __future__ import annotations

import argparse
import csv
import gzip
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

from custom_components.care_plug.engine.settings import Tuning
from custom_components.care_plug.engine.signals import (
    BackgroundPowerClassifier,
    Classifier,
    LightClassifier,
    PowerClassifier,
)
from custom_components.care_plug.engine.solar import sun_elevation

DEFAULT_DATA = Path("../shared/data")
REFIT_FILE = Path("refit/refit_samples_all_houses.csv.gz")
OSH_FILE = Path("opensmarthome/opensmarthome_lux_temp_hum.csv.gz")

# The Open Smart Home flat (Fraunhofer IBP, Nuremberg) and its local time for the tables.
OSH_LOCATION = (49.45, 11.08)
OSH_ZONE = ZoneInfo("Europe/Berlin")

# Ground truth, power: how far above its standby a plug must draw to be "on". Well below
# each kind's working draw (kettles 1.8-3 kW, toasters and microwaves 0.8-1.5 kW, TVs
# 50-200 W, an 80 W lamp) and well above the standby and picture wobble.
ON_MARGIN_W: dict[str, float] = {
    "kettle": 1000.0,
    "toaster": 300.0,
    "microwave": 300.0,
    "tv": 30.0,
    "lamp": 20.0,
}
HUMAN_KINDS = tuple(ON_MARGIN_W)
EPISODE_GAP_S = 60.0  # microwave power cycling and short pauses stay one use
MATCH_SLACK_S = 60.0  # about seven REFIT sampling intervals
# Ground truth, light.
NIGHT_ELEVATION = -6.0  # end of civil twilight: no daylight left in a room
LAMP_MIN_STEP_LX = 5.0  # five times the sensor's ~0.9 lx resolution
DARK_LX = 2.0  # two resolution steps: a dark room

type Series = list[tuple[float, str]]


# ---------------------------------------------------------------- data


def load(path: Path, prefix: str = "") -> dict[str, Series]:
    """`timestamp_utc_iso,entity,value` rows, by entity (entities starting with `prefix`).

    Two REFIT channels share a name in one house; the second becomes `<name>#2`.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    series: dict[str, Series] = {}
    with opener(path, "rt", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        stamp = ""
        seen: Counter[str] = Counter()
        ts = 0.0
        for iso, entity, value in rows:
            if not entity.startswith(prefix):
                continue
            if iso != stamp:
                stamp = iso
                seen.clear()
                ts = datetime.fromisoformat(iso).timestamp()
            seen[entity] += 1
            name = entity if seen[entity] == 1 else f"{entity}#{seen[entity]}"
            series.setdefault(name, []).append((ts, value))
    return series


def appliance_kind(entity: str) -> str | None:
    """What a REFIT plug feeds: a human-operated kind, "cold", or None (not assessed)."""
    name = entity.lower()
    if "fridge" in name or "freezer" in name:
        return "cold"
    for kind, words in (
        ("kettle", ("kettle",)),  # house 21's "kettle_toaster" draws like a kettle
        ("toaster", ("toaster",)),
        ("microwave", ("microwave",)),
        ("tv", ("television",)),
        ("lamp", ("lamp",)),
    ):
        if any(word in name for word in words):
            return kind
    return None


def _numbers(series: Series) -> list[tuple[float, float]]:
    return [(ts, float(state)) for ts, state in series]


# ---------------------------------------------------------------- replay


def replay(
    classifier: Classifier, series: Series, sun_up: Callable[[float], bool | None] | None = None
) -> list[float]:
    """Feed a series as Home Assistant would; the activity times the classifier reports.

    A change held back for confirmation is confirmed when its window passes, before the
    next reading, exactly as the household's timer does.
    """
    activities: list[float] = []
    previous: str | None = None
    for ts, state in series:
        if state == previous:
            continue
        previous = state
        pending = classifier.pending_until
        if pending is not None and pending <= ts:
            confirmed = classifier.confirm(pending)
            if confirmed is not None:
                activities.append(confirmed)
        found = classifier.feed(ts, state, sun_up(ts) if sun_up else None)
        if found is not None:
            activities.append(found)
    pending = classifier.pending_until
    if pending is not None:
        confirmed = classifier.confirm(pending)
        if confirmed is not None:
            activities.append(confirmed)
    return activities


# ---------------------------------------------------------------- power


@dataclass(frozen=True, slots=True)
class Episode:
    """One use of an appliance: first and last reading above its on-level."""

    start: float
    end: float


def standby_level(points: Sequence[tuple[float, float]]) -> float:
    """The plug's standby draw: the level it is at or below for 5 % of the time.

    Weighted by time, so a recording with repeated readings removed gives the same.
    """
    held = sorted((value, later[0] - ts) for (ts, value), later in pairwise(points))
    total = sum(duration for _, duration in held)
    covered = 0.0
    for value, duration in held:
        covered += duration
        if covered >= 0.05 * total:
            return value
    return points[0][1] if points else 0.0


def switch_episodes(series: Series, kind: str) -> list[Episode]:
    """Ground truth: the switch-on episodes of a human-operated appliance.

    An episode starts at a reading `ON_MARGIN_W[kind]` above standby and lasts while
    readings stay above half that margin; it ends once readings have stayed below for
    `EPISODE_GAP_S`. A gap in the recording is not an "off", and an appliance that is
    already on when the recording starts has no switch-on to find.
    """
    points = _numbers(series)
    standby = standby_level(points)
    on_level = standby + ON_MARGIN_W[kind]
    hold_level = standby + ON_MARGIN_W[kind] / 2
    episodes: list[Episode] = []
    start = end = 0.0
    above = 0  # readings at or above on_level in the current episode; 0: none open
    below_since: float | None = None
    seen_off = False  # an appliance already on when the recording starts was not switched
    for ts, value in points:
        seen_off = seen_off or value < hold_level
        if above and value < hold_level:
            below_since = ts if below_since is None else below_since
        if above and below_since is not None and ts - below_since >= EPISODE_GAP_S:
            if above >= 2:
                episodes.append(Episode(start, end))
            above = 0
        if above and value >= hold_level:
            end = ts
            below_since = None
            above += value >= on_level
        elif not above and value >= on_level and seen_off:
            start = end = ts
            above = 1
            below_since = None
    if above >= 2:
        episodes.append(Episode(start, end))
    return episodes


@dataclass(slots=True)
class PowerScore:
    """One human-operated plug against its ground truth."""

    entity: str
    kind: str
    hours: float
    episodes: int = 0
    detected: int = 0
    activities: int = 0
    extra: int = 0  # activities outside every episode
    on_hours: float = 0.0
    during_on: int = 0  # activities while on, over a minute from switching on or off
    missed: list[Episode] = field(default_factory=list)


def score_power(entity: str, series: Series, kind: str, tuning: Tuning) -> PowerScore:
    """Replay a human-operated plug as `power` and match activities to episodes."""
    activities = replay(PowerClassifier(tuning), series)
    episodes = switch_episodes(series, kind)
    score = PowerScore(entity, kind, _hours(series), len(episodes), activities=len(activities))
    used: set[int] = set()
    for episode in episodes:
        inside = [
            i
            for i, ts in enumerate(activities)
            if episode.start - MATCH_SLACK_S <= ts <= episode.end + MATCH_SLACK_S
        ]
        used.update(inside)
        if inside:
            score.detected += 1
        else:
            score.missed.append(episode)
        score.on_hours += (episode.end - episode.start) / 3600.0
        score.during_on += sum(
            1
            for i in inside
            if episode.start + MATCH_SLACK_S < activities[i] < episode.end - MATCH_SLACK_S
        )
    score.extra = len(activities) - len(used)
    return score


@dataclass(slots=True)
class ColdScore:
    """A fridge or freezer, replayed in both roles."""

    entity: str
    hours: float
    as_background: int
    as_power: int
    longest_quiet_h: float  # longest time without activity as power


def score_cold(entity: str, series: Series, tuning: Tuning) -> ColdScore:
    """Activities of a compressor cycling, as `background_power` and wrongly as `power`."""
    as_power = replay(PowerClassifier(tuning), series)
    edges = [series[0][0], *as_power, series[-1][0]]
    return ColdScore(
        entity,
        _hours(series),
        len(replay(BackgroundPowerClassifier(tuning), series)),
        len(as_power),
        max(b - a for a, b in pairwise(edges)) / 3600.0,
    )


def _hours(series: Series) -> float:
    return (series[-1][0] - series[0][0]) / 3600.0 if series else 0.0


# ---------------------------------------------------------------- light


def lamp_switches(series: Series, location: tuple[float, float]) -> set[float]:
    """Ground truth: times of readings that show a lamp switched on or off in the dark.

    At night (sun `NIGHT_ELEVATION` or lower) a room going from dark (at most
    `DARK_LX`) to at least `LAMP_MIN_STEP_LX` brighter, or back, is a lamp.
    """
    found: set[float] = set()
    previous: float | None = None
    for ts, value in _numbers(series):
        if previous is not None and sun_elevation(*location, ts) <= NIGHT_ELEVATION:
            low, high = min(previous, value), max(previous, value)
            if low <= DARK_LX and high - low >= LAMP_MIN_STEP_LX:
                found.add(ts)
        previous = value
    return found


@dataclass(slots=True)
class LightScore:
    """One lux sensor against its ground truth."""

    entity: str
    readings: int = 0
    lamp_events: int = 0
    detected: int = 0
    activities: int = 0
    night_extra: int = 0  # sun more than 6 degrees down, not a lamp switching
    twilight: int = 0  # sun between 6 degrees down and the sun-up threshold
    sun_up: int = 0  # only possible without a known sun position
    by_hour: Counter[tuple[int, bool]] = field(default_factory=Counter)  # (hour, sun up)
    events_by_hour: Counter[int] = field(default_factory=Counter)


def score_light(
    entity: str, series: Series, tuning: Tuning, location: tuple[float, float], sun_known: bool
) -> LightScore:
    """Replay a lux sensor as `light`, with or without the sun's position."""

    def sun_up(ts: float) -> bool | None:
        if not sun_known:
            return None
        return sun_elevation(*location, ts) > tuning.light_sun_elevation

    activities = replay(LightClassifier(tuning), series, sun_up)
    events = lamp_switches(series, location)
    score = LightScore(entity, len(series), len(events), activities=len(activities))
    for ts in events:
        score.events_by_hour[_local_hour(ts)] += 1
    for ts in activities:
        elevation = sun_elevation(*location, ts)
        score.by_hour[_local_hour(ts), elevation > 0.0] += 1
        if ts in events:
            score.detected += 1
        elif elevation <= NIGHT_ELEVATION:
            score.night_extra += 1
        elif elevation > 0.0:
            score.sun_up += 1
        else:
            score.twilight += 1
    return score


def _local_hour(ts: float) -> int:
    return datetime.fromtimestamp(ts, OSH_ZONE).hour


# ---------------------------------------------------------------- report


@dataclass(slots=True)
class Totals:
    """The headline numbers of one run, for the sweep."""

    episodes: int = 0
    detected: int = 0
    extra: int = 0
    during_on: int = 0
    tv_on_hours: float = 0.0
    tv_during_on: int = 0
    cold_background: int = 0
    cold_power: int = 0
    cold_hours: float = 0.0
    lamp_events: int = 0
    lamp_detected: int = 0
    light_night_extra: int = 0
    light_twilight: int = 0
    light_sun_up: int = 0


def measure(
    refit: dict[str, Series], osh: dict[str, Series], tuning: Tuning
) -> tuple[list[PowerScore], list[ColdScore], list[LightScore], Totals]:
    """Every plug and lux sensor replayed with `tuning`."""
    powers: list[PowerScore] = []
    colds: list[ColdScore] = []
    for entity, series in sorted(refit.items()):
        kind = appliance_kind(entity)
        if kind == "cold":
            colds.append(score_cold(entity, series, tuning))
        elif kind is not None:
            powers.append(score_power(entity, series, kind, tuning))
    lights = [
        score_light(entity, series, tuning, OSH_LOCATION, sun_known=True)
        for entity, series in sorted(osh.items())
    ]
    totals = Totals(
        episodes=sum(s.episodes for s in powers),
        detected=sum(s.detected for s in powers),
        extra=sum(s.extra for s in powers),
        during_on=sum(s.during_on for s in powers),
        tv_on_hours=sum(s.on_hours for s in powers if s.kind == "tv"),
        tv_during_on=sum(s.during_on for s in powers if s.kind == "tv"),
        cold_background=sum(c.as_background for c in colds),
        cold_power=sum(c.as_power for c in colds),
        cold_hours=sum(c.hours for c in colds),
        lamp_events=sum(s.lamp_events for s in lights),
        lamp_detected=sum(s.detected for s in lights),
        light_night_extra=sum(s.night_extra for s in lights),
        light_twilight=sum(s.twilight for s in lights),
        light_sun_up=sum(s.sun_up for s in lights),
    )
    return powers, colds, lights, totals


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    cells = [[str(c) for c in header], *([str(c) for c in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _short(entity: str) -> str:
    return entity.removeprefix("lux_").replace("_plug_", " ").removesuffix("_power_w")


def report_power(powers: list[PowerScore], colds: list[ColdScore]) -> str:
    """Per-plug tables for human-operated appliances and for fridges and freezers."""
    out = ["### Human-operated plugs (role `power`)", ""]
    out.append(
        _table(
            ("plug", "kind", "hours", "episodes", "detected", "extra", "on h", "during on"),
            (
                (
                    _short(s.entity),
                    s.kind,
                    f"{s.hours:.1f}",
                    s.episodes,
                    s.detected,
                    s.extra,
                    f"{s.on_hours:.2f}",
                    s.during_on,
                )
                for s in powers
                if s.episodes or s.activities
            ),
        )
    )
    silent = [_short(s.entity) for s in powers if not s.episodes and not s.activities]
    out += ["", f"Not used in the recording (no episode, no activity): {', '.join(silent)}."]
    out += ["", "By kind:", ""]
    kinds = [k for k in HUMAN_KINDS if any(s.kind == k for s in powers)]
    out.append(
        _table(
            ("kind", "plugs", "episodes", "detected", "extra", "during on"),
            (
                (
                    kind,
                    sum(1 for s in powers if s.kind == kind),
                    sum(s.episodes for s in powers if s.kind == kind),
                    sum(s.detected for s in powers if s.kind == kind),
                    sum(s.extra for s in powers if s.kind == kind),
                    sum(s.during_on for s in powers if s.kind == kind),
                )
                for kind in kinds
            ),
        )
    )
    missed = [(s.entity, e) for s in powers for e in s.missed]
    if missed:
        out += ["", "Missed episodes:"]
        out += [f"- {_short(n)}: {e.start:.0f}..{e.end:.0f}" for n, e in missed]
    out += ["", "### Fridges and freezers", ""]
    out.append(
        _table(
            ("plug", "hours", "as background_power", "as power", "per hour"),
            (
                (
                    _short(c.entity),
                    f"{c.hours:.1f}",
                    c.as_background,
                    c.as_power,
                    f"{c.as_power / c.hours:.1f}",
                )
                for c in colds
            ),
        )
    )
    hours = sum(c.hours for c in colds)
    as_power = sum(c.as_power for c in colds)
    longest = max((c.longest_quiet_h for c in colds), default=0.0)
    out += [
        "",
        f"{len(colds)} plugs, {hours:.0f} h: {sum(c.as_background for c in colds)} activities as "
        f"background_power; {as_power} as power ({as_power / hours:.1f} per hour).",
        f"Longest gap between two activities of one cold plug as power: {longest:.1f} h.",
    ]
    return "\n".join(out)


def report_light(lights: list[LightScore], title: str) -> str:
    """Per-room and per-hour tables for the lux sensors."""
    out = [f"### {title}", ""]
    out.append(
        _table(
            (
                "room",
                "readings",
                "lamp switchings",
                "detected",
                "night extra",
                "twilight",
                "sun up",
            ),
            (
                (
                    _short(s.entity),
                    s.readings,
                    s.lamp_events,
                    s.detected,
                    s.night_extra,
                    s.twilight,
                    s.sun_up,
                )
                for s in lights
            ),
        )
    )
    by_hour: Counter[tuple[int, bool]] = Counter()
    events: Counter[int] = Counter()
    for s in lights:
        by_hour.update(s.by_hour)
        events.update(s.events_by_hour)
    out += ["", "Activities by local hour (all rooms), sun down / sun up, and lamp switchings:"]
    out.append("")
    out.append(
        _table(
            ("hour", "sun down", "sun up", "lamp switchings"),
            ((f"{h:02d}", by_hour[h, False], by_hour[h, True], events[h]) for h in range(24)),
        )
    )
    return "\n".join(out)


SWEEP: tuple[tuple[str, tuple[float, ...]], ...] = (
    ("power_standby_w", (2.0, 5.0, 10.0, 20.0)),
    ("power_step_w", (15.0, 30.0, 50.0, 80.0)),
    ("power_step_ratio", (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.5)),
    ("power_glitch_seconds", (0.0, 60.0, 120.0, 300.0)),
    ("light_step_lx", (2.0, 4.0, 5.0, 6.0, 10.0, 20.0)),
    ("light_step_ratio", (0.5, 1.0, 2.0)),
    ("light_dark_lx", (10.0, 30.0, 60.0)),
    ("light_sun_elevation", (-8.0, -6.0, -3.0, 0.0)),
)


def report_sweep(refit: dict[str, Series], osh: dict[str, Series], base: Tuning) -> str:
    """Headline counts when one parameter at a time moves away from the defaults."""
    rows: list[tuple[object, ...]] = []
    for name, values in SWEEP:
        for value in values:
            tuning = replace(base, **{name: value})
            *_, t = measure(refit, osh, tuning)
            mark = " (default)" if getattr(base, name) == value else ""
            rows.append(
                (
                    f"{name}={value:g}{mark}",
                    f"{t.detected}/{t.episodes}",
                    t.extra,
                    f"{t.tv_during_on} in {t.tv_on_hours:.0f} h",
                    t.cold_power,
                    f"{t.lamp_detected}/{t.lamp_events}",
                    t.light_night_extra,
                    t.light_twilight,
                )
            )
    header = (
        "setting",
        "power detected",
        "power extra",
        "TV while on",
        "fridge as power",
        "lamps detected",
        "night extra",
        "twilight",
    )
    return "### Sensitivity (one setting at a time)\n\n" + _table(header, rows)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder")
    parser.add_argument("--no-sweep", action="store_true", help="skip the sensitivity sweep")
    args = parser.parse_args(argv)
    refit = {e: s for e, s in load(args.data / REFIT_FILE).items() if "_plug_" in e}
    osh = load(args.data / OSH_FILE, prefix="lux_")
    tuning = Tuning()
    powers, colds, lights, _ = measure(refit, osh, tuning)
    print("## Defaults\n")
    print(", ".join(f"{k}={getattr(tuning, k):g}" for k, _ in SWEEP))
    print()
    print("## REFIT plugs\n")
    print(report_power(powers, colds))
    print()
    print("## Open Smart Home lux\n")
    print(report_light(lights, "Sun position known (Home Assistant location set)"))
    print()
    unknown = [
        score_light(e, s, tuning, OSH_LOCATION, sun_known=False) for e, s in sorted(osh.items())
    ]
    print(report_light(unknown, "Sun position unknown (no location)"))
    if not args.no_sweep:
        print()
        print(report_sweep(refit, osh, tuning))


if __name__ == "__main__":
    main()
