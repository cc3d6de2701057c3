"""Signal thresholds fixed for tests, so that re-tuning the defaults cannot change them."""

from __future__ import annotations

from custom_components.care_plug.engine.settings import Tuning

FIXED_TUNING = Tuning(
    power_standby_w=5.0,
    power_step_w=30.0,
    power_step_ratio=0.5,
    power_glitch_seconds=120.0,
    power_max_w=10_000.0,
    light_step_lx=10.0,
    light_step_ratio=1.0,
    light_dark_lx=30.0,
    light_max_gap_seconds=1800.0,
    light_sun_elevation=0.0,
    light_max_lx=200_000.0,
    stale_after_seconds=6 * 3600.0,
    monitoring_lost_after_seconds=900.0,
    reminder_interval_seconds=1800.0,
)
