"""Household settings read from the options dict (docs/architecture.md, "Options")."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.care_plug.engine import HouseholdSettings, Role, SettingsError
from custom_components.care_plug.engine.model import tracker_away
from custom_components.care_plug.engine.settings import (
    MAX_THRESHOLD,
    MIN_THRESHOLD,
    Tuning,
    options_with_source_replaced,
    parse_duration,
)

HOUR = 3600.0
BASE: dict[str, Any] = {"power_sources": ["sensor.tv_power"]}


def read(**options: Any) -> HouseholdSettings:
    return HouseholdSettings.from_options({**BASE, **options})


def rejected(options: dict[str, Any]) -> str:
    """The SettingsError message for `options` (the test fails when they are accepted)."""
    with pytest.raises(SettingsError) as info:
        HouseholdSettings.from_options(options)
    return str(info.value)


# ------------------------------------------------------------------ presets


@pytest.mark.parametrize(
    ("group", "hours"),
    [("high_risk", (12, 18, 24)), ("at_risk", (12, 24, 36)), ("general", (12, 30, 50))],
)
def test_risk_group_presets(group: str, hours: tuple[int, int, int]) -> None:
    settings = read(risk_group=group)
    assert settings.thresholds == tuple(h * HOUR for h in hours)
    assert settings.risk_group == group


def test_default_group_is_at_risk() -> None:
    assert read().thresholds == (12 * HOUR, 24 * HOUR, 36 * HOUR)


def test_unknown_risk_group_is_rejected() -> None:
    assert "risk_group" in rejected({**BASE, "risk_group": "very_high"})


def test_one_threshold_overrides_its_preset_value() -> None:
    settings = read(risk_group="general", critical_after={"hours": 40})
    assert settings.thresholds == (12 * HOUR, 30 * HOUR, 40 * HOUR)


# ------------------------------------------------------------------ custom thresholds


def test_custom_thresholds_from_one_minute_to_fourteen_days() -> None:
    settings = read(
        risk_group="custom",
        attention_after={"minutes": 1},
        warning_after={"days": 7},
        critical_after={"days": 14},
    )
    assert settings.thresholds == (MIN_THRESHOLD, 7 * 86400.0, MAX_THRESHOLD)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("attention_after", {"seconds": 59}),
        ("attention_after", 0),
        ("critical_after", {"days": 14, "seconds": 1}),
        ("critical_after", {"days": 30}),
    ],
)
def test_thresholds_out_of_range_are_rejected_naming_the_key(key: str, value: Any) -> None:
    options = {
        **BASE,
        "attention_after": {"hours": 1},
        "warning_after": {"hours": 2},
        "critical_after": {"hours": 3},
        key: value,
    }
    assert key in rejected(options)


@pytest.mark.parametrize(
    ("attention", "warning", "critical", "key"),
    [
        (2, 2, 3, "warning_after"),
        (3, 2, 4, "warning_after"),
        (1, 3, 3, "critical_after"),
        (1, 3, 2, "critical_after"),
    ],
)
def test_thresholds_must_rise_strictly(
    attention: int, warning: int, critical: int, key: str
) -> None:
    message = rejected(
        {
            **BASE,
            "attention_after": {"hours": attention},
            "warning_after": {"hours": warning},
            "critical_after": {"hours": critical},
        }
    )
    assert message.startswith(key)


def test_a_custom_threshold_that_breaks_the_preset_order_is_rejected() -> None:
    # high_risk warns at 18 h; an attention threshold of 20 h would come after it.
    assert "warning_after" in rejected(
        {**BASE, "risk_group": "high_risk", "attention_after": {"hours": 20}}
    )


# ------------------------------------------------------------------ durations


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ({"hours": 12}, 43200.0),
        ({"days": 1, "hours": 2, "minutes": 3, "seconds": 4}, 93784.0),
        ({"milliseconds": 1500}, 1.5),
        ({"hours": 1.5}, 5400.0),
        (90, 90.0),
        (90.5, 90.5),
        ("12:00:00", 43200.0),
        ("01:02:03", 3723.0),
        ("1:30", 5400.0),  # HH:MM, as Home Assistant reads it
        ("00:00:30.5", 30.5),
        ("90", 90.0),
    ],
)
def test_duration_forms(value: Any, seconds: float) -> None:
    assert parse_duration(value, "stale_after") == seconds


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"weeks": 1},
        {"hours": "12"},
        {"hours": True},
        {"hours": 10**400},
        True,
        None,
        [12],
        -1,
        float("nan"),
        float("inf"),
        10**400,
        "",
        "twelve hours",
        "1:2:3:4",
        "-01:00:00",
        "12:-5:00",
        "nan",
        "inf:00:00",
    ],
)
def test_bad_durations_are_rejected_naming_the_key(value: Any) -> None:
    with pytest.raises(SettingsError, match="stale_after"):
        parse_duration(value, "stale_after")


def test_tuning_durations_and_numbers_are_read_from_options() -> None:
    settings = read(
        stale_after={"hours": 2},
        reminder_interval="00:10:00",
        power_glitch_window=30,
        power_standby_w=2,
        light_sun_elevation=-6,
    )
    tuning = settings.tuning
    assert tuning.stale_after_seconds == 2 * HOUR
    assert tuning.reminder_interval_seconds == 600.0
    assert tuning.power_glitch_seconds == 30.0
    assert tuning.power_standby_w == 2.0
    assert tuning.light_sun_elevation == -6.0


def test_tuning_defaults_apply_when_options_name_none() -> None:
    assert read().tuning == Tuning()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("power_standby_w", -1),
        ("power_step_w", "30"),
        ("power_step_ratio", True),
        ("light_step_lx", float("nan")),
        ("light_dark_lx", float("inf")),
        ("power_step_w", 10**400),
        ("stale_after", "soon"),
        ("monitoring_lost_after", {"hours": -1}),
    ],
)
def test_bad_tuning_values_are_rejected_naming_the_key(key: str, value: Any) -> None:
    assert key in rejected({**BASE, key: value})


# ------------------------------------------------------------------ sources


def test_sources_are_read_with_their_roles() -> None:
    settings = HouseholdSettings.from_options(
        {
            "power_sources": ["sensor.tv_power", "sensor.kettle_power"],
            "background_power_sources": ["sensor.fridge_power"],
            "light_sources": ["sensor.living_lux"],
            "presence_sources": ["binary_sensor.hall_motion"],
            "other_sources": ["media_player.radio"],
        }
    )
    assert settings.sources == {
        "sensor.tv_power": Role.POWER,
        "sensor.kettle_power": Role.POWER,
        "sensor.fridge_power": Role.BACKGROUND_POWER,
        "sensor.living_lux": Role.LIGHT,
        "binary_sensor.hall_motion": Role.PRESENCE,
        "media_player.radio": Role.OTHER,
    }


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"power_sources": []},
        {"background_power_sources": ["sensor.fridge_power"]},
    ],
)
def test_options_without_an_activity_source_are_rejected(options: dict[str, Any]) -> None:
    assert "no activity source" in rejected(options)


def test_an_entity_in_two_roles_is_rejected() -> None:
    message = rejected(
        {"power_sources": ["sensor.heater"], "background_power_sources": ["sensor.heater"]}
    )
    assert "sensor.heater" in message
    assert "two roles" in message


@pytest.mark.parametrize(
    "options",
    [
        {"power_sources": "sensor.tv_power"},
        {"power_sources": [42]},
        {"power_sources": ["tv_power"]},
        {"power_sources": None},
    ],
)
def test_malformed_source_lists_are_rejected_naming_the_key(options: dict[str, Any]) -> None:
    assert "power_sources" in rejected(options)


def test_options_that_are_not_a_mapping_are_rejected() -> None:
    with pytest.raises(SettingsError):
        HouseholdSettings.from_options(["sensor.tv_power"])  # type: ignore[arg-type]


def test_custom_risk_group_needs_every_threshold() -> None:
    # "custom" means the user chose the thresholds: silently using a preset would hide a gap.
    message = rejected({**BASE, "risk_group": "custom", "attention_after": {"hours": 2}})
    assert "warning_after" in message
    assert "critical_after" in message


@pytest.mark.parametrize("resident", ["sensor.phone", "person", 5, "", "binary_sensor.hall_motion"])
def test_a_resident_that_is_no_tracker_is_refused(resident: object) -> None:
    options = {"presence_sources": ["binary_sensor.hall_motion"], "resident": resident}
    with pytest.raises(SettingsError, match="resident"):
        HouseholdSettings.from_options(options)


def test_a_renamed_or_removed_tracker_is_replaced_in_the_options() -> None:
    options = {"presence_sources": ["binary_sensor.hall_motion"], "resident": "person.mum"}
    renamed = options_with_source_replaced(options, "person.mum", "person.mother")
    assert HouseholdSettings.from_options(renamed).resident == "person.mother"
    removed = options_with_source_replaced(options, "person.mum", None)
    assert "resident" not in removed
    assert HouseholdSettings.from_options(removed).resident is None


@pytest.mark.parametrize(
    ("state", "away"),
    [("home", False), (" Home ", False), ("not_home", True), ("Shop", True),
     ("unavailable", False), ("unknown", False), ("", False), (None, False)],
)  # fmt: skip
def test_what_a_tracker_state_says(state: str | None, away: bool) -> None:
    assert tracker_away(state) is away
