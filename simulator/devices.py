"""The home's sensors: how each turns what happens into the states Home Assistant records.

Each device generates one day window at a time and keeps only a few numbers between
windows (what it last reported, when it reports next), so a window can be generated
again from a saved state. Generation walks forward in time and every random draw is made
at the moment it concerns: what a device reports before an instant never depends on what
the resident does after it.

Shapes follow the REFIT plug recordings: a TV draws under a watt on standby and 60-120 W
on, changing a little with the picture; a kettle 1.8-2.2 kW for a few minutes; a fridge
compressor starts near 100 W, sags by a tenth over a 15-25 minute run, then rests at
about a watt for 30-50 minutes.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from dataclasses import dataclass, replace

from .daylight import Sky, SunTrack, outdoor_lux
from .model import KETTLE, MICROWAVE, RICE_COOKER, TV, Interval, Row, Segment

MINUTE = 60.0


def _ms(ts: float) -> int:
    return int(ts * 1000.0 + 0.5)


@dataclass(frozen=True, slots=True)
class PlugModel:
    """How a kind of appliance draws power and how its plug reports it."""

    standby: tuple[float, float]
    """Range of the standby draw (W); a constant when both ends are equal."""
    levels: dict[str, tuple[float, float]]
    """Per mode (segment kind): range from which this appliance's draw (W) is drawn."""
    noise: dict[str, float]
    """Per mode: relative spread of successive reports."""
    report: dict[str, tuple[float, float]]
    """Per mode: seconds between reports while on."""
    glitch: float = 0.0
    """Chance per report of a zero-watt blip lasting a few seconds (a plug fault)."""


PLUG_MODELS: dict[str, PlugModel] = {
    TV: PlugModel(
        standby=(0.5, 1.0),
        levels={"on": (60.0, 120.0)},
        noise={"on": 0.05},
        report={"on": (10.0, 60.0)},
        glitch=0.001,
    ),
    KETTLE: PlugModel(
        standby=(0.0, 0.0),
        levels={"on": (1800.0, 2200.0)},
        noise={"on": 0.004},
        report={"on": (20.0, 60.0)},
    ),
    RICE_COOKER: PlugModel(
        standby=(0.0, 0.0),
        levels={"cook": (600.0, 700.0), "warm": (40.0, 70.0)},
        noise={"cook": 0.02, "warm": 0.08},
        report={"cook": (30.0, 90.0), "warm": (60.0, 240.0)},
        glitch=0.001,
    ),
    MICROWAVE: PlugModel(
        standby=(1.2, 1.8),
        levels={"on": (1100.0, 1300.0)},
        noise={"on": 0.01},
        report={"on": (10.0, 30.0)},
    ),
}

_WOBBLE = (15 * MINUTE, 40 * MINUTE)  # standby readings change this often


@dataclass(slots=True)
class PlugState:
    last: str | None = None
    kind: str | None = None
    level: float = 0.0
    next_report: float = 0.0
    next_wobble: float = 0.0


