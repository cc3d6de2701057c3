"""Write the bundled sample household (samples/household/) and its expected replay output.

    .venv/bin/python -m tools.make_sample

The history is generated, not recorded, from a fixed seed, so the files are the same on
every run. It imitates a History-panel download for a home in Seoul (UTC+9): four days
of a resident's ordinary routine, then a fifth day with no sign of them, so the care
level rises. expected.jsonl is the replay's output, produced by running the command.
"""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "samples" / "household"

TV = "sensor.tv_plug_power"
KETTLE = "sensor.kettle_plug_power"
FRIDGE = "sensor.fridge_plug_power"
LUX = "sensor.living_room_illuminance"
MOTION = "binary_sensor.hallway_motion"

OPTIONS: dict[str, object] = {
    "power_sources": [TV, KETTLE],
    "background_power_sources": [FRIDGE],
    "light_sources": [LUX],
    "presence_sources": [MOTION],
    "risk_group": "at_risk",
    "attention_after": {"hours": 12},
    "warning_after": {"hours": 24},
    "critical_after": {"hours": 36},
}

LOCAL = timedelta(hours=9)  # Korea Standard Time, no daylight saving
START = datetime(2026, 11, 16, tzinfo=UTC) - LOCAL  # local midnight, Monday
ORDINARY_DAYS = 4
DAYS = ORDINARY_DAYS + 1  # the last day has no activity
END = START + timedelta(days=DAYS)
SEED = 20261116
# Seoul: the replay is given the home's location so that the light sensor's lamp steps
# count at night and daylight never does.
LATITUDE, LONGITUDE = 37.57, 126.98
# On this ordinary day the resident sleeps in until about 11:20 (unwell, say): twelve
# quiet hours raise `attention`, and the first sign of them brings it back to `normal`.
LATE_DAY = 2

HOUR = 3600.0
MINUTE = 60.0

type Series = list[tuple[float, str]]


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def _day_start(day: int) -> float:
    return (START + timedelta(days=day)).timestamp()


def _changes(samples: Series) -> Series:
    """Only the changes, as Home Assistant records them."""
    out: Series = []
    for ts, state in samples:
        if not out or out[-1][1] != state:
            out.append((ts, state))
    return out


def fridge(rng: random.Random) -> Series:
    """Compressor cycles about every 40 minutes, day and night: never a person."""
    out: Series = [(START.timestamp(), "1.8")]
    t = START.timestamp() + rng.uniform(5, 20) * MINUTE
    while t < END.timestamp():
        run = rng.uniform(12, 17) * MINUTE
        step = t
        while step < t + run:
            out.append((step, f"{rng.uniform(84, 96):.1f}"))
            step += rng.uniform(2.5, 4) * MINUTE
        out.append((t + run, f"{rng.uniform(1.6, 2.2):.1f}"))
        t += run + rng.uniform(23, 30) * MINUTE
    return _changes([(ts, s) for ts, s in out if ts < END.timestamp()])


def tv(rng: random.Random) -> Series:
    """Standby draw that wobbles a little; on in the evening, with one zero-watt glitch."""
    samples: Series = []
    t = START.timestamp()
    while t < END.timestamp():
        samples.append((t, rng.choice(("0.4", "0.5", "0.6"))))
        t += rng.uniform(15, 25) * MINUTE
    for day in range(ORDINARY_DAYS):
        base = _day_start(day)
        on = base + (19 + rng.uniform(0, 0.75)) * HOUR
        off = base + (22 + rng.uniform(0, 0.5)) * HOUR
        samples = [(ts, s) for ts, s in samples if not on <= ts <= off + 90]
        step = on
        while step < off:
            samples.append((step, f"{rng.uniform(78, 92):.1f}"))
            step += rng.uniform(3, 8) * MINUTE
        samples.append((off, "0.5"))
        if day == 1:
            # A plug's zero-watt glitch: 0 W for a few seconds, then the TV's draw again.
            glitch = on + 1.5 * HOUR + 17
            samples.append((glitch, "0.0"))
            samples.append((glitch + 6.2, "85.1"))
        if day == 2:
            # The plug drops off the network for a few minutes in the afternoon.
            lost = base + 14.2 * HOUR
            samples = [(ts, s) for ts, s in samples if not lost <= ts <= lost + 420]
            samples.append((lost, "unavailable"))
            samples.append((lost + 410, "0.5"))
    samples.sort(key=lambda sample: sample[0])
    return _changes(samples)


def kettle(rng: random.Random) -> Series:
    """0 W most of the day; boiled every morning and once in the afternoon."""
    samples: Series = [(START.timestamp(), "0.0")]
    for day in range(ORDINARY_DAYS):
        base = _day_start(day)
        morning = 11.5 if day == LATE_DAY else 7.3
        for hour in (morning + rng.uniform(0, 0.6), 15 + rng.uniform(0, 1.5)):
            on = base + hour * HOUR
            samples.append((on, f"{rng.uniform(1950, 2150):.0f}"))
            samples.append((on + 95, f"{rng.uniform(1950, 2150):.0f}"))
            samples.append((on + rng.uniform(170, 220), "0.0"))
    return _changes(samples)


