"""Replay a household's recorded history through the engine (docs/architecture.md).

    python -m custom_components.care_plug.replay --options OPTIONS.json \\
        --events HISTORY.csv [--until ISO8601] [--activity]

Prints one JSON object per care-level transition (and, with --activity, per detected
activity) on standard output. Runs without Home Assistant; see docs/replay.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import heapq
import json
import math
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from ..engine import Activity, CareEvent, EventType, Household, HouseholdSettings, SettingsError
from ..engine.model import time_zone_of
from .history_csv import BadRow, HistoryFile, HistoryFormatError, parse_time

EXIT_OK = 0
EXIT_INPUT = 2

_TRANSITIONS = frozenset({EventType.ALERT, EventType.RESOLVED})

DESCRIPTION = """\
Replay a Home Assistant history export through the Care Plug engine and print the care
level transitions it causes, as JSON Lines.

HISTORY.csv is the file that Home Assistant's History panel downloads (columns
entity_id,state,last_changed; other columns are ignored). Rows may come grouped by
entity, as Home Assistant writes them, or sorted by time. Times without a zone are
taken as UTC, as Home Assistant exports UTC. Use - to read standard input (read in
file order). With the option `resident` (a person or device_tracker), that entity's rows
make the household away while they say so, as in Home Assistant.
"""

EPILOG = """\
output, one JSON object per line:
  {"time", "level", "previous_level", "reason"}   per care level transition
  {"time", "entity_id", "kind": "activity"}       per activity (with --activity)

silence: a History download holds changes, not the repeated reports by which Home Assistant
sees that a steady sensor is alive, so sources are not taken offline for being quiet unless
the options set stale_after; `unavailable` rows do take them offline.

exit codes: 0 done (bad rows are reported on stderr and skipped), 2 unusable options,
history file or arguments.
"""


class InputError(Exception):
    """Input the replay cannot use; the message is shown to the user as is."""


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, to the millisecond when there is a fraction."""
    moment = moment.astimezone(UTC)
    if moment.microsecond == 0:
        spec = "seconds"
    elif moment.microsecond % 1000 == 0:
        spec = "milliseconds"
    else:
        spec = "microseconds"
    return moment.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def _time_argument(text: str) -> datetime:
    try:
        return datetime.fromtimestamp(parse_time(text), UTC)
    except ValueError, OverflowError, OSError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time (e.g. 2026-11-20T10:15:00Z)"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    """The command line (also used to document it)."""
    parser = argparse.ArgumentParser(
        prog="python -m custom_components.care_plug.replay",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--options",
        required=True,
        metavar="OPTIONS.json",
        help="the household's options as a JSON object (power_sources, light_sources, ...)",
    )
    parser.add_argument(
        "--events",
        required=True,
        metavar="HISTORY.csv",
        help="the History panel's CSV download, or - for standard input",
    )
    parser.add_argument(
        "--until",
        type=_time_argument,
        metavar="ISO8601",
        help="let time run on to this instant after the last reading, so deadlines fire "
        "(no zone: UTC)",
    )
    parser.add_argument(
        "--activity",
        action="store_true",
        help="also print each detected activity",
    )
    parser.add_argument(
        "--latitude",
        type=float,
        help="the home's latitude, so light sensors can tell daylight from lamps",
    )
    parser.add_argument("--longitude", type=float, help="the home's longitude (with --latitude)")
    parser.add_argument(
        "--time-zone",
        metavar="ZONE",
        help="the home's time zone (e.g. Asia/Seoul), for the learned routine's times of day "
        "(default: UTC)",
    )
    return parser


def load_settings(path: str) -> HouseholdSettings:
    """The household's settings from an options file; InputError says what is wrong."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"options file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"options file {path} cannot be read: {err}") from None
    try:
        options: Any = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(
            f"options file {path} is not valid JSON (line {err.lineno}, column {err.colno}: "
            f"{err.msg})"
        ) from None
    try:
        settings = HouseholdSettings.from_options(options)
    except SettingsError as err:
        raise InputError(f"options file {path}: {err}") from None
    if "stale_after" not in options:
        # A History download holds changes only, not the repeated reports by which Home
        # Assistant sees that a steady sensor is alive: silence in it proves nothing.
        tuning = dataclasses.replace(settings.tuning, stale_after_seconds=0.0)
        settings = dataclasses.replace(settings, tuning=tuning)
    return settings


def _time_zone(name: str | None) -> str | None:
    try:
        time_zone_of(name)
    except ValueError as err:
        raise InputError(f"--time-zone: {err}") from None
    return name


