"""Appliances and lamps left on: how long each is usually on, by when it was switched on.

Per `power` source (and per `light` source, for the lamp it sees) the day is cut into
hours; each hour keeps the durations (minutes) of the last `RING` sessions that began in
it. A session still running is judged against the sessions that began within an hour of
its start: once it has lasted longer than every one of them, by the sensitivity's
margins, and the resident has not been seen since before it usually ends, the appliance
was most likely left on by someone who could not switch it off. "The TV has been on since
21:40, usually off by 23:30".

Costs O(1) per reading: one session per source, at most 24 x `RING` numbers per source.
A lamp's session ends when daylight hides it and is learned as lasting until then; a
session ends without being learned when its source goes offline, and so does any
session longer than `max_session` (a plug left on for days says nothing about a usual
evening).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from .model import LocalClock

HOUR_SECONDS = 3600.0
HOURS = 24
RING = 10
# Sessions that began within an hour either side count for a session's start hour.
WINDOW = (-1, 0, 1)
# Sessions seen (in the window) before a source is judged at all.
MIN_SAMPLES = 4
APPLIANCES_VERSION = 1
MAX_MINUTES = 14 * 24 * 60
_NEVER = math.inf

APPLIANCE = "appliance"
LAMP = "lamp"
KINDS = (APPLIANCE, LAMP)


@dataclass(frozen=True, slots=True)
class LeftOn:
    """A source found on for longer than usual: when each level is due, and why."""

    entity_id: str
    kind: str  # APPLIANCE or LAMP
    on_since: float
    usual_seconds: float  # the longest recent session that began at that time of day
    attention: float  # the earliest of every source on
    warning: float  # infinite for a lamp


class Appliances:
    """Sessions of the household's power and light sources, and what is usual for each."""

    __slots__ = (
        "_attention_margin",
        "_clock",
        "_durations",
        "_factor",
        "_kinds",
        "_max_session",
        "_on_since",
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
        max_session: float,
    ) -> None:
        self._clock = LocalClock(zone)
        self._factor = factor
        self._attention_margin = attention_margin
        self._warning_margin = warning_margin
        self._max_session = max_session
        self._durations: dict[str, list[list[int]]] = {}
        self._on_since: dict[str, float] = {}
        self._kinds: dict[str, str] = {}
        # Moves whenever a judgement may have changed, so callers can cache.
        self.version = 0

    # ------------------------------------------------------------------ input

    def update(self, entity_id: str, kind: str, ts: float, on: bool | None) -> None:
        """The source's on-state at `ts`: True on, False off, None no longer seen.

        None (a lamp in daylight) ends the session and learns it as lasting until `ts`:
        a lamp often on until morning is then usual until morning.
        """
        since = self._on_since.get(entity_id)
        if on is True:
            if since is None:
                self._on_since[entity_id] = ts
                self._kinds[entity_id] = kind
                self.version += 1
            return
        if since is None:
            return
        del self._on_since[entity_id]
        self.version += 1
        length = ts - since
        if 0 <= length <= self._max_session:
            rings = self._durations.setdefault(entity_id, [[] for _ in range(HOURS)])
            ring = rings[self._hour(since)]
            ring.append(round(length / 60.0))
            if len(ring) > RING:
                del ring[0]

    def drop(self, entity_id: str) -> None:
        """The source went offline: its session ends and teaches nothing."""
        if self._on_since.pop(entity_id, None) is not None:
            self.version += 1

    def keep_only(self, entity_ids: set[str]) -> None:
        """Forget sources no longer watched."""
        for store in (self._durations, self._on_since, self._kinds):
            for entity_id in [e for e in store if e not in entity_ids]:
                del store[entity_id]

    def rename(self, old: str, new: str) -> None:
        """Source `old` is known as `new` from now on: it keeps its sessions."""
        if old in self._durations:
            self._durations[new] = self._durations.pop(old)
        if old in self._on_since:
            self._on_since[new] = self._on_since.pop(old)
        if old in self._kinds:
            self._kinds[new] = self._kinds.pop(old)
        self.version += 1

    # ------------------------------------------------------------------ judging

    def is_on(self, entity_id: str) -> bool:
        return entity_id in self._on_since

    def usual(self, entity_id: str, on_since: float) -> float | None:
        """The longest recent session that began near `on_since`'s hour (seconds)."""
        rings = self._durations.get(entity_id)
        if rings is None:
            return None
        hour = self._hour(on_since)
        seen: list[int] = []
        for offset in WINDOW:
            seen += rings[(hour + offset) % HOURS]
        if len(seen) < MIN_SAMPLES:
            return None
        return max(seen) * 60.0

    def left_on(self, quiet_since: float) -> LeftOn | None:
        """The source that will first be found left on, in a silence that began at
        `quiet_since`; None when no source is on or none has a usual length yet.

        A source counts only when the silence began before the source usually goes off:
        a resident seen after that is up and about, and a long film is their choice.
        """
        best: LeftOn | None = None
        first_attention = _NEVER
        for entity_id, since in self._on_since.items():
            usual = self.usual(entity_id, since)
            if usual is None:
                continue
            usual_end = since + usual * self._factor
            if quiet_since > usual_end:
                continue
            attention = max(usual_end, quiet_since) + self._attention_margin
            kind = self._kinds.get(entity_id, APPLIANCE)
            # People fall asleep with a lamp on: a lamp alone only prompts the resident.
            warning = attention + self._warning_margin if kind == APPLIANCE else _NEVER
            found = LeftOn(entity_id, kind, since, usual, attention, warning)
            first_attention = min(first_attention, attention)
            if best is None or (found.warning, found.attention) < (best.warning, best.attention):
                best = found
        if best is not None and best.attention > first_attention:
            best = replace(best, attention=first_attention)
        return best

    # ------------------------------------------------------------------ time

    def _hour(self, ts: float) -> int:
        return int(self._clock.local(ts) // HOUR_SECONDS) % HOURS

    # ------------------------------------------------------------------ persistence

    def save(self) -> dict[str, Any]:
        """A small JSON-able dict (at most 24 x `RING` minutes per source)."""
        return {
            "version": APPLIANCES_VERSION,
            "durations": {e: [list(r) for r in rings] for e, rings in self._durations.items()},
            "on_since": dict(self._on_since),
            "kinds": dict(self._kinds),
        }

    def load(self, data: Any) -> None:
        """Restore what `save` returned; ValueError (nothing changed) when unusable."""
        if not isinstance(data, dict) or data.get("version") != APPLIANCES_VERSION:
            raise ValueError("stored appliances have an unknown version")
        durations: dict[str, list[list[int]]] = {}
        raw = data.get("durations", {})
        if not isinstance(raw, dict):
            raise ValueError("stored appliance durations are damaged")
        for entity_id, rings in raw.items():
            if not isinstance(rings, list) or len(rings) != HOURS:
                raise ValueError("stored appliance durations are damaged")
            durations[str(entity_id)] = [[_minutes(v) for v in ring][-RING:] for ring in rings]
        on_since: dict[str, float] = {}
        raw_on = data.get("on_since", {})
        if not isinstance(raw_on, dict):
            raise ValueError("stored appliance sessions are damaged")
        for entity_id, since in raw_on.items():
            if isinstance(since, bool) or not isinstance(since, int | float):
                raise ValueError("stored appliance session start is not a number")
            if not math.isfinite(since):
                raise ValueError("stored appliance session start is not finite")
            on_since[str(entity_id)] = float(since)
        raw_kinds = data.get("kinds", {})
        kinds = {
            str(e): k for e, k in (raw_kinds.items() if isinstance(raw_kinds, dict) else ())
            if k in KINDS
        }  # fmt: skip
        self._durations = durations
        self._on_since = on_since
        self._kinds = kinds
        self.version += 1


def _minutes(value: Any) -> int:
    # Longer than the longest warning threshold (14 days) was never learned.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MINUTES:
        raise ValueError("stored appliance duration is not a whole number of minutes")
    return value
