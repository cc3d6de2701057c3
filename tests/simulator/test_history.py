"""History CSV: read back by the project's reader, replayed by the replay command."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from custom_components.care_plug.replay.history_csv import HistoryFile
from simulator import Reading, iso_time, write_history_csv
from simulator.cli import main

from .common import START, readings, simulation

ROOT = Path(__file__).resolve().parents[2]
LEVELS = ("normal", "attention", "warning", "critical")


def test_times_are_written_like_home_assistant() -> None:
    assert iso_time(START) == "2026-03-01T15:00:00.000Z"
    assert iso_time(START + timedelta(microseconds=123_456)) == "2026-03-01T15:00:00.123Z"


@pytest.mark.parametrize("by_entity", [True, False])
def test_round_trip_through_the_reader(tmp_path: Path, by_entity: bool) -> None:
    rows = readings("homebody_motion", days=2)
    path = tmp_path / "history.csv"
    assert write_history_csv(rows, path, by_entity=by_entity) == len(rows)
    text = path.read_text()
    assert text.startswith("entity_id,state,last_changed\n")
    if by_entity:
        # Numeric entities first, then the motion sensor's timeline.
        assert text.rstrip().splitlines()[-1].startswith("binary_sensor.living_room_motion,")
    with HistoryFile(path) as history:
        back = list(history.readings())
        assert history.bad_rows == 0
    assert back == [(r.time.timestamp(), r.entity_id, r.state) for r in rows]


def test_writes_to_an_open_file() -> None:
    out = io.StringIO()
    write_history_csv([Reading(START, "sensor.tv_plug_power", "0.6")], out)
    assert out.getvalue() == (
        "entity_id,state,last_changed\nsensor.tv_plug_power,0.6,2026-03-01T15:00:00.000Z\n"
    )


def _replay(tmp_path: Path, rows: list[Reading], options: dict[str, object],
            until: datetime) -> list[dict[str, str]]:  # fmt: skip
    history, options_file = tmp_path / "history.csv", tmp_path / "options.json"
    write_history_csv(rows, history)
    options_file.write_text(json.dumps(options))
    result = subprocess.run(
        [sys.executable, "-m", "custom_components.care_plug.replay", "--options",
         str(options_file), "--events", str(history), "--until", iso_time(until),
         "--latitude", "37.57", "--longitude", "126.98"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stderr == ""
    return [json.loads(line) for line in result.stdout.splitlines()]


def _worst(transitions: list[dict[str, str]], before: datetime | None = None) -> str:
    levels = [
        t["level"]
        for t in transitions
        if before is None or datetime.fromisoformat(t["time"]) < before
    ]
    return max(levels, key=LEVELS.index, default="normal")


def test_replay_raises_the_level_after_the_stop_and_not_before(tmp_path: Path) -> None:
    stop = START + timedelta(days=9, hours=10)  # 10:00 local on day 10
    sim = simulation("early_riser", stop_at=stop)
    until = START + timedelta(days=12)
    transitions = _replay(tmp_path, list(sim.readings(until)), sim.options(), until)
    assert _worst(transitions, before=stop) != "critical"
    after = [t for t in transitions if datetime.fromisoformat(t["time"]) >= stop]
    assert after[-1]["level"] == "critical"
    # Nothing after the stop reads as a person: the levels only rise.
    assert [LEVELS.index(t["level"]) for t in after] == sorted(
        LEVELS.index(t["level"]) for t in after
    )


@pytest.mark.parametrize("profile", ["homebody_motion", "night_owl", "irregular"])
def test_ordinary_days_never_reach_critical(tmp_path: Path, profile: str) -> None:
    sim = simulation(profile)
    until = START + timedelta(days=14)
    transitions = _replay(tmp_path, list(sim.readings(until)), sim.options(), until)
    assert _worst(transitions) != "critical"


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, options = tmp_path / "h.csv", tmp_path / "o.json"
    stop = "2026-03-03T08:00:00+09:00"
    args = ["--profile", "homebody_motion", "--days", "2", "--seed", "3", "--out", str(out),
            "--options-out", str(options), "--stop-at", stop]  # fmt: skip
    assert main(args) == 0
    assert "rows" in capsys.readouterr().err
    expected = io.StringIO()
    write_history_csv(
        simulation("homebody_motion", stop_at=datetime.fromisoformat(stop)).readings(
            START + timedelta(days=2)
        ),
        expected,
    )
    assert out.read_text() == expected.getvalue()
    assert json.loads(options.read_text()) == simulation("homebody_motion").options()
