"""Home Assistant History-panel CSV files, read as one time-ordered stream of readings.

The History panel's "Download data" writes `entity_id,state,last_changed`, one entity's
rows after another, each entity in time order. The engine needs the readings of all
entities in one time order, and a year of 10-second readings must not be held in memory,
so a file is read twice:

1. a scan checks every row (bad rows are reported with their line number) and records
   the byte offset where each ascending-time run starts (one run per entity in a
   History-panel file, one run in a file already sorted by time);
2. each run is read again through its own file handle and the runs are merged.

Memory is O(number of runs), never O(rows). Input that cannot be read twice (standard
input) or that breaks into too many runs is read once, in file order.

Times without a zone are taken as UTC, as Home Assistant exports UTC.

Nothing here imports Home Assistant: the replay command runs without it.
"""

from __future__ import annotations

import csv
import heapq
import math
import os
from collections.abc import Callable, Container, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from types import TracebackType
from typing import TYPE_CHECKING, BinaryIO, Self

if TYPE_CHECKING:
    from _csv import Reader

REQUIRED_COLUMNS = ("entity_id", "state", "last_changed")
# Beyond this many runs the file is read in file order rather than merged: each run holds
# an open file and its buffers, and an export with so many runs is not a History-panel file.
DEFAULT_MAX_RUNS = 256
# Readings that share one timestamp are put in entity-id order; a group larger than this
# is passed on in file order, so that memory stays bounded on a pathological file.
MAX_TIES = 10_000

type Reading = tuple[float, str, str]
"""(Unix timestamp, entity id, state)."""

_fromisoformat = datetime.fromisoformat
_by_entity = itemgetter(1)


class HistoryFormatError(ValueError):
    """The file cannot be read as a History-panel CSV (empty, or a required column missing)."""


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row that was skipped, and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Columns:
    """Where the required columns sit in a row, and how many fields a row must have."""

    entity_id: int
    state: int
    last_changed: int
    width: int


def parse_time(text: str) -> float:
    """Unix timestamp of an ISO 8601 time; a time without a zone is taken as UTC.

    ValueError when `text` is no ISO 8601 time.
    """
    moment = _fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def read_columns(header: list[str]) -> Columns:
    """The required columns' positions in `header`; HistoryFormatError names what is missing."""
    names = [name.strip().lower() for name in header]
    if names:
        names[0] = names[0].lstrip("\ufeff")  # a byte-order mark some editors add
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        found = ",".join(header) if header else "an empty line"
        raise HistoryFormatError(
            f"the header must name the columns {','.join(REQUIRED_COLUMNS)}; "
            f"missing {', '.join(missing)} (found {found})"
        )
    return Columns(
        entity_id=names.index("entity_id"),
        state=names.index("state"),
        last_changed=names.index("last_changed"),
        width=len(names),
    )


def _lines(raw: Iterable[bytes], offset: list[int], end: float = math.inf) -> Iterator[str]:
    """Decoded lines of `raw`, keeping offset[0] at the byte just past the last line given.

    Lines are split at b"\\n" on every pass, so that the scan and the re-reads of the runs
    see the same records.
    """
    pos = offset[0]
    for line in raw:
        pos += len(line)
        offset[0] = pos
        yield line.decode("utf-8", "replace")
        if pos >= end:
            return


def _reader(lines: Iterator[str]) -> Reader:
    # skipinitialspace: hand-edited files often have a space after each comma.
    return csv.reader(lines, skipinitialspace=True)


