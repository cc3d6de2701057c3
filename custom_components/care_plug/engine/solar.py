"""The sun's elevation at a place and time (NOAA's low-precision solar position formulas).

Accurate to a fraction of a degree, which is plenty to tell day from night for lux.
"""

from __future__ import annotations

import math

_J2000 = 946_728_000.0  # 2000-01-01T12:00:00Z as a Unix timestamp


def sun_elevation(latitude: float, longitude: float, ts: float) -> float:
    """Elevation of the sun's centre above the horizon, in degrees, at Unix time `ts`."""
    days = (ts - _J2000) / 86400.0
    mean_longitude = math.radians((280.460 + 0.9856474 * days) % 360.0)
    mean_anomaly = math.radians((357.528 + 0.9856003 * days) % 360.0)
    ecliptic_longitude = (
        mean_longitude
        + math.radians(1.915) * math.sin(mean_anomaly)
        + math.radians(0.020) * math.sin(2 * mean_anomaly)
    )
    obliquity = math.radians(23.439 - 0.0000004 * days)
    declination = math.asin(math.sin(obliquity) * math.sin(ecliptic_longitude))
    right_ascension = math.atan2(
        math.cos(obliquity) * math.sin(ecliptic_longitude), math.cos(ecliptic_longitude)
    )
    sidereal = math.radians((280.46061837 + 360.98564736629 * days) % 360.0)
    hour_angle = sidereal + math.radians(longitude) - right_ascension
    lat = math.radians(latitude)
    sin_elevation = math.sin(lat) * math.sin(declination) + math.cos(lat) * math.cos(
        declination
    ) * math.cos(hour_angle)
    return math.degrees(math.asin(max(-1.0, min(1.0, sin_elevation))))
