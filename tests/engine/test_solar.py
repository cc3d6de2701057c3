"""The sun's elevation, checked against published solar positions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custom_components.care_plug.engine.solar import sun_elevation

SEOUL = (37.5665, 126.978)


def elevation(place: tuple[float, float], *when: int) -> float:
    year, month, day, hour, minute = when
    return sun_elevation(*place, datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp())


def test_seoul_noon_at_the_summer_solstice() -> None:
    # Solar noon in Seoul is about 12:34 KST; the sun stands 90 - 37.57 + 23.44 degrees up.
    assert elevation(SEOUL, 2026, 6, 21, 3, 34) == pytest.approx(75.87, abs=0.3)


def test_seoul_noon_at_the_winter_solstice() -> None:
    assert elevation(SEOUL, 2026, 12, 21, 3, 30) == pytest.approx(29.0, abs=0.3)


def test_seoul_midnight_is_dark() -> None:
    assert elevation(SEOUL, 2026, 6, 21, 15, 34) == pytest.approx(-29.0, abs=0.3)


def test_seoul_sunrise_at_the_summer_solstice() -> None:
    # Published sunrise 05:11 KST (20:11 UTC the day before): apparent sunrise is at -0.83 deg.
    assert elevation(SEOUL, 2026, 6, 20, 20, 11) == pytest.approx(-0.83, abs=0.3)
    assert elevation(SEOUL, 2026, 6, 20, 20, 0) < -0.83 < elevation(SEOUL, 2026, 6, 20, 20, 20)


def test_equator_at_the_equinox_has_the_sun_overhead() -> None:
    assert elevation((0.0, 0.0), 2026, 3, 20, 12, 7) == pytest.approx(90.0, abs=0.5)


def test_southern_hemisphere_summer() -> None:
    # Sydney at local solar noon in December: 90 - 33.87 + 23.44.
    assert elevation((-33.87, 151.21), 2026, 12, 21, 1, 55) == pytest.approx(79.6, abs=0.5)


def test_polar_day_and_polar_night() -> None:
    svalbard = (78.2, 15.6)
    assert elevation(svalbard, 2026, 6, 21, 23, 0) > 10.0  # midnight sun
    assert elevation(svalbard, 2026, 12, 21, 11, 0) < -10.0  # noon in the polar night


def test_elevation_stays_within_plus_minus_ninety() -> None:
    for hour in range(24):
        value = elevation(SEOUL, 2026, 6, 21, hour, 0)
        assert -90.0 <= value <= 90.0
