"""Daylight at the window: the sun's elevation, the day's sky, and when it is dark.

Outdoor horizontal illuminance follows the sun: about 110 klx with the sun overhead,
a few hundred lux at sunrise, about 3 lx at the end of civil twilight (sun at -6 deg).
Indoors the light sensor sees a small share of it (the profile's window factor),
dimmed by clouds. On the Open Smart Home recordings a living room by a window peaks at a
few hundred lux, and passing clouds halve it within minutes: the sky below does the same.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from dataclasses import dataclass

from custom_components.care_plug.engine.solar import sun_elevation

from .model import Interval

_HORIZON_LX = 700.0
_CIVIL_DUSK_LX = 3.0
_TWILIGHT_SLOPE = math.log(_HORIZON_LX / _CIVIL_DUSK_LX) / 6.0
_ELEVATION_STEP = 300.0  # seconds between computed sun positions; linear in between


def outdoor_lux(elevation: float) -> float:
    """Clear-sky horizontal illuminance (lx) for a sun elevation in degrees."""
    if elevation >= 0.0:
        height: float = math.sin(math.radians(elevation)) ** 1.15
        return _HORIZON_LX + 110_000.0 * height
    if elevation >= -6.0:
        return _HORIZON_LX * math.exp(elevation * _TWILIGHT_SLOPE)
    # Night: the last of twilight fading to starlight.
    return _CIVIL_DUSK_LX * math.exp((elevation + 6.0) * 0.8)


class SunTrack:
    """Sun elevations over [start, end), computed every few minutes and interpolated."""

    __slots__ = ("_elevations", "_start")

    def __init__(self, latitude: float, longitude: float, start: float, end: float) -> None:
        self._start = start
        count = int((end - start) // _ELEVATION_STEP) + 2
        self._elevations = [
            sun_elevation(latitude, longitude, start + i * _ELEVATION_STEP) for i in range(count)
        ]

    def elevation(self, ts: float) -> float:
        """Elevation in degrees at `ts` (clamped to the track)."""
        position = (ts - self._start) / _ELEVATION_STEP
        index = min(max(int(position), 0), len(self._elevations) - 2)
        fraction = min(max(position - index, 0.0), 1.0)
        low = self._elevations[index]
        return low + (self._elevations[index + 1] - low) * fraction

    def below(self, elevation: float, start: float, end: float) -> list[Interval]:
        """Intervals within [start, end) when the sun is below `elevation` degrees."""
        out: list[Interval] = []
        step = _ELEVATION_STEP
        t = start
        dark_since: float | None = start if self.elevation(start) < elevation else None
        while t < end:
            following = min(t + step, end)
            now, then = self.elevation(t), self.elevation(following)
            if (now < elevation) != (then < elevation):
                crossing = t + (following - t) * (elevation - now) / (then - now)
                if dark_since is None:
                    dark_since = crossing
                else:
                    out.append((dark_since, crossing))
                    dark_since = None
            t = following
        if dark_since is not None:
            out.append((dark_since, end))
        return out


# Sky types: (name, probability, lamp elevation offset in degrees).
_SKIES = (("clear", 0.35, 0.0), ("broken", 0.4, 1.0), ("overcast", 0.2, 3.0), ("rain", 0.05, 5.0))


@dataclass(frozen=True, slots=True)
class Sky:
    """One day's cloud cover: the share of clear-sky light that gets through, over time."""

    kind: str
    lamp_offset: float
    """Degrees added to the resident's lamp elevation: on a dull day the lamp goes on earlier."""
    times: list[float]
    shares: list[float]

    def share(self, ts: float) -> float:
        """Transmitted share of daylight at `ts`."""
        return self.shares[max(bisect_right(self.times, ts) - 1, 0)]


def make_sky(rng: random.Random, start: float, end: float) -> Sky:
    """A day's sky from its own random stream (so it never depends on what people do)."""
    pick = rng.random()
    kind, lamp_offset = _SKIES[-1][0], _SKIES[-1][2]
    for name, probability, offset in _SKIES:
        if pick < probability:
            kind, lamp_offset = name, offset
            break
        pick -= probability
    times: list[float] = []
    shares: list[float] = []
    t = start
    sunny = True
    while t < end:
        times.append(t)
        if kind == "clear":
            shares.append(rng.uniform(0.85, 1.0))
            t += rng.uniform(10, 30) * 60.0
        elif kind == "broken":
            # Sun and cloud take turns; a cloud halves the light or more.
            shares.append(rng.uniform(0.8, 1.0) if sunny else rng.uniform(0.25, 0.5))
            t += rng.expovariate(1.0 / (12 * 60.0 if sunny else 8 * 60.0)) + 30.0
            sunny = not sunny
        elif kind == "overcast":
            shares.append(rng.uniform(0.2, 0.35))
            t += rng.uniform(10, 30) * 60.0
        else:
            shares.append(rng.uniform(0.08, 0.18))
            t += rng.uniform(10, 30) * 60.0
    return Sky(kind, lamp_offset, times, shares)
