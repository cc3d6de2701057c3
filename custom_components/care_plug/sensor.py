"""Sensors: care level, last activity, next escalation, monitoring, activity today, and the
diagnostics: sources online and days of routine learned."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import CarePlugConfigEntry
from .engine.model import HouseholdStatus, Level, Monitoring
from .engine.routine import READY_DAYS
from .entity import CarePlugStatusEntity
from .office.hub_const import is_office
from .office.hub_entities import async_setup_office_sensors
from .presentation.messages import explain

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class CarePlugSensorDescription(SensorEntityDescription):
    """A sensor and how it reads the household's status."""

    value: Callable[[HouseholdStatus], str | int | float | datetime | None]
    # The status, and Home Assistant's language for what is shown in words.
    attributes: Callable[[HouseholdStatus, str], Mapping[str, Any]] | None = None
    # The status fields the sensor shows, state and attributes (default: the value).
    watched: Callable[[HouseholdStatus], object] | None = None


SENSORS: tuple[CarePlugSensorDescription, ...] = (
    CarePlugSensorDescription(
        key="care_level",
        translation_key="care_level",
        device_class=SensorDeviceClass.ENUM,
        options=[level.key for level in Level],
        value=lambda s: s.level.key,
        watched=lambda s: (s.level, s.reason, s.alert_id, s.acknowledged, s.explanation),
        attributes=lambda s, language: {
            "reason": s.reason.value,
            "alert_id": s.alert_id,
            "acknowledged": s.acknowledged,
            "explanation": None if s.explanation is None else explain(s.explanation, language),
        },
    ),
    CarePlugSensorDescription(
        key="last_activity",
        translation_key="last_activity",
        device_class=SensorDeviceClass.TIMESTAMP,
        value=lambda s: s.last_activity,
        watched=lambda s: (s.last_activity, s.last_activity_entity),
        attributes=lambda s, _language: {"entity_id": s.last_activity_entity},
    ),
    CarePlugSensorDescription(
        key="next_escalation",
        translation_key="next_escalation",
        device_class=SensorDeviceClass.TIMESTAMP,
        value=lambda s: s.next_escalation,
        watched=lambda s: (s.next_escalation, s.next_level),
        attributes=lambda s, _language: {
            "level": None if s.next_level is None else s.next_level.key
        },
    ),
    CarePlugSensorDescription(
        key="monitoring",
        translation_key="monitoring",
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in Monitoring],
        value=lambda s: s.monitoring.value,
        watched=lambda s: (s.monitoring, s.away_until),
        attributes=lambda s, _language: {"away_until": s.away_until},
    ),
    CarePlugSensorDescription(
        key="activity_today",
        translation_key="activity_today",
        state_class=SensorStateClass.TOTAL_INCREASING,
        value=lambda s: s.activity_today,
    ),
    CarePlugSensorDescription(
        key="sources_online",
        translation_key="sources_online",
        entity_category=EntityCategory.DIAGNOSTIC,
        value=lambda s: s.sources_online,
        watched=lambda s: (s.sources_online, s.sources_total, s.source_health),
        attributes=lambda s, _language: {
            "sources_total": s.sources_total,
            "sources": dict(s.source_health),
        },
    ),
    CarePlugSensorDescription(
        key="routine_days",
        translation_key="routine_days",
        entity_category=EntityCategory.DIAGNOSTIC,
        native_unit_of_measurement=UnitOfTime.DAYS,
        suggested_display_precision=1,
        value=lambda s: s.routine_days,
        watched=lambda s: (s.routine_days, s.routine_ready),
        attributes=lambda s, _language: {"ready": s.routine_ready, "days_needed": READY_DAYS},
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CarePlugConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One of each sensor per household."""
    if is_office(entry):
        await async_setup_office_sensors(hass, entry, async_add_entities)
        return
    async_add_entities(CarePlugSensor(entry, description) for description in SENSORS)


class CarePlugSensor(CarePlugStatusEntity, SensorEntity):
    """A sensor showing one part of the household's status."""

    entity_description: CarePlugSensorDescription

    def watched(self, status: HouseholdStatus) -> object:
        description = self.entity_description
        return (description.watched or description.value)(status)

    @property
    def native_value(self) -> str | int | float | datetime | None:
        return self.entity_description.value(self.status)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        attributes = self.entity_description.attributes
        return None if attributes is None else attributes(self.status, self.hass.config.language)
