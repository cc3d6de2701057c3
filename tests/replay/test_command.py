"""The replay command, run as users run it: a subprocess from the repository root."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from custom_components.care_plug.replay.history_csv import parse_time
from tools.make_sample import replay_command

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "household"
HEADER = "entity_id,state,last_changed\n"

OPTIONS = {
    "power_sources": ["sensor.tv"],
    "presence_sources": ["binary_sensor.motion"],
    "attention_after": {"minutes": 10},
    "warning_after": {"minutes": 20},
    "critical_after": {"minutes": 30},
}
# The TV switches on at 00:01 (activity), the motion sensor fires at 00:05 (activity).
HISTORY = (
    HEADER
    + "sensor.tv,0.5,2026-01-01T00:00:00.000Z\n"
    + "sensor.tv,80,2026-01-01T00:01:00.000Z\n"
    + "sensor.tv,82,2026-01-01T00:06:00.000Z\n"
    + "binary_sensor.motion,off,2026-01-01T00:00:00.000Z\n"
    + "binary_sensor.motion,on,2026-01-01T00:05:00.000Z\n"
    + "binary_sensor.motion,off,2026-01-01T00:05:30.000Z\n"
)


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "custom_components.care_plug.replay", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


@pytest.fixture
def options_file(tmp_path: Path) -> Path:
    path = tmp_path / "options.json"
    path.write_text(json.dumps(OPTIONS))
    return path


@pytest.fixture
def history_file(tmp_path: Path) -> Path:
    path = tmp_path / "history.csv"
    path.write_text(HISTORY)
    return path


def sample_command(*extra: str) -> list[str]:
    """The sample's replay arguments (after `-m custom_components.care_plug.replay`)."""
    with (SAMPLE / "history.csv").open() as history:
        next(history)
        last = max(parse_time(line.rstrip("\n").rsplit(",", 1)[1]) for line in history if line)
    return [*replay_command(SAMPLE, last + 2 * 86400.0)[3:], *extra]


# ----------------------------------------------------------------- the sample


def test_sample_replays_to_its_expected_output() -> None:
    result = run(*sample_command())
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (SAMPLE / "expected.jsonl").read_text()
    levels = [line["level"] for line in lines(result.stdout)]
    assert levels[-3:] == ["attention", "warning", "critical"]


def test_sample_with_activity() -> None:
    result = run(*sample_command("--activity"))
    assert result.returncode == 0, result.stderr
    output = lines(result.stdout)
    activity = [line for line in output if line.get("kind") == "activity"]
    transitions = [line for line in output if "kind" not in line]
    assert transitions == lines((SAMPLE / "expected.jsonl").read_text())
    assert all(set(line) == {"time", "entity_id", "kind"} for line in activity)
    options = json.loads((SAMPLE / "options.json").read_text())
    assert {line["entity_id"] for line in activity} == {
        *options["power_sources"],
        *options["light_sources"],
        *options["presence_sources"],
    }
    times = [line["time"] for line in activity]
    assert times == sorted(times)
    assert all(time.endswith("Z") for time in times)


def test_grouped_and_time_sorted_files_give_identical_output(tmp_path: Path) -> None:
    text = (SAMPLE / "history.csv").read_text()
    header, *rows = text.splitlines(keepends=True)
    rows.sort(key=lambda row: parse_time(row.rstrip("\n").rsplit(",", 1)[1]))
    sorted_file = tmp_path / "sorted.csv"
    sorted_file.write_text(header + "".join(rows))
    grouped = run(*sample_command("--activity"))
    resorted_args = sample_command("--activity")
    resorted_args[resorted_args.index("--events") + 1] = str(sorted_file)
    resorted = run(*resorted_args)
    assert grouped.returncode == resorted.returncode == 0
    assert grouped.stdout == resorted.stdout
    assert grouped.stdout.count("\n") > 50


# ----------------------------------------------------------------- output


