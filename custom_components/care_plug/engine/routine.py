"""The resident's learned routine: how long silences usually last at each time of day.

The day is cut into half-hours, kept apart for weekdays and weekends (96 slots). At
every half-hour boundary the model notes how long the home had then been silent; each
slot keeps its last `RING` such notes, so the most recent weeks are what counts. A
silence is unusual once it is longer than every recent silence seen at the same time of
day (and the next half-hour), by the margins of the chosen sensitivity. A decayed mean
of activities per slot gives the plain-words explanation.

Learning costs O(1) per activity: only the half-hour boundaries passed since the last
activity are noted, at most `max_gap / 30 min` of them. A silence longer than `max_gap`
(the fixed warning threshold: the family was due to be told, or the resident was away
without saying so), or one during which the engine could not see the home or the resident was away,
teaches nothing, so neither a fortnight away nor a sensor outage makes silence look
normal.
"""

from __future__ import annotations

import math
from typing import Any
from zoneinfo import ZoneInfo

from .chances import Chances
from .model import SENSITIVITIES, Explanation, LocalClock

SLOT_SECONDS = 1800.0
SLOTS_PER_DAY = 48
PROFILE_SLOTS = 2 * SLOTS_PER_DAY  # weekdays, then weekends
DAY_SECONDS = 86400.0
# Silences remembered per slot: about two and a half weeks of weekdays and six weeks of
# weekends.
RING = 12
# A moment is judged by the silences seen at the boundaries around it: from an hour
# before to an hour after, so a routine that shifts a little does not look unusual.
WINDOW = (-2, -1, 0, 1, 2)
# A slot needs this many silences seen (in its window) before it judges one.
MIN_SAMPLES = 4
# Until its own half-hour has been seen this often, a slot also counts the other kind of
# day's silences at the same time.
MIN_OWN = 4
# Days of watched time before the routine is used at all: a full week, so that every
# weekday and the weekend have been seen at least once.
READY_DAYS = 7.0
# Four weeks fill what the routine remembers (twelve weekdays, four weekends per slot);
# a longer watch knows no more.
FULL_DAYS = 28.0
# Weight of the newest slot in the mean of activities per slot: about two weeks' memory.
_MEAN_ALPHA = 0.1
ROUTINE_VERSION = 1
_NEVER = math.inf


