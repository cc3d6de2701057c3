"""The History-panel CSV reader: columns, times, bad rows, runs and the time-ordered merge."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from custom_components.care_plug.replay.history_csv import (
    MAX_TIES,
    BadRow,
    HistoryFile,
    HistoryFormatError,
    Reading,
    merge_runs,
    parse_time,
    read_columns,
)

T0 = datetime(2026, 11, 20, 10, 15, 3, 123000, tzinfo=UTC).timestamp()
HEADER = "entity_id,state,last_changed\n"


def write(tmp_path: Path, text: str, name: str = "history.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def read_all(source: Path | io.BytesIO, **kwargs: object) -> tuple[list[Reading], list[BadRow]]:
    bad: list[BadRow] = []
    with HistoryFile(source, on_bad_row=bad.append, **kwargs) as history:  # type: ignore[arg-type]
        return list(history.readings()), bad


# ----------------------------------------------------------------- times and columns


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20T10:15:03.123Z", T0),
        ("2026-11-20T10:15:03.123+00:00", T0),
        ("2026-11-20T19:15:03.123+09:00", T0),
        ("2026-11-20T10:15:03.123", T0),  # no zone: UTC
        ("2026-11-20 10:15:03.123", T0),
        ("2026-11-20T10:15:03Z", T0 - 0.123),
    ],
)
def test_parse_time(text: str, expected: float) -> None:
    assert parse_time(text) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01T00:00:00", "1700000000"])
def test_parse_time_rejects(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is Python's own
        parse_time(text)


def test_columns_in_any_order_with_extra_columns_and_bom() -> None:
    columns = read_columns(["\ufefflast_changed", "Entity_ID ", "state", "last_updated"])
    assert (columns.entity_id, columns.state, columns.last_changed, columns.width) == (1, 2, 0, 4)


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (["entity_id", "state"], "last_changed"),
        (["entity", "state", "last_changed"], "entity_id"),
        ([], "entity_id, state, last_changed"),
    ],
)
def test_missing_column_is_named(header: list[str], missing: str) -> None:
    with pytest.raises(HistoryFormatError, match=f"missing {missing}"):
        read_columns(header)


def test_empty_file_and_bad_header(tmp_path: Path) -> None:
    with pytest.raises(HistoryFormatError, match="empty"):
        HistoryFile(write(tmp_path, ""))
    with pytest.raises(HistoryFormatError, match="missing last_changed"):
        HistoryFile(write(tmp_path, "entity_id,state,time\nsensor.a,1,2026-01-01T00:00:00Z\n"))


def test_header_only(tmp_path: Path) -> None:
    readings, bad = read_all(write(tmp_path, HEADER))
    assert (readings, bad) == ([], [])


# ----------------------------------------------------------------- order


def grouped_text() -> str:
    # As the History panel writes it: one entity after another, each in time order.
    return (
        HEADER
        + "sensor.b,1,2026-01-01T00:00:00.000Z\n"
        + "sensor.b,2,2026-01-01T00:02:00.000Z\n"
        + "sensor.b,3,2026-01-01T00:04:00.000Z\n"
        + "sensor.a,x,2026-01-01T00:00:00.000Z\n"
        + "sensor.a,y,2026-01-01T00:03:00.000Z\n"
        + "binary_sensor.c,on,2026-01-01T00:01:00.000Z\n"
        + "binary_sensor.c,off,2026-01-01T00:04:00.000Z\n"
    )


def minute(m: float) -> float:
    return datetime(2026, 1, 1, tzinfo=UTC).timestamp() + 60 * m


EXPECTED_ORDER = [
    (minute(0), "sensor.a", "x"),  # same time as sensor.b: entity-id order
    (minute(0), "sensor.b", "1"),
    (minute(1), "binary_sensor.c", "on"),
    (minute(2), "sensor.b", "2"),
    (minute(3), "sensor.a", "y"),
    (minute(4), "binary_sensor.c", "off"),
    (minute(4), "sensor.b", "3"),
]


def test_grouped_file_is_merged_in_time_order(tmp_path: Path) -> None:
    bad: list[BadRow] = []
    with HistoryFile(write(tmp_path, grouped_text()), on_bad_row=bad.append) as history:
        readings = list(history.readings())
        assert (history.runs, history.rows, history.readings_read) == (3, 7, 7)
        assert not history.file_order
    assert readings == EXPECTED_ORDER
    assert bad == []


def test_sorted_file_gives_the_same_stream(tmp_path: Path) -> None:
    lines = grouped_text().splitlines(keepends=True)
    body = sorted(lines[1:], key=lambda line: line.rsplit(",", 1)[1])
    with HistoryFile(write(tmp_path, HEADER + "".join(body))) as history:
        assert list(history.readings()) == EXPECTED_ORDER
        assert history.runs == 1


def test_standard_input_is_read_in_file_order() -> None:
    bad: list[BadRow] = []
    history = HistoryFile(io.BytesIO(grouped_text().encode()), on_bad_row=bad.append)
    readings = list(history.readings())
    assert history.file_order
    assert [r[2] for r in readings] == ["1", "2", "3", "x", "y", "on", "off"]


def test_too_many_runs_fall_back_to_file_order(tmp_path: Path) -> None:
    rows = [f"sensor.a,{i},2026-01-01T00:0{9 - i}:00Z\n" for i in range(10)]  # all descending
    with HistoryFile(write(tmp_path, HEADER + "".join(rows)), max_runs=4) as history:
        readings = list(history.readings())
        assert history.file_order
        assert history.runs == 10
    assert [r[2] for r in readings] == [str(i) for i in range(10)]


def test_many_runs_within_the_limit_are_merged(tmp_path: Path) -> None:
    rows = [f"sensor.a,{i},2026-01-01T00:0{9 - i}:00Z\n" for i in range(10)]
    with HistoryFile(write(tmp_path, HEADER + "".join(rows)), max_runs=10) as history:
        readings = list(history.readings())
        assert not history.file_order
    assert [r[2] for r in readings] == [str(9 - i) for i in range(10)]


def test_duplicates_keep_file_order_and_ties_sort_by_entity(tmp_path: Path) -> None:
    text = (
        HEADER
        + "sensor.z,1,2026-01-01T00:00:00Z\n"
        + "sensor.z,2,2026-01-01T00:00:00Z\n"
        + "sensor.m,3,2026-01-01T00:00:00Z\n"
        + "sensor.a,4,2026-01-01T00:00:00Z\n"
        + "sensor.z,5,2026-01-01T00:00:01Z\n"
    )
    readings, _ = read_all(write(tmp_path, text))
    assert [(r[1], r[2]) for r in readings] == [
        ("sensor.a", "4"),
        ("sensor.m", "3"),
        ("sensor.z", "1"),
        ("sensor.z", "2"),
        ("sensor.z", "5"),
    ]


def test_a_huge_tie_group_is_passed_on_without_growing(tmp_path: Path) -> None:
    rows = "".join(f"sensor.{i % 3},{i},2026-01-01T00:00:00Z\n" for i in range(MAX_TIES + 5))
    readings, _ = read_all(write(tmp_path, HEADER + rows))
    assert len(readings) == MAX_TIES + 5


def test_merge_runs() -> None:
    def run(*times: float) -> Iterator[Reading]:
        return iter([(t, "sensor.x", str(t)) for t in times])

    merged = list(merge_runs([run(1, 4, 5), run(), run(2, 3, 6), run(0)]))
    assert [r[0] for r in merged] == [0, 1, 2, 3, 4, 5, 6]
    assert list(merge_runs([])) == []


# ----------------------------------------------------------------- bad rows


def test_bad_rows_are_reported_with_line_numbers_and_skipped(tmp_path: Path) -> None:
    text = (
        HEADER
        + "sensor.a,1,2026-01-01T00:00:00Z\n"  # line 2
        + "sensor.a,2\n"  # 3: too few fields
        + "sensor.a,3,2026-01-01T00:01:00Z,extra\n"  # 4: too many
        + ",4,2026-01-01T00:02:00Z\n"  # 5: no entity
        + "sensor.a,5,noon\n"  # 6: bad time
        + "\n"  # 7: blank, ignored
        + "sensor.a,6,2026-01-01T00:03:00Z\n"  # 8
    )
    readings, bad = read_all(write(tmp_path, text))
    assert [r[2] for r in readings] == ["1", "6"]
    assert [b.line for b in bad] == [3, 4, 5, 6]
    assert "expected 3 fields, found 2" in bad[0].reason
    assert "found 4" in bad[1].reason
    assert "empty entity_id" in bad[2].reason
    assert "'noon'" in bad[3].reason
    assert str(bad[3]).startswith("line 6: ")


def test_bad_rows_are_reported_once_when_merging(tmp_path: Path) -> None:
    text = grouped_text() + "sensor.d,1,never\n"
    readings, bad = read_all(write(tmp_path, text))
    assert len(readings) == 7
    assert [b.line for b in bad] == [9]


def test_quoted_fields_and_multi_line_records_keep_line_numbers(tmp_path: Path) -> None:
    text = (
        HEADER
        + 'media_player.tv,"Playing, paused",2026-01-01T00:05:00Z\n'  # 2
        + 'input_text.note,"two\nlines",2026-01-01T00:00:00Z\n'  # 3-4, starts a run
        + "sensor.a,1,bad\n"  # 5
    )
    readings, bad = read_all(write(tmp_path, text))
    assert [r[2] for r in readings] == ["two\nlines", "Playing, paused"]
    assert [b.line for b in bad] == [5]


def test_unwanted_entities_are_skipped_silently(tmp_path: Path) -> None:
    text = grouped_text() + "sensor.unknown,1,not a time\n"
    readings, bad = read_all(write(tmp_path, text), wanted={"sensor.a", "binary_sensor.c"})
    assert {r[1] for r in readings} == {"sensor.a", "binary_sensor.c"}
    assert len(readings) == 4
    assert bad == []


def test_crlf_spaces_and_bad_bytes(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes(
        b"entity_id, state, last_changed\r\n"
        b"sensor.a, 1, 2026-01-01T00:00:00Z\r\n"
        b"sensor.a,\xff\xfe,2026-01-01T00:01:00Z\r\n"
    )
    readings, bad = read_all(path)
    assert bad == []
    assert [r[2] for r in readings] == ["1", "\ufffd\ufffd"]


def test_readings_can_be_read_once(tmp_path: Path) -> None:
    with HistoryFile(write(tmp_path, grouped_text())) as history:
        list(history.readings())
        with pytest.raises(RuntimeError):
            history.readings()


def test_a_named_pipe_is_read_once_in_file_order(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)

    def feed() -> None:
        fifo.write_text(grouped_text())

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        with HistoryFile(fifo) as history:
            readings = list(history.readings())
            assert history.file_order
    finally:
        writer.join(timeout=10)
    assert [r[2] for r in readings] == ["1", "2", "3", "x", "y", "on", "off"]