def test_activity_lines_and_no_transition_without_until(
    options_file: Path, history_file: Path
) -> None:
    result = run("--options", str(options_file), "--events", str(history_file), "--activity")
    assert result.returncode == 0, result.stderr
    assert lines(result.stdout) == [
        {"time": "2026-01-01T00:01:00Z", "entity_id": "sensor.tv", "kind": "activity"},
        {"time": "2026-01-01T00:05:00Z", "entity_id": "binary_sensor.motion", "kind": "activity"},
    ]


def test_until_lets_deadlines_fire(options_file: Path, history_file: Path) -> None:
    args = ("--options", str(options_file), "--events", str(history_file))
    assert run(*args).stdout == ""
    result = run(*args, "--until", "2026-01-01T01:00:00Z")
    assert result.returncode == 0, result.stderr
    assert lines(result.stdout) == [
        {
            "time": f"2026-01-01T00:{minute}:00Z",
            "level": level,
            "previous_level": previous,
            "reason": "inactivity",
        }
        for minute, level, previous in [
            ("15", "attention", "normal"),
            ("25", "warning", "attention"),
            ("35", "critical", "warning"),
        ]
    ]


def test_resolved_line_when_activity_returns(tmp_path: Path, options_file: Path) -> None:
    history = tmp_path / "h.csv"
    history.write_text(HISTORY + "binary_sensor.motion,on,2026-01-01T00:30:00Z\n")
    result = run("--options", str(options_file), "--events", str(history))
    assert lines(result.stdout)[-1] == {
        "time": "2026-01-01T00:30:00Z",
        "level": "normal",
        "previous_level": "warning",
        "reason": "inactivity",
    }


def test_zone_less_times_are_utc(tmp_path: Path, options_file: Path) -> None:
    zoned = tmp_path / "zoned.csv"
    zoned.write_text(HISTORY)
    utc = run("--options", str(options_file), "--events", str(zoned), "--activity", "--until",
              "2026-01-01T01:00:00Z")  # fmt: skip
    plain = tmp_path / "plain.csv"
    plain.write_text(HISTORY.replace(".000Z", ""))
    naive = run("--options", str(options_file), "--events", str(plain), "--activity",
                "--until", "2026-01-01T01:00:00")  # fmt: skip
    assert naive.returncode == 0, naive.stderr
    assert naive.stdout == utc.stdout
    assert "2026-01-01T00:15:00Z" in naive.stdout
    assert "UTC" in run("--help").stdout


def test_out_of_order_and_duplicate_times_do_not_crash(tmp_path: Path, options_file: Path) -> None:
    history = tmp_path / "messy.csv"
    history.write_text(
        HEADER
        + "sensor.tv,0.5,2026-01-01T00:10:00Z\n"
        + "sensor.tv,80,2026-01-01T00:10:00Z\n"
        + "sensor.tv,80,2026-01-01T00:10:00Z\n"
        + "sensor.tv,0.5,2026-01-01T00:02:00Z\n"
        + "sensor.tv,90,2026-01-01T00:01:00Z\n"
        + "binary_sensor.motion,on,2026-01-01T00:10:00Z\n"
        + "binary_sensor.motion,on,2025-12-31T23:00:00Z\n"
    )
    for events, stdin in ((str(history), None), ("-", history.read_text())):
        result = run("--options", str(options_file), "--events", events, "--activity",
                     "--until", "2026-01-02T00:00:00Z", stdin=stdin)  # fmt: skip
        assert result.returncode == 0, result.stderr
        output = lines(result.stdout)
        assert output[-1]["level"] == "critical"


# ----------------------------------------------------------------- errors