class Routine:
    """What this household's silences usually look like, by time of day."""

    __slots__ = (
        "_anchor",
        "_blocked",
        "_chances",
        "_clock",
        "_count",
        "_limits",
        "_max_gap",
        "_mean",
        "_observed",
        "_sensitivity",
        "_silence",
        "_slot",
        "version",
    )

    def __init__(self, sensitivity: str, max_gap: float, zone: ZoneInfo | None) -> None:
        self._sensitivity = SENSITIVITIES[sensitivity]
        self._max_gap = max_gap
        self._clock = LocalClock(zone)
        self._silence: list[list[int]] = [[] for _ in range(PROFILE_SLOTS)]
        self._mean = [0.0] * PROFILE_SLOTS
        # The silence (seconds) at which each slot finds a silence unusual, or None.
        self._limits: list[float | None] = [None] * PROFILE_SLOTS
        self._chances = Chances(PROFILE_SLOTS)
        self._observed = 0
        self._anchor: float | None = None  # the last activity learned from
        self._slot = 0  # the local half-hour it fell in (counted from the epoch)
        self._count = 0  # activities in that half-hour so far
        self._blocked = False
        # Moves whenever what the routine says may have changed, so callers can cache.
        self.version = 0

    # ------------------------------------------------------------------ learning

    def learn(self, ts: float) -> None:
        """An activity at `ts`: note the boundaries passed since the last one."""
        anchor = self._anchor
        if anchor is None or self._blocked or ts - anchor > self._max_gap:
            self._restart(ts)
            return
        if ts < anchor:
            return  # confirmed late; the silence it ends was already noted
        slot = self._slot_of(ts)
        if not -4 <= slot - self._slot <= self._max_gap / SLOT_SECONDS + 2:
            # Not a position this routine wrote (damage, or the zone changed): the
            # boundaries since it cannot be told, and the cost stays bounded.
            self._restart(ts)
            return
        if slot == self._slot:
            self._count += 1
            self._anchor = ts
            return
        self._note_count(self._slot, self._count)
        local_anchor = self._local(anchor)
        for boundary in range(self._slot + 1, slot + 1):
            silent = boundary * SLOT_SECONDS - local_anchor
            self._note_silence(boundary, silent)
            self._chances.note(self._profile(boundary), silent, broken=boundary == slot)
            if boundary < slot:
                self._note_count(boundary, 0)
        self._slot = slot
        self._count = 1
        self._anchor = ts
        self.version += 1

    def block(self) -> None:
        """The silence now running says nothing about the routine (away, home unseen)."""
        self._blocked = True

    @property
    def blocked(self) -> bool:
        """Whether the silence now running will teach nothing."""
        return self._blocked

    def clock(self, ts: float) -> str:
        """`ts` as a local "HH:MM"."""
        return _clock(self._local(ts))

    def _restart(self, ts: float) -> None:
        self._anchor = ts
        self._slot = self._slot_of(ts)
        self._count = 1
        self._blocked = False

    def _note_silence(self, slot: int, seconds: float) -> None:
        index = self._profile(slot)
        ring = self._silence[index]
        ring.append(max(0, round(seconds / 60.0)))
        if len(ring) > RING:
            del ring[0]
        self._observed += 1
        other = (index + SLOTS_PER_DAY) % PROFILE_SLOTS
        for offset in WINDOW:  # every slot whose window holds this one, either kind of day
            self._update_limit(_shift(index, -offset))
            self._update_limit(_shift(other, -offset))

    def _note_count(self, slot: int, count: int) -> None:
        index = self._profile(slot)
        self._mean[index] += _MEAN_ALPHA * (count - self._mean[index])

    def _update_limit(self, index: int) -> None:
        seen: list[int] = []
        for offset in WINDOW:
            seen += self._silence[_shift(index, offset)]
        if len(self._silence[index]) < MIN_OWN:
            # Few weekends seen yet: judge by weekdays at the same time as well, so a
            # weekend is never judged by one or two Saturdays alone.
            other = (index + SLOTS_PER_DAY) % PROFILE_SLOTS
            for offset in WINDOW:
                seen += self._silence[_shift(other, offset)]
        if len(seen) < MIN_SAMPLES:
            self._limits[index] = None
            return
        sensitivity = self._sensitivity
        seen.sort()
        usual = seen[-1 - min(sensitivity.rank, len(seen) - 1)] * 60.0
        self._limits[index] = usual * sensitivity.factor + sensitivity.attention_margin

    # ------------------------------------------------------------------ judging

    @property
    def days(self) -> float:
        """How many days of watched time the routine has learned from."""
        return self._observed / SLOTS_PER_DAY

    @property
    def ready(self) -> bool:
        return self.days >= READY_DAYS

    @property
    def shortest_limit(self) -> float:
        """No silence shorter than this is ever unusual."""
        return self._sensitivity.attention_margin

    def crossings(self, since: float, limits: tuple[float, float]) -> tuple[float, float]:
        """When a silence that began at `since` becomes unusual: (attention, warning).

        Each is the earliest instant at which the silence is longer than its slot's limit
        (plus the warning margin for `warning`) and improbable, or infinity when that
        would come only after the fixed warning threshold (`limits[1]`). An attention
        later than the fixed attention threshold (`limits[0]`) raises nothing itself
        (that threshold prompts first), but the routine may still warn before the fixed
        warning threshold: a night that runs hours past every waking seen is told the
        same day, not 24 h after bedtime.
        """
        if not self.ready:
            return _NEVER, _NEVER
        sensitivity = self._sensitivity
        margin = sensitivity.warning_margin
        attention = self._crossing(since, 0.0, limits[1])
        warning = self._crossing(since, margin, limits[1])
        if self._chances.noted >= READY_DAYS * SLOTS_PER_DAY:
            # Longer than usual is not enough: the silence must also be improbable.
            chance = sensitivity.attention_chance
            attention = max(attention, self.improbable_after(since, chance, limits[1]))
            warning = max(
                warning, self.improbable_after(since, sensitivity.warning_chance, limits[1])
            )
        # A graded step: the resident is prompted before the family is told.
        return attention, max(attention + margin, warning)

    def _crossing(self, since: float, extra: float, limit: float) -> float:
        t = since + self.shortest_limit + extra
        while t - since < limit:
            slot = self._slot_of(t)
            end = slot * SLOT_SECONDS + SLOT_SECONDS - self._offset_at(t)
            allowed = self._limits[self._profile(slot)]
            if allowed is not None:
                due = max(t, since + allowed + extra)
                if due < end:
                    return due if due - since < limit else _NEVER
            t = end
        return _NEVER

    def improbable_after(self, since: float, chance: float, limit: float) -> float:
        """The end of the first half-hour after which a silence from `since` is less
        likely than `chance`; infinity when that is not before `since + limit`.

        The half-hour it began in is not counted: the chances are of slots that began
        quiet. At most `limit / 30 min` slots are looked at.
        """
        local_since = self._local(since)
        to_utc = since - local_since
        boundary = math.floor(local_since / SLOT_SECONDS) + 1
        alive = 1.0
        while True:
            start = boundary * SLOT_SECONDS
            end = start + SLOT_SECONDS + to_utc
            if end - since >= limit:
                return _NEVER
            index = self._profile(boundary)
            other = (index + SLOTS_PER_DAY) % PROFILE_SLOTS
            alive *= self._chances.quiet(index, other, start - local_since, _shift)
            if alive < chance:
                return end
            boundary += 1

    def explain(self, since: float, now: float) -> Explanation:
        """The numbers behind an unusual silence from `since` to `now`."""
        first = math.ceil(self._local(since) / SLOT_SECONDS)
        last = math.floor(self._local(now) / SLOT_SECONDS)  # exclusive: whole slots only
        # The window starts where activity is usually expected, not at bedtime.
        start = first
        while start < last and self._mean[self._profile(start)] < 0.1:
            start += 1
        usual = sum(self._mean[self._profile(slot)] for slot in range(start, last))
        allowed = self._limits[self._profile(self._slot_of(now))]
        longest = 0.0
        if allowed is not None:
            longest = (allowed - self._sensitivity.attention_margin) / self._sensitivity.factor
        return Explanation(
            usual_activities=round(usual),
            window_start=_clock(start * SLOT_SECONDS if start < last else self._local(now)),
            window_end=_clock(self._local(now)),
            quiet_since=_clock(self._local(since)),
            usual_longest_minutes=round(longest / 60.0),
        )

    # ------------------------------------------------------------------ time

    def _offset_at(self, ts: float) -> float:
        return self._clock.offset(ts)

    def _local(self, ts: float) -> float:
        return self._clock.local(ts)

    def _slot_of(self, ts: float) -> int:
        return math.floor(self._local(ts) / SLOT_SECONDS)

    @staticmethod
    def _profile(slot: int) -> int:
        day = slot // SLOTS_PER_DAY
        weekend = (day + 3) % 7 >= 5  # 1970-01-01 was a Thursday
        return (SLOTS_PER_DAY if weekend else 0) + slot % SLOTS_PER_DAY

    # ------------------------------------------------------------------ persistence

    def save(self) -> dict[str, Any]:
        """A small JSON-able dict (about 7 KB when every slot is full)."""
        return {
            "version": ROUTINE_VERSION,
            "observed": self._observed,
            "anchor": self._anchor,
            "slot": self._slot,
            "count": self._count,
            "blocked": self._blocked,
            "silence": [list(ring) for ring in self._silence],
            "mean": [round(value, 3) for value in self._mean],
            "chances": self._chances.save(),
        }

    def load(self, data: Any) -> None:
        """Restore what `save` returned; ValueError (nothing changed) when it is unusable."""
        if not isinstance(data, dict) or data.get("version") != ROUTINE_VERSION:
            raise ValueError("stored routine has an unknown version")
        silence = data["silence"]
        mean = data["mean"]
        if not isinstance(silence, list) or len(silence) != PROFILE_SLOTS:
            raise ValueError("stored routine silences are damaged")
        if not isinstance(mean, list) or len(mean) != PROFILE_SLOTS:
            raise ValueError("stored routine means are damaged")
        if not all(isinstance(ring, list) for ring in silence):
            raise ValueError("stored routine silences are damaged")
        rings = [[_minutes(value) for value in ring][-RING:] for ring in silence]
        means = [_finite(value) for value in mean]
        anchor = data.get("anchor")
        anchor = None if anchor is None else _finite(anchor)
        slot = _whole(data.get("slot", 0))
        count = _whole(data.get("count", 0))
        observed = _whole(data.get("observed", 0))
        chances = Chances(PROFILE_SLOTS)
        if "chances" in data:  # saved by an older version: none yet, learned from now on
            chances.load(data["chances"])
        if anchor is not None and abs(slot - self._slot_of(anchor)) > SLOTS_PER_DAY:
            # A time-zone change moves the slot by hours, never by more than a day.
            raise ValueError("stored routine position does not fit its last activity")
        self._anchor = anchor
        self._slot = slot if anchor is not None else 0
        self._count = count
        self._blocked = data.get("blocked") is True
        self._observed = observed
        self._silence = rings
        self._mean = means
        self._chances = chances
        for index in range(PROFILE_SLOTS):
            self._update_limit(index)
        self.version += 1

    def adopt(self, other: Routine) -> None:
        """Take what `other` (seeded from history) learned, keeping this one's settings."""
        self.load(other.save())


def _shift(index: int, offset: int) -> int:
    """The slot `offset` half-hours from `index` on the same kind of day."""
    kind = index - index % SLOTS_PER_DAY
    return kind + (index - kind + offset) % SLOTS_PER_DAY


def _clock(local_ts: float) -> str:
    minutes = int(local_ts % DAY_SECONDS // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("stored routine silence is not a whole number of minutes")
    return value


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("stored routine count is not a whole number")
    return value


def _finite(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError("stored routine value is not a finite number")
    return float(value)
