"""What a silence began with: how long the home usually stays quiet after such a start.

A silence is judged by how it started as well as by the time of day: the TV switched off
at 23:00 is bedtime and begins a night, while a kettle boiled at 10:00 is usually followed
by more activity within an hour or two. The start is the last activity's source and edge
(switched on, switched off, or simply seen) and its local two-hour slot. Each such start
keeps the lengths of the last `RING` silences that followed it, and a silence becomes
unusual once it is longer than every one of them (in the slot and the two next to it),
by the sensitivity's margins: "after the kettle around 10:00 the home is usually active
again within 1 h 40 min".

Costs O(1) per activity and at most sources x 3 edges x 12 slots x `RING` numbers. A
silence the routine could not learn from (the home unseen, the resident away, a restart
in between, longer than the warning threshold) teaches nothing here either.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from .model import LocalClock

SLOT_SECONDS = 7200.0
SLOTS = 12
RING = 8
WINDOW = (-1, 0, 1)
# Silences seen after such a start (in the window) before one is judged.
MIN_SAMPLES = 8
# Only quiet spells at least this long are kept: a motion sensor's minute-by-minute
# activity would otherwise fill every ring and hide the long ones.
MIN_GAP = 1800.0
EDGES = ("on", "off", "seen")
JUDGEMENT_VERSION = 1
MAX_MINUTES = 14 * 24 * 60
_NEVER = math.inf


@dataclass(frozen=True, slots=True)
class Beginning:
    """How the current silence began, and when it becomes unusual for such a start."""

    entity_id: str
    edge: str
    since: float
    usual_seconds: float
    attention: float
    warning: float


class Beginnings:
    """Silence lengths by the activity that began them."""

    __slots__ = (
        "_attention_margin",
        "_clock",
        "_factor",
        "_gaps",
        "_last",
        "_max_gap",
        "_warning_margin",
        "version",
    )

    def __init__(
        self,
        zone: ZoneInfo | None,
        *,
        factor: float,
        attention_margin: float,
        warning_margin: float,
        max_gap: float,
    ) -> None:
        self._clock = LocalClock(zone)
        self._factor = factor
        self._attention_margin = attention_margin
        self._warning_margin = warning_margin
        self._max_gap = max_gap
        self._gaps: dict[str, list[list[int]]] = {}  # "entity|edge" -> slot rings (minutes)
        self._last: tuple[str, str, float] | None = None  # (entity, edge, ts) of the start
        self.version = 0

    def learn(self, entity_id: str, edge: str, ts: float, *, blocked: bool) -> None:
        """An activity at `ts`: it ends the silence that began with the previous one."""
        last = self._last
        if last is not None and ts < last[2]:
            return  # confirmed late: the silence it ends was already counted
        gap = -1.0 if last is None else ts - last[2]
        if last is not None and not blocked and MIN_GAP <= gap <= self._max_gap:
            key = f"{last[0]}|{last[1]}"
            rings = self._gaps.setdefault(key, [[] for _ in range(SLOTS)])
            ring = rings[self._slot(last[2])]
            ring.append(round(gap / 60.0))
            if len(ring) > RING:
                del ring[0]
        self._last = (entity_id, edge, ts)
        self.version += 1

    def keep_only(self, entity_ids: set[str]) -> None:
        """Forget sources no longer watched."""
        for key in [k for k in self._gaps if k.rsplit("|", 1)[0] not in entity_ids]:
            del self._gaps[key]
        if self._last is not None and self._last[0] not in entity_ids:
            self._last = None

    def rename(self, old: str, new: str) -> None:
        """Source `old` is known as `new` from now on: it keeps the silences it began."""
        for edge in EDGES:
            rings = self._gaps.pop(f"{old}|{edge}", None)
            if rings is not None:
                self._gaps[f"{new}|{edge}"] = rings
        if self._last is not None and self._last[0] == old:
            self._last = (new, self._last[1], self._last[2])
        self.version += 1

    def current(self, quiet_since: float, limits: tuple[float, float]) -> Beginning | None:
        """When the silence that began with the last activity becomes unusual; None when
        such a start has not been seen often enough, or when the silence did not begin
        with an activity (a check-in, the end of an away period)."""
        last = self._last
        if last is None or last[2] != quiet_since:
            return None
        entity_id, edge, since = last
        rings = self._gaps.get(f"{entity_id}|{edge}")
        if rings is None:
            return None
        slot = self._slot(since)
        seen: list[int] = []
        for offset in WINDOW:
            seen += rings[(slot + offset) % SLOTS]
        if len(seen) < MIN_SAMPLES:
            return None
        usual = max(seen) * 60.0
        attention = since + usual * self._factor + self._attention_margin
        warning = attention + self._warning_margin
        if attention - since >= limits[0]:
            attention = _NEVER
        if warning - since >= limits[1]:
            warning = _NEVER
        return Beginning(entity_id, edge, since, usual, attention, warning)

    def _slot(self, ts: float) -> int:
        return int(self._clock.local(ts) // SLOT_SECONDS) % SLOTS

    # ------------------------------------------------------------------ persistence

    def save(self) -> dict[str, Any]:
        """A small JSON-able dict."""
        return {
            "version": JUDGEMENT_VERSION,
            "gaps": {key: [list(r) for r in rings] for key, rings in self._gaps.items()},
            "last": None if self._last is None else list(self._last),
        }

    def load(self, data: Any) -> None:
        """Restore what `save` returned; ValueError (nothing changed) when unusable."""
        if not isinstance(data, dict) or data.get("version") != JUDGEMENT_VERSION:
            raise ValueError("stored silence starts have an unknown version")
        raw = data.get("gaps", {})
        if not isinstance(raw, dict):
            raise ValueError("stored silence starts are damaged")
        gaps: dict[str, list[list[int]]] = {}
        for key, rings in raw.items():
            if not isinstance(rings, list) or len(rings) != SLOTS:
                raise ValueError("stored silence starts are damaged")
            if not all(isinstance(ring, list) for ring in rings):
                raise ValueError("stored silence starts are damaged")
            gaps[str(key)] = [[_minutes(v) for v in ring][-RING:] for ring in rings]
        last = data.get("last")
        parsed: tuple[str, str, float] | None = None
        if last is not None:
            if not isinstance(last, list) or len(last) != 3 or last[1] not in EDGES:
                raise ValueError("stored silence start is damaged")
            ts = last[2]
            if isinstance(ts, bool) or not isinstance(ts, int | float) or not math.isfinite(ts):
                raise ValueError("stored silence start is not a finite number")
            parsed = (str(last[0]), str(last[1]), float(ts))
        self._gaps = gaps
        self._last = parsed
        self.version += 1


def _minutes(value: Any) -> int:
    # Longer than the longest warning threshold (14 days) was never learned.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MINUTES:
        raise ValueError("stored silence length is not a whole number of minutes")
    return value