def test_bad_rows_are_reported_and_skipped(tmp_path: Path, options_file: Path) -> None:
    history = tmp_path / "bad.csv"
    history.write_text(
        HEADER
        + "sensor.tv,0.5,2026-01-01T00:00:00Z\n"
        + "sensor.tv,80\n"  # line 3
        + "sensor.tv,80,half past ten\n"  # line 4
        + ",80,2026-01-01T00:01:00Z\n"  # line 5
        + "sensor.tv,80,2026-01-01T00:01:00Z\n"
        + "sensor.not_watched,1,whenever\n"  # ignored silently
    )
    result = run("--options", str(options_file), "--events", str(history), "--activity")
    assert result.returncode == 0
    assert lines(result.stdout) == [
        {"time": "2026-01-01T00:01:00Z", "entity_id": "sensor.tv", "kind": "activity"}
    ]
    errors = result.stderr.splitlines()
    assert errors[0] == f"{history}:3: expected 3 fields, found 2; row skipped"
    assert errors[1] == f"{history}:4: unreadable time 'half past ten' in last_changed; row skipped"
    assert errors[2] == f"{history}:5: empty entity_id; row skipped"
    assert errors[3] == "replay: 3 bad row(s) skipped"
    assert "not_watched" not in result.stderr


def test_missing_options_file(tmp_path: Path, history_file: Path) -> None:
    result = run("--options", str(tmp_path / "nope.json"), "--events", str(history_file))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"replay: error: options file {tmp_path / 'nope.json'} does not exist\n"


def test_malformed_options_json(tmp_path: Path, history_file: Path) -> None:
    options = tmp_path / "options.json"
    options.write_text('{"power_sources": ["sensor.tv"],}')
    result = run("--options", str(options), "--events", str(history_file))
    assert result.returncode == 2
    assert "is not valid JSON (line 1, column" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"background_power_sources": ["sensor.fridge"]}, "no activity source"),
        ({}, "no activity source"),
        (["sensor.tv"], "options must be a JSON object"),
        ({"power_sources": ["sensor.tv"], "attention_after": "soon"}, "attention_after"),
    ],
)
def test_options_the_engine_rejects(
    tmp_path: Path, history_file: Path, options: object, message: str
) -> None:
    path = tmp_path / "options.json"
    path.write_text(json.dumps(options))
    result = run("--options", str(path), "--events", str(history_file))
    assert result.returncode == 2
    assert result.stderr.startswith(f"replay: error: options file {path}: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_csv_missing_a_column(tmp_path: Path, options_file: Path) -> None:
    history = tmp_path / "h.csv"
    history.write_text("entity_id,last_changed\nsensor.tv,2026-01-01T00:00:00Z\n")
    result = run("--options", str(options_file), "--events", str(history))
    assert result.returncode == 2
    assert "missing state" in result.stderr
    assert result.stderr.count("\n") == 1


def test_missing_history_file_and_bad_arguments(tmp_path: Path, options_file: Path) -> None:
    result = run("--options", str(options_file), "--events", str(tmp_path / "none.csv"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    events = str(tmp_path / "none.csv")
    assert (
        run("--options", str(options_file), "--events", events, "--until", "soon").returncode == 2
    )
    result = run("--options", str(options_file), "--events", events, "--latitude", "37")
    assert result.returncode == 2
    assert "--longitude" in result.stderr


def test_history_without_readings_of_the_household(tmp_path: Path, options_file: Path) -> None:
    history = tmp_path / "h.csv"
    history.write_text(HEADER + "sensor.elsewhere,1,2026-01-01T00:00:00Z\n")
    result = run("--options", str(options_file), "--events", str(history), "--until", "2027-01-01")
    assert result.returncode == 0
    assert result.stdout == ""
    assert "no reading" in result.stderr


def test_times_keep_their_fraction() -> None:
    from custom_components.care_plug.replay import iso

    assert iso(datetime(2026, 1, 1, 0, 0, 1, 250000, tzinfo=UTC)) == "2026-01-01T00:00:01.250Z"
    assert iso(datetime(2026, 1, 1, 0, 0, 1, 5, tzinfo=UTC)) == "2026-01-01T00:00:01.000005Z"


# ----------------------------------------------------------------- in process


def test_main_in_process(
    capsys: pytest.CaptureFixture[str], options_file: Path, history_file: Path
) -> None:
    from custom_components.care_plug.replay import main

    args = ["--options", str(options_file), "--events", str(history_file), "--activity"]
    code = main(
        [*args, "--until", "2026-01-01T00:20:00Z", "--latitude", "37.5", "--longitude", "127"]
    )
    captured = capsys.readouterr()
    assert code == 0
    assert [line.get("kind", line.get("level")) for line in lines(captured.out)] == [
        "activity",
        "activity",
        "attention",
    ]
    assert captured.err == ""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--latitude", "91", "--longitude", "0"], "--latitude must lie between -90 and 90"),
        (["--latitude", "0", "--longitude", "nan"], "--longitude must lie between"),
        (["--longitude", "0"], "--latitude and --longitude go together"),
        (["--time-zone", "Mars/Olympus"], "--time-zone: unknown time zone 'Mars/Olympus'"),
    ],
)
def test_main_rejects_a_bad_location(
    capsys: pytest.CaptureFixture[str],
    options_file: Path,
    history_file: Path,
    extra: list[str],
    message: str,
) -> None:
    from custom_components.care_plug.replay import main

    assert main(["--options", str(options_file), "--events", str(history_file), *extra]) == 2
    assert message in capsys.readouterr().err


def test_main_reports_unreadable_options(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, history_file: Path
) -> None:
    from custom_components.care_plug.replay import main

    options = tmp_path / "options.json"
    options.write_bytes(b"\xff\xfe{}")
    assert main(["--options", str(options), "--events", str(history_file)]) == 2
    assert "cannot be read" in capsys.readouterr().err
    assert main(["--options", str(tmp_path), "--events", str(history_file)]) == 2
    assert "cannot be read" in capsys.readouterr().err


def test_a_quiet_sensor_is_not_taken_offline_unless_stale_after_is_set(tmp_path: Path) -> None:
    # A lux sensor in a dark flat holds 0 lx for a day: the download has no row for it, but
    # Home Assistant saw it report all along. Only an explicit stale_after judges silence.
    options = {
        "light_sources": ["sensor.lux"],
        "attention_after": {"days": 2},
        "warning_after": {"days": 3},
        "critical_after": {"days": 4},
    }
    history = tmp_path / "h.csv"
    history.write_text(HEADER + "sensor.lux,0,2026-01-01T00:00:00Z\n")
    for name, extra in (("default", {}), ("explicit", {"stale_after": {"hours": 6}})):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({**options, **extra}))
        result = run("--options", str(path), "--events", str(history), "--until", "2026-01-02")
        assert result.returncode == 0, result.stderr
        got = lines(result.stdout)
        if name == "default":
            assert got == []
        else:
            # Offline 6 h after its only reading, lost for 15 min: attention for that reason.
            assert got == [
                {
                    "time": "2026-01-01T06:15:00Z",
                    "level": "attention",
                    "previous_level": "normal",
                    "reason": "monitoring_lost",
                }
            ]