def illuminance(rng: random.Random) -> Series:
    """Daylight that rises and falls slowly, and a lamp in the morning and evening.

    Daylight changes by a few lux per reading near dawn and dusk, so it never reads as a
    person; switching the lamp in the dark does.
    """
    sunrise, sunset = 7.2 * HOUR, 17.4 * HOUR
    lamps: list[tuple[float, float]] = []
    for day in range(ORDINARY_DAYS):
        base = _day_start(day)
        morning_lamp = (base + (6.4 + rng.uniform(0, 0.3)) * HOUR, base + 7.6 * HOUR)
        if day != LATE_DAY:
            lamps.append(morning_lamp)
        lamps.append((base + (18.0 + rng.uniform(0, 0.5)) * HOUR, base + 22.4 * HOUR))
    samples: Series = []
    t = START.timestamp()
    while t < END.timestamp():
        of_day = (t - START.timestamp()) % 86400.0
        daylight = 0.0
        if sunrise < of_day < sunset:
            cloud = 1.0 + 0.08 * math.sin(t / 1700.0) + rng.uniform(-0.02, 0.02)
            daylight = 240.0 * math.sin(math.pi * (of_day - sunrise) / (sunset - sunrise)) * cloud
        lamp = 55.0 if any(on <= t < off for on, off in lamps) else 0.0
        samples.append((t, f"{daylight + lamp:.0f}"))
        t += 3 * MINUTE
    # Exact lamp switching moments, as a sensor reports a sudden change at once.
    for on, off in lamps:
        samples.append((on, f"{55 + _daylight_at(on, sunrise, sunset):.0f}"))
        samples.append((off, f"{_daylight_at(off, sunrise, sunset):.0f}"))
    samples.sort(key=lambda sample: sample[0])
    out = _changes(samples)
    # The sensor's battery runs low once and it drops out for a moment.
    gap = _day_start(1) + 11.05 * HOUR
    out = [(ts, s) for ts, s in out if not gap <= ts < gap + 600]
    out.append((gap, "unavailable"))
    out.sort(key=lambda sample: sample[0])
    return out


def _daylight_at(t: float, sunrise: float, sunset: float) -> float:
    of_day = (t - START.timestamp()) % 86400.0
    if not sunrise < of_day < sunset:
        return 0.0
    return 240.0 * math.sin(math.pi * (of_day - sunrise) / (sunset - sunrise))


def motion(rng: random.Random) -> Series:
    """The hallway sensor sees the resident on their way through the day."""
    samples: Series = [(START.timestamp(), "off")]
    for day in range(ORDINARY_DAYS):
        base = _day_start(day)
        hours = [12.3, 13.0, 15.2, 18.1, 19.0, 21.5, 22.6]
        if day == LATE_DAY:
            hours.append(11.3)
        else:
            hours += [2.4, 6.5, 7.4, 9.0]  # a trip to the bathroom at night, the morning
        for hour in sorted(hours):
            seen = base + (hour + rng.uniform(0, 0.25)) * HOUR
            samples.append((seen, "on"))
            samples.append((seen + rng.uniform(30, 120), "off"))
    return samples


def write_history(path: Path, entities: dict[str, Series]) -> float:
    """Write the CSV the History panel would download; the last reading's time."""
    last = 0.0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("entity_id,state,last_changed\n")
        for entity_id, series in entities.items():
            for ts, state in series:
                out.write(f"{entity_id},{state},{_iso(ts)}\n")
                last = max(last, ts)
    return last


def replay_command(sample_dir: Path, until: float) -> list[str]:
    """The command that replays the sample (run from the repository root)."""
    return [
        sys.executable,
        "-m",
        "custom_components.care_plug.replay",
        "--options",
        str(sample_dir / "options.json"),
        "--events",
        str(sample_dir / "history.csv"),
        "--until",
        _iso(until),
        "--latitude",
        str(LATITUDE),
        "--longitude",
        str(LONGITUDE),
    ]


def main(sample_dir: Path = SAMPLE_DIR, echo: Callable[[str], None] = print) -> None:
    """Write options.json, history.csv and expected.jsonl."""
    rng = random.Random(SEED)
    sample_dir.mkdir(parents=True, exist_ok=True)
    (sample_dir / "options.json").write_text(json.dumps(OPTIONS, indent=2) + "\n")
    # Grouped by entity, numeric sensors first, as the History panel writes them.
    entities = {
        TV: tv(rng),
        KETTLE: kettle(rng),
        FRIDGE: fridge(rng),
        LUX: illuminance(rng),
        MOTION: motion(rng),
    }
    last = write_history(sample_dir / "history.csv", entities)
    until = last + 2 * 86400.0  # two days on, so every deadline has fired
    result = subprocess.run(
        replay_command(sample_dir, until), cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0 or result.stderr:
        raise SystemExit(f"the replay failed:\n{result.stderr}")
    (sample_dir / "expected.jsonl").write_text(result.stdout)
    rows = sum(len(series) for series in entities.values())
    echo(f"wrote {sample_dir}: {rows} rows, last reading {_iso(last)}, until {_iso(until)}")
    echo(result.stdout.rstrip())


if __name__ == "__main__":
    main()
