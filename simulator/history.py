"""Readings written as the CSV that Home Assistant's History panel downloads."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import IO

from .model import Reading

HEADER = "entity_id,state,last_changed\n"


def iso_time(moment: datetime) -> str:
    """A time as the History download writes it (JavaScript's toISOString): UTC, to the
    millisecond, with a `Z`."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _is_number(state: str) -> bool:
    try:
        float(state)
    except ValueError:
        return False
    return True


def write_history_csv(
    readings: Iterable[Reading],
    path_or_file: str | os.PathLike[str] | IO[str],
    *,
    by_entity: bool = True,
) -> int:
    """Write `readings` as a History-panel CSV; returns the number of rows.

    As the panel does, rows come grouped by entity, each entity in time order, entities
    with numeric states (its line charts) before the others (its timelines), each group in
    order of first appearance. The groups are spooled to temporary files, so memory does
    not grow with the number of readings. With `by_entity=False` rows stay in the order
    given (time order), which the project's reader accepts too.
    """
    with ExitStack() as stack:
        if isinstance(path_or_file, str | os.PathLike):
            out: IO[str] = stack.enter_context(
                open(path_or_file, "w", encoding="utf-8", newline="")
            )
        else:
            out = path_or_file
        out.write(HEADER)
        count = 0
        if not by_entity:
            for reading in readings:
                out.write(f"{reading.entity_id},{reading.state},{iso_time(reading.time)}\n")
                count += 1
            return count
        spools: dict[str, IO[str]] = {}
        numeric: dict[str, bool] = {}
        for reading in readings:
            spool = spools.get(reading.entity_id)
            if spool is None:
                spool = stack.enter_context(
                    tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
                )
                spools[reading.entity_id] = spool
                numeric[reading.entity_id] = _is_number(reading.state)
            spool.write(f"{reading.entity_id},{reading.state},{iso_time(reading.time)}\n")
            count += 1
        for entity_id in sorted(spools, key=lambda e: not numeric[e]):
            spool = spools[entity_id]
            spool.seek(0)
            while chunk := spool.read(1 << 16):
                out.write(chunk)
        return count