def test_the_learned_routine_raises_unusual_inactivity_in_the_replay(tmp_path: Path) -> None:
    """Three simulated weeks, then the resident stops on a Wednesday morning: the replay,
    given the home's zone, reports `unusual_inactivity` long before the fixed 24 h."""
    from simulator import PROFILES, Simulation, write_history_csv

    start = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)  # Monday 00:00 in Seoul
    stop = start + timedelta(days=23, hours=9, minutes=30)
    sim = Simulation(PROFILES["homebody_motion"], seed=11, start=start, stop_at=stop)
    history = tmp_path / "history.csv"
    write_history_csv(sim.readings(stop + timedelta(hours=6)), history)
    options = tmp_path / "options.json"
    options.write_text(json.dumps(sim.options()))
    common = ["--options", str(options), "--events", str(history)]
    until = ["--until", (stop + timedelta(days=2)).isoformat()]
    seoul = ["--latitude", "37.57", "--longitude", "126.98", "--time-zone", "Asia/Seoul"]

    result = run(*common, *until, *seoul)

    assert result.returncode == 0, result.stderr
    after = [
        line for line in lines(result.stdout)
        if datetime.fromisoformat(line["time"]) >= stop and line["level"] == "warning"
    ]  # fmt: skip
    assert after[0]["reason"] == "unusual_inactivity"
    assert datetime.fromisoformat(after[0]["time"]) - stop < timedelta(hours=12)
