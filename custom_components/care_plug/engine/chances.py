"""How likely a silence is: the chance that a home quiet at a half-hour's start stays quiet.

The routine's rule ("longer than every recent silence at this time of day") looks at one
moment. This looks at the whole silence: for each half-hour slot (weekdays and weekends
apart) and each length of silence at its start (just quiet, a nap or an outing, since the
night), how often the home, quiet when the slot began, saw an activity within it. The
chance of a silence from its start until now is the product of the slots' chances of
staying quiet, so a morning without the usual kettle and an afternoon without the usual
TV add up. A silence must be both longer than usual and improbable before the routine
raises a level: on the simulated homes this halves the false warnings at no cost in
detection time (docs/accuracy.md, "How likely a silence is").

Counts decay (`ALPHA`), so recent weeks count most; a slot is judged together with its two
neighbours, and with the other kind of day's while its own has seen little. Each note is
O(1); the table is fixed in size.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from typing import Any

# Lengths of silence (s) at a slot's start that split its chances: just quiet (under an
# hour), a short spell, a nap or an outing, a long spell, since the night.
EDGES = (3600.0, 3 * 3600.0, 6 * 3600.0, 10 * 3600.0)
BUCKETS = len(EDGES) + 1
WIDTH = 2 * BUCKETS  # counts per slot
TENTHS = 10  # counts are stored in tenths: small whole numbers in the Store
ALPHA = 0.05  # weight of the newest note: about the last 20 times in each cell
# Quiet starts seen (decayed) around a slot before its own kind of day judges alone.
MIN_OWN = 6.0
NEIGHBOURS = (-1, 0, 1)
# Below this (decayed) many quiet starts, around a slot on both kinds of day, a silence
# that long has not been seen there lately.
SEEN = 1.0


def bucket(silent: float) -> int:
    """The index of the length of silence `silent` (seconds) at a slot's start."""
    for index, edge in enumerate(EDGES):
        if silent < edge:
            return index
    return len(EDGES)


class Chances:
    """Per slot and length of silence: quiet starts seen, and how many ended in the slot."""

    __slots__ = ("_cells", "_slots", "noted")

    def __init__(self, slots: int) -> None:
        self._slots = slots
        # [WIDTH * slot + 2 * bucket]: quiet starts; the next one: of them, broken in the
        # slot. One flat array of doubles: 8 bytes a count, not a Python float each.
        self._cells = array("d", bytes(8 * WIDTH * slots))
        self.noted = 0  # slot starts noted since the table began (not decayed)

    def note(self, index: int, silent: float, broken: bool) -> None:
        """Slot `index` began with the home quiet for `silent` s; `broken` if activity came."""
        cells = self._cells
        i = WIDTH * index + 2 * bucket(silent)
        cells[i] = cells[i] * (1.0 - ALPHA) + 1.0
        cells[i + 1] = cells[i + 1] * (1.0 - ALPHA) + (1.0 if broken else 0.0)
        self.noted += 1

    def quiet(
        self, index: int, other: int, silent: float, shift: Callable[[int, int], int]
    ) -> float:
        """The chance that slot `index` stays quiet after `silent` s of silence.

        `other` is the same slot on the other kind of day; `shift(index, offset)` gives a
        neighbour on the same kind of day. A silence this long never seen here (not even
        once, lately) has the chance 0: it is the routine's rule that judges it then.
        """
        cells = self._cells
        i = 2 * bucket(silent)
        entered = broken = 0.0
        for offset in NEIGHBOURS:
            at = WIDTH * shift(index, offset) + i
            entered += cells[at]
            broken += cells[at + 1]
        if entered < MIN_OWN:
            for offset in NEIGHBOURS:
                at = WIDTH * shift(other, offset) + i
                entered += cells[at]
                broken += cells[at + 1]
        if entered < SEEN:
            return 0.0
        # One imagined quiet start keeps a handful of notes from ever giving certainty.
        return 1.0 - broken / (entered + 1.0)

    def save(self) -> dict[str, Any]:
        """A JSON-able dict: counts in tenths, only for slots that have seen something
        (about 4 KB when all have)."""
        cells: dict[str, list[int]] = {}
        for index in range(self._slots):
            cell = self._cells[WIDTH * index : WIDTH * (index + 1)]
            if any(cell):
                cells[str(index)] = [round(v * TENTHS) for v in cell]
        return {"noted": self.noted, "cells": cells}

    def load(self, data: Any) -> None:
        """Restore what `save` returned; ValueError (nothing changed) when it is unusable."""
        if not isinstance(data, dict):
            raise ValueError("stored chances of silence are damaged")
        cells = data.get("cells")
        noted = data.get("noted")
        if isinstance(noted, bool) or not isinstance(noted, int) or noted < 0:
            raise ValueError("stored chances of silence have a damaged count")
        if not isinstance(cells, dict):
            raise ValueError("stored chances of silence are damaged")
        parsed = array("d", bytes(8 * WIDTH * self._slots))
        for key, cell in cells.items():
            if not isinstance(key, str) or not key.isdigit() or int(key) >= self._slots:
                raise ValueError("stored chances of silence name a slot that does not exist")
            if not isinstance(cell, list) or len(cell) != WIDTH:
                raise ValueError("stored chances of silence are damaged")
            values = [_count(v) for v in cell]
            if any(values[i + 1] > values[i] + 0.1 for i in range(0, WIDTH, 2)):
                raise ValueError("stored chances of silence end more silences than began")
            parsed[WIDTH * int(key) : WIDTH * (int(key) + 1)] = array("d", values)
        self._cells = parsed
        self.noted = noted


def _count(value: Any) -> float:
    # Stored in tenths; a decayed count never exceeds 1 / ALPHA.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("stored chance count is not a whole number of tenths")
    if not 0 <= value <= TENTHS / ALPHA:
        raise ValueError("stored chance count is out of range")
    return value / TENTHS
