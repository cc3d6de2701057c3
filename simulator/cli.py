"""The simulator's command line: write a History-panel CSV (and the options) for a profile.

    python -m simulator --profile early_riser --days 60 --seed 1 --out history.csv \\
        [--stop-at ISO8601] [--options-out options.json] [--start ISO8601] \\
        [--latitude 37.57 --longitude 126.98 --time-zone Asia/Seoul]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .history import iso_time, write_history_csv
from .household import Simulation
from .profiles import PROFILES


def _time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time") from None
    return moment


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="Simulate one resident's home and write what Home Assistant's History "
        "panel would download.",
    )
    parser.add_argument("--profile", required=True, choices=sorted(PROFILES))
    parser.add_argument("--days", type=float, default=7.0, help="days to simulate (default 7)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--start",
        type=_time,
        help="first instant (ISO 8601; without a zone, local time); default 2026-03-02 00:00 "
        "local, a Monday",
    )
    parser.add_argument(
        "--stop-at", type=_time, help="instant the resident stops all activity (ISO 8601)"
    )
    parser.add_argument("--out", required=True, help="History CSV to write (- for stdout)")
    parser.add_argument("--options-out", help="write the household's options JSON here")
    parser.add_argument("--latitude", type=float, default=37.57)
    parser.add_argument("--longitude", type=float, default=126.98)
    parser.add_argument("--time-zone", default="Asia/Seoul")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        zone = ZoneInfo(args.time_zone)
    except ZoneInfoNotFoundError, ValueError:
        parser.error(f"unknown time zone {args.time_zone!r}")
    start: datetime = args.start or datetime(2026, 3, 2)  # noqa: DTZ001 (local, zone added below)
    if start.tzinfo is None:
        start = start.replace(tzinfo=zone)
    stop: datetime | None = args.stop_at
    if stop is not None and stop.tzinfo is None:
        stop = stop.replace(tzinfo=zone)
    sim = Simulation(
        PROFILES[args.profile],
        seed=args.seed,
        start=start,
        latitude=args.latitude,
        longitude=args.longitude,
        time_zone=args.time_zone,
        stop_at=stop,
    )
    until = start + timedelta(days=args.days)
    readings = sim.readings(until)
    rows = write_history_csv(readings, sys.stdout if args.out == "-" else args.out)
    if args.options_out:
        with open(args.options_out, "w", encoding="utf-8") as out:
            json.dump(sim.options(), out, indent=2)
            out.write("\n")
    print(
        f"{args.profile}, seed {args.seed}: {rows} rows from {iso_time(start)} "
        f"until {iso_time(until)}; {len(sim.absences())} absences",
        file=sys.stderr,
    )
    return 0
