"""A first end-to-end pass through the engine: escalate, acknowledge, resolve."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from custom_components.care_plug.engine import (
    Activity,
    CareEvent,
    EventType,
    Household,
    HouseholdSettings,
    Level,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_escalates_at_each_threshold_and_resolves_on_activity() -> None:
    settings = HouseholdSettings.from_options(
        {
            "power_sources": ["sensor.tv"],
            "attention_after": {"minutes": 10},
            "warning_after": {"minutes": 20},
            "critical_after": {"minutes": 30},
        }
    )
    house = Household(settings, T0)
    house.observe("sensor.tv", "0.5", T0)
    assert house.observe("sensor.tv", "80", T0 + timedelta(minutes=1)) == [
        Activity(T0 + timedelta(minutes=1), "sensor.tv")
    ]
    events = [e for e in house.advance(T0 + timedelta(hours=1)) if isinstance(e, CareEvent)]
    alerts = [(e.time - T0, e.level) for e in events if e.type is EventType.ALERT]
    assert alerts == [
        (timedelta(minutes=11), Level.ATTENTION),
        (timedelta(minutes=21), Level.WARNING),
        (timedelta(minutes=31), Level.CRITICAL),
    ]
    out = house.observe("sensor.tv", "150", T0 + timedelta(hours=1, minutes=1))
    resolved = [e for e in out if isinstance(e, CareEvent) and e.type is EventType.RESOLVED]
    assert len(resolved) == 1
    assert resolved[0].previous_level is Level.CRITICAL
    assert house.level is Level.NORMAL