class Plug:
    """A smart plug in front of an appliance the resident uses."""

    def __init__(self, entity_id: str, model: PlugModel, rng: random.Random) -> None:
        self.entity_id = entity_id
        self.model = model
        # This appliance's own draw, fixed for the simulation.
        self.levels = {kind: rng.uniform(*span) for kind, span in model.levels.items()}
        self.standby = rng.uniform(*model.standby)
        self.state = PlugState()

    def save(self) -> PlugState:
        return replace(self.state)

    def restore(self, state: PlugState) -> None:
        self.state = replace(state)

    def _put(self, out: list[Row], ts: float, value: float) -> None:
        text = f"{max(value, 0.0):.1f}"
        if text != self.state.last:
            self.state.last = text
            out.append((_ms(ts), self.entity_id, text))

    def _idle(self, out: list[Row], rng: random.Random, start: float, end: float) -> None:
        st = self.state
        if self.model.standby[0] == self.model.standby[1]:
            return
        if st.next_wobble < start:
            st.next_wobble = start + rng.uniform(*_WOBBLE)
        while st.next_wobble < end:
            self._put(out, st.next_wobble, self.standby + rng.choice((-0.1, 0.0, 0.0, 0.1)))
            st.next_wobble += rng.uniform(*_WOBBLE)

    def _run(self, out: list[Row], rng: random.Random, end: float, stop: float) -> None:
        st = self.state
        kind = st.kind or "on"
        noise = self.model.noise[kind]
        low, high = self.model.report[kind]
        glitch = self.model.glitch
        while st.next_report < end:
            t = st.next_report
            value = st.level * (1.0 + rng.gauss(0.0, noise))
            if glitch and rng.random() < glitch and t < stop and t + 10.0 < end:
                self._put(out, t, 0.0)
                t += rng.uniform(2.0, 8.0)
            self._put(out, t, value)
            st.next_report = t + rng.uniform(low, high)

    def generate(
        self,
        start: float,
        end: float,
        *,
        segments: list[Segment],
        rng: random.Random,
        stop: float,
        out: list[Row],
    ) -> None:
        """Readings in [start, end) while the appliance runs through `segments`."""
        st = self.state
        if st.last is None:
            self._put(out, start, self.standby)
            st.next_wobble = start + rng.uniform(*_WOBBLE)
        t = start
        for index, seg in enumerate(segments):
            begin = max(seg.start, start)
            if st.kind is None:
                self._idle(out, rng, t, begin)
            if st.kind != seg.kind:
                st.kind = seg.kind
                st.level = self.levels[seg.kind]
                self._put(out, begin, st.level * (1.0 + rng.gauss(0.0, self.model.noise[seg.kind])))
                st.next_report = begin + rng.uniform(*self.model.report[seg.kind])
            self._run(out, rng, min(seg.end, end), stop)
            if seg.end > end:
                return  # still running when the window closes
            following = segments[index + 1] if index + 1 < len(segments) else None
            if following is None or following.start > seg.end:
                st.kind = None
                self._put(out, seg.end, self.standby)
                st.next_wobble = seg.end + rng.uniform(*_WOBBLE)
            t = seg.end
        if st.kind is None:
            self._idle(out, rng, t, end)


@dataclass(slots=True)
class FridgeState:
    last: str | None = None
    phase: str = "off"
    phase_start: float = 0.0
    phase_end: float = 0.0
    level: float = 0.0
    next_report: float = 0.0


class Fridge:
    """A fridge on a background plug: compressor cycles day and night, whoever is home."""

    def __init__(self, entity_id: str, rng: random.Random) -> None:
        self.entity_id = entity_id
        self.compressor = rng.uniform(85.0, 115.0)
        self.state = FridgeState()

    def save(self) -> FridgeState:
        return replace(self.state)

    def restore(self, state: FridgeState) -> None:
        self.state = replace(state)

    def _put(self, out: list[Row], ts: float, value: float) -> None:
        text = f"{max(value, 0.0):.1f}"
        if text != self.state.last:
            self.state.last = text
            out.append((_ms(ts), self.entity_id, text))

    def _value(self, rng: random.Random, t: float) -> float:
        st = self.state
        if st.phase == "off":
            return rng.uniform(0.8, 1.4)
        if st.phase == "defrost":
            return st.level * (1.0 + rng.gauss(0.0, 0.02))
        run = max(st.phase_end - st.phase_start, 1.0)
        sag = 1.0 - 0.12 * (t - st.phase_start) / run
        return st.level * sag * (1.0 + rng.gauss(0.0, 0.01))

    def _next_phase(self, rng: random.Random) -> None:
        st = self.state
        st.phase_start = st.phase_end
        if st.phase != "off":
            st.phase = "off"
            st.phase_end += rng.uniform(30, 50) * MINUTE
        elif rng.random() < 0.04:
            # The defrost heater, about once a day.
            st.phase = "defrost"
            st.level = rng.uniform(150.0, 220.0)
            st.phase_end += rng.uniform(15, 30) * MINUTE
        else:
            st.phase = "on"
            st.level = self.compressor * rng.uniform(0.95, 1.05)
            st.phase_end += rng.uniform(15, 25) * MINUTE

    def generate(self, start: float, end: float, rng: random.Random, out: list[Row]) -> None:
        """Readings in [start, end)."""
        st = self.state
        if st.last is None:
            st.phase_start = start
            st.phase_end = start + rng.uniform(0, 40) * MINUTE
            self._put(out, start, self._value(rng, start))
            st.next_report = start + rng.uniform(5, 20) * MINUTE
        while True:
            until = min(st.phase_end, end)
            while st.next_report < until:
                self._put(out, st.next_report, self._value(rng, st.next_report))
                gap = rng.uniform(5, 20) * MINUTE if st.phase == "off" else rng.uniform(30, 60)
                st.next_report += gap
            if st.phase_end >= end:
                return
            self._next_phase(rng)
            first = self._value(rng, st.phase_start)
            self._put(out, st.phase_start, first * (1.1 if st.phase == "on" else 1.0))
            st.next_report = st.phase_start + rng.uniform(30, 60)