def _location(args: argparse.Namespace) -> tuple[float, float] | None:
    latitude: float | None = args.latitude
    longitude: float | None = args.longitude
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        raise InputError("--latitude and --longitude go together")
    if not (math.isfinite(latitude) and -90.0 <= latitude <= 90.0):
        raise InputError("--latitude must lie between -90 and 90")
    if not (math.isfinite(longitude) and -180.0 <= longitude <= 180.0):
        raise InputError("--longitude must lie between -180 and 180")
    return latitude, longitude


def _open_history(path: str, settings: HouseholdSettings, errors: TextIO) -> HistoryFile:
    label = "<stdin>" if path == "-" else path

    def bad_row(row: BadRow) -> None:
        errors.write(f"{label}:{row.line}: {row.reason}; row skipped\n")

    try:
        source = sys.stdin.buffer if path == "-" else path
        wanted = set(settings.sources)
        if settings.resident is not None:
            wanted.add(settings.resident)
        return HistoryFile(source, wanted=wanted, on_bad_row=bad_row)
    except FileNotFoundError:
        raise InputError(f"history file {path} does not exist") from None
    except OSError as err:
        raise InputError(f"history file {path} cannot be read: {err}") from None
    except HistoryFormatError as err:
        raise InputError(f"history file {label}: {err}") from None


def replay(
    settings: HouseholdSettings,
    history: HistoryFile,
    out: TextIO,
    *,
    until: datetime | None = None,
    activity: bool = False,
    location: tuple[float, float] | None = None,
    time_zone: str | None = None,
) -> Household | None:
    """Feed every reading to a household started at the first one; write the output lines.

    Returns the household, or None when the history holds no reading of its sources.
    """
    dumps = json.dumps
    # An activity can be confirmed after a hold (a drop to standby waits out the plug-glitch
    # window), after outputs with later times; lines wait that long so they leave in time order.
    hold = settings.tuning.power_glitch_seconds
    waiting: list[tuple[float, int, str]] = []
    serial = 0

    def emit(outputs: Sequence[CareEvent | Activity]) -> None:
        nonlocal serial
        for item in outputs:
            if isinstance(item, Activity):
                if not activity:
                    continue
                line = {"time": iso(item.time), "entity_id": item.entity_id, "kind": "activity"}
            elif item.type in _TRANSITIONS:
                line = {
                    "time": iso(item.time),
                    "level": item.level.key,
                    "previous_level": item.previous_level.key,
                    "reason": item.reason.value,
                }
            else:
                continue
            serial += 1
            heapq.heappush(waiting, (item.time.timestamp(), serial, dumps(line) + "\n"))

    def flush(before: float) -> None:
        while waiting and waiting[0][0] < before:
            out.write(heapq.heappop(waiting)[2])

    readings = history.readings()
    first = next(readings, None)
    if first is None:
        return None
    household = Household(settings, datetime.fromtimestamp(first[0], UTC), location, time_zone)
    observe = household.observe_ts
    output = observe(first[1], first[2], first[0])
    if output:
        emit(output)
    for ts, entity_id, state in readings:
        output = observe(entity_id, state, ts)
        if output:
            emit(output)
        if waiting and waiting[0][0] < ts - hold:
            flush(ts - hold)
    if until is not None:
        emit(household.advance(until))
    flush(math.inf)
    return household


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; the exit code."""
    args = build_parser().parse_args(argv)
    errors = sys.stderr
    try:
        settings = load_settings(args.options)
        location = _location(args)
        time_zone = _time_zone(args.time_zone)
        history = _open_history(args.events, settings, errors)
    except InputError as err:
        errors.write(f"replay: error: {err}\n")
        return EXIT_INPUT
    with history:
        try:
            household = replay(
                settings,
                history,
                sys.stdout,
                until=args.until,
                activity=args.activity,
                location=location,
                time_zone=time_zone,
            )
            sys.stdout.flush()
        except BrokenPipeError:
            # The reader (e.g. `head`) has had enough; that is not an error. Point stdout at
            # devnull so that the interpreter's final flush does not fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_OK
    if history.bad_rows:
        errors.write(f"replay: {history.bad_rows} bad row(s) skipped\n")
    if history.file_order and history.runs > 1:
        errors.write(
            f"replay: note: the file breaks into {history.runs} time-ordered runs, too many "
            "to merge; readings were taken in file order\n"
        )
    if household is None:
        errors.write("replay: note: the history holds no reading of the household's sources\n")
    return EXIT_OK
