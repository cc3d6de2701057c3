"""The default Tuning on real recordings cut from REFIT and Open Smart Home (docs/tuning.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from custom_components.care_plug.engine.settings import Tuning
from custom_components.care_plug.engine.signals import PowerClassifier
from tools.tuning import (
    OSH_LOCATION,
    Series,
    appliance_kind,
    load,
    replay,
    score_cold,
    score_light,
    score_power,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"
REFIT = load(FIXTURES / "refit" / "refit_plugs.csv")
LUX = load(FIXTURES / "opensmarthome" / "opensmarthome_lux.csv")


def _plugs(*kinds: str) -> list[tuple[str, Series, str]]:
    found = []
    for entity, series in sorted(REFIT.items()):
        kind = appliance_kind(entity)
        if kind in kinds:
            found.append((entity, series, kind))
    return found


def test_fixture_holds_every_kind() -> None:
    kinds = {appliance_kind(entity) for entity in REFIT}
    assert kinds == {"kettle", "microwave", "toaster", "tv", "lamp", "cold"}


@pytest.mark.parametrize(
    ("entity", "series", "kind"),
    [
        pytest.param(*plug, id=plug[0])
        for plug in _plugs("kettle", "microwave", "toaster", "tv", "lamp")
    ],
)
def test_every_switch_on_is_activity(entity: str, series: Series, kind: str) -> None:
    score = score_power(entity, series, kind, Tuning())
    assert score.episodes > 0
    assert score.detected == score.episodes, score.missed


def test_tv_left_on_is_not_a_stream_of_activity() -> None:
    # The lounge TV of house 12 wobbles between 90 and 210 W with the picture for hours.
    during_on = sum(score_power(*plug, Tuning()).during_on for plug in _plugs("tv"))
    assert during_on == 0


def test_fridges_and_freezers_as_background_never_make_activity() -> None:
    for entity, series, _ in _plugs("cold"):
        score = score_cold(entity, series, Tuning())
        assert score.as_background == 0
        assert score.as_power > 0  # the failure mode docs/tuning.md warns about


def test_lamps_at_night_are_activity_and_daylight_is_not() -> None:
    for entity, series in LUX.items():
        score = score_light(entity, series, Tuning(), OSH_LOCATION, sun_known=True)
        assert score.lamp_events > 0
        assert score.detected == score.lamp_events
        assert score.sun_up == 0
        assert score.twilight == 0
        assert not any(count for (_, up), count in score.by_hour.items() if up)


def test_second_run_inside_the_glitch_window_is_activity() -> None:
    # A microwave stopped and started again a minute later at another power.
    tuning = Tuning()
    series = [(0.0, "1"), (10.0, "600"), (100.0, "2"), (160.0, "1250"), (400.0, "1")]
    activities = replay(PowerClassifier(tuning), series)
    assert 160.0 in activities
    glitch = [(0.0, "1"), (10.0, "1100"), (100.0, "0"), (110.0, "1100")]
    assert replay(PowerClassifier(tuning), glitch) == [10.0]