class HistoryFile:
    """A History-panel CSV file (a path, or a binary stream such as standard input).

    The header is read when the object is made (HistoryFormatError when it is unusable);
    `readings()` then yields every reading of the `wanted` entities (all when None) in time
    order, readings of one timestamp in entity-id order. Bad rows go to `on_bad_row` and
    are skipped. Rows of entities that are not wanted are skipped without a check.
    """

    def __init__(
        self,
        source: str | os.PathLike[str] | BinaryIO,
        *,
        wanted: Container[str] | None = None,
        on_bad_row: Callable[[BadRow], None] | None = None,
        max_runs: int = DEFAULT_MAX_RUNS,
    ) -> None:
        self._stack = ExitStack()
        if isinstance(source, str | os.PathLike):
            self._path: str | None = os.fspath(source)
            raw: BinaryIO = self._stack.enter_context(open(self._path, "rb"))  # noqa: SIM115
            if not raw.seekable():
                self._path = None  # a pipe (e.g. `<(zcat history.csv.gz)`) can be read once
        else:
            self._path = None
            raw = source
        self._wanted = wanted
        self._on_bad_row = on_bad_row
        self._max_runs = max(1, max_runs)
        self._offset = [0]
        self._scan = _reader(_lines(raw, self._offset))
        try:
            header = next(self._scan, None)
        except csv.Error as err:
            self.close()
            raise HistoryFormatError(f"the header cannot be read: {err}") from None
        if header is None:
            self.close()
            raise HistoryFormatError(
                f"the file is empty; expected the header {','.join(REQUIRED_COLUMNS)}"
            )
        try:
            self.columns = read_columns(header)
        except HistoryFormatError:
            self.close()
            raise
        self._data_start = self._offset[0]
        self._used = False
        self.rows = 0
        """Data rows read (blank lines not counted)."""
        self.bad_rows = 0
        self.readings_read = 0
        """Readings of wanted entities that were passed on."""
        self.runs = 0
        """Ascending-time runs found (0 until the scan is done, or for a stream)."""
        self.file_order = False
        """True when readings were passed on in file order rather than merged by time."""

    def close(self) -> None:
        """Close the file (a stream given by the caller stays open)."""
        self._stack.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def readings(self) -> Iterator[Reading]:
        """Every reading, in time order (see the class); can be called once."""
        if self._used:
            raise RuntimeError("the readings of a HistoryFile can be read only once")
        self._used = True
        if self._path is None:
            self.file_order = True
            return _canonical_ties(self._streamed())
        return _canonical_ties(self._merged())

    # ----------------------------------------------------------------- scan

    def _streamed(self) -> Iterator[Reading]:
        """One pass in file order, for input that cannot be read twice."""
        for ts, entity_id, state, _start in self._checked_with_offsets():
            self.readings_read += 1
            yield ts, entity_id, state

    def _checked_with_offsets(self) -> Iterator[tuple[float, str, str, int]]:
        """Good rows of wanted entities with the byte offset where each starts."""
        reader = self._scan
        offset = self._offset
        wanted = self._wanted
        columns = self.columns
        width = columns.width
        e_col, s_col, t_col = columns.entity_id, columns.state, columns.last_changed
        start = offset[0]
        line = reader.line_num
        while True:
            try:
                for row in reader:
                    first_line = line + 1
                    line = reader.line_num
                    row_start = start
                    start = offset[0]
                    if not row:
                        continue  # a blank line
                    self.rows += 1
                    if len(row) != width:
                        self._bad(first_line, f"expected {width} fields, found {len(row)}")
                        continue
                    entity_id = row[e_col]
                    if not entity_id:
                        self._bad(first_line, "empty entity_id")
                        continue
                    if wanted is not None and entity_id not in wanted:
                        continue
                    text = row[t_col]
                    try:
                        moment = _fromisoformat(text)
                        if moment.tzinfo is None:
                            moment = moment.replace(tzinfo=UTC)
                        ts = moment.timestamp()
                    except ValueError, OverflowError:
                        self._bad(first_line, f"unreadable time {text!r} in last_changed")
                        continue
                    yield ts, entity_id, row[s_col], row_start
                return
            except csv.Error as err:
                first_line = line + 1
                line = reader.line_num
                start = offset[0]
                self.rows += 1
                self._bad(first_line, f"unreadable CSV ({err})")

    def _bad(self, line: int, reason: str) -> None:
        self.bad_rows += 1
        if self._on_bad_row is not None:
            self._on_bad_row(BadRow(line, reason))

    def _find_runs(self) -> list[int] | None:
        """Scan the whole file; start offsets of the runs, or None when there are too many."""
        starts = [self._data_start]
        last = -math.inf
        too_many = False
        count = 0
        drops = 0
        for ts, _entity_id, _state, start in self._checked_with_offsets():
            count += 1
            if ts < last:
                drops += 1
                if not too_many:
                    if len(starts) >= self._max_runs:
                        too_many = True  # stop recording: memory stays bounded
                    else:
                        starts.append(start)
            last = ts
        self.readings_read = count
        self.runs = drops + 1 if count else 0
        return None if too_many else starts

    # ----------------------------------------------------------------- merge

    def _merged(self) -> Iterator[Reading]:
        assert self._path is not None
        starts = self._find_runs()
        self.close()  # the scan's handle; each run opens its own
        path = self._path
        wanted = self._wanted
        with ExitStack() as stack:

            def run(start: int, end: float) -> Iterator[Reading]:
                raw = stack.enter_context(open(path, "rb"))
                raw.seek(start)
                return _read_run(raw, start, end, self.columns, wanted)

            if starts is None:
                self.file_order = True
                yield from run(self._data_start, math.inf)
                return
            ends: list[float] = [*starts[1:], math.inf]
            runs = [run(start, end) for start, end in zip(starts, ends, strict=True)]
            if len(runs) == 1:
                yield from runs[0]
            else:
                yield from merge_runs(runs)