@dataclass(slots=True)
class LuxState:
    last: str | None = None
    value: float = 0.0
    reported: float = 0.0
    next_sample: float = 0.0


class LightSensor:
    """A Zigbee illuminance sensor near a window, in the room with the lamp.

    It measures every minute and reports when the reading moved by more than a few lux
    (or 8 %), or at its periodic report when the value differs; a lamp switching is
    reported at once.
    """

    SAMPLE = 60.0

    def __init__(self, entity_id: str, rng: random.Random, lamp_lux: float, window: float) -> None:
        self.entity_id = entity_id
        self.lamp_lux = lamp_lux * rng.uniform(0.9, 1.1)
        self.window = window
        self.step = 3.0
        self.heartbeat = rng.uniform(5, 10) * MINUTE
        self.state = LuxState()

    def save(self) -> LuxState:
        return replace(self.state)

    def restore(self, state: LuxState) -> None:
        self.state = replace(state)

    def generate(
        self,
        start: float,
        end: float,
        *,
        rng: random.Random,
        sun: SunTrack,
        sky: Sky,
        lamp: list[Interval],
        out: list[Row],
    ) -> None:
        """Readings in [start, end) with the lamp on during `lamp` (sorted, disjoint)."""
        st = self.state
        edges = sorted(t for interval in lamp for t in interval if start <= t < end)
        edge_index = 0
        lamp_index = 0
        t = max(st.next_sample, start)
        entity_id = self.entity_id
        window = self.window
        while True:
            grid = t
            if edge_index < len(edges) and edges[edge_index] <= grid:
                sample = edges[edge_index]
                edge_index += 1
            elif grid < end:
                sample = grid
                t += self.SAMPLE
            else:
                break
            while lamp_index < len(lamp) and lamp[lamp_index][1] <= sample:
                lamp_index += 1
            lamp_on = lamp_index < len(lamp) and lamp[lamp_index][0] <= sample
            light = outdoor_lux(sun.elevation(sample)) * window * sky.share(sample)
            if lamp_on:
                light += self.lamp_lux
            value = float(max(round(light * (1.0 + rng.gauss(0.0, 0.01)) + rng.gauss(0.0, 0.2)), 0))
            last = st.value
            if st.last is None or (
                value != last
                and (abs(value - last) >= max(self.step, 0.08 * last)
                     or sample - st.reported >= self.heartbeat)
            ):  # fmt: skip
                st.value = value
                st.reported = sample
                text = str(int(value))
                st.last = text
                out.append((_ms(sample), entity_id, text))
        st.next_sample = t


@dataclass(slots=True)
class MotionState:
    last: str | None = None
    clears_at: float | None = None


class MotionSensor:
    """A PIR motion sensor: `on` at movement, `off` once it has seen none for a while."""

    def __init__(self, entity_id: str, rng: random.Random) -> None:
        self.entity_id = entity_id
        self.clear = rng.uniform(60.0, 90.0)
        self.state = MotionState()

    def save(self) -> MotionState:
        return replace(self.state)

    def restore(self, state: MotionState) -> None:
        self.state = replace(state)

    def _put(self, out: list[Row], ts: float, text: str) -> None:
        if text != self.state.last:
            self.state.last = text
            out.append((_ms(ts), self.entity_id, text))

    def generate(self, start: float, end: float, moves: list[float], out: list[Row]) -> None:
        """Readings in [start, end) for movements `moves` (sorted)."""
        st = self.state
        if st.last is None:
            self._put(out, start, "off")
        first = bisect_left(moves, start)
        for index in range(first, len(moves)):
            moment = moves[index]
            if moment >= end:
                break
            if st.clears_at is not None and st.clears_at < moment:
                self._put(out, st.clears_at, "off")
            self._put(out, moment, "on")
            st.clears_at = moment + self.clear
        if st.clears_at is not None and st.clears_at < end:
            self._put(out, st.clears_at, "off")
            st.clears_at = None