def _read_run(
    raw: BinaryIO, start: int, end: float, columns: Columns, wanted: Container[str] | None
) -> Iterator[Reading]:
    """Good rows of wanted entities in bytes [start, end); the scan reported the bad ones."""
    reader = _reader(_lines(raw, [start], end))
    width = columns.width
    e_col, s_col, t_col = columns.entity_id, columns.state, columns.last_changed
    while True:
        try:
            for row in reader:
                if len(row) != width:
                    continue
                entity_id = row[e_col]
                if not entity_id or (wanted is not None and entity_id not in wanted):
                    continue
                try:
                    moment = _fromisoformat(row[t_col])
                    if moment.tzinfo is None:
                        moment = moment.replace(tzinfo=UTC)
                    ts = moment.timestamp()
                except ValueError, OverflowError:
                    continue
                yield ts, entity_id, row[s_col]
            return
        except csv.Error:
            continue


def merge_runs(runs: list[Iterator[Reading]]) -> Iterator[Reading]:
    """Merge time-ordered streams into one; equal times come in the order of `runs`."""
    heap: list[tuple[float, int, Reading, Iterator[Reading]]] = []
    for index, run in enumerate(runs):
        first = next(run, None)
        if first is not None:
            heap.append((first[0], index, first, run))
    heapq.heapify(heap)
    # (time, index) is unique, so tuples never compare readings or iterators.
    while len(heap) > 1:
        _ts, index, reading, run = heap[0]
        yield reading
        following = next(run, None)
        if following is None:
            heapq.heappop(heap)
        else:
            heapq.heapreplace(heap, (following[0], index, following, run))
    if heap:
        yield heap[0][2]
        yield from heap[0][3]


def _canonical_ties(readings: Iterator[Reading]) -> Iterator[Reading]:
    """Readings of one timestamp in entity-id order (stable), whatever the file's row order.

    So a History-panel file and the same rows sorted by time replay identically.
    """
    held: Reading | None = None
    ties: list[Reading] = []
    for reading in readings:
        if held is None:
            held = reading
        elif reading[0] == held[0] and len(ties) < MAX_TIES:
            ties.append(reading)
        else:
            if ties:
                group = [held, *ties]
                group.sort(key=_by_entity)
                yield from group
                ties.clear()
            else:
                yield held
            held = reading
    if held is not None:
        if ties:
            group = [held, *ties]
            group.sort(key=_by_entity)
            yield from group
        else:
            yield held
