"""The `care_alert` event entity: the household's care story for the logbook and automations."""

from __future__ import annotations

from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import ALERT_EVENT_TYPES
from .coordinator import CarePlugConfigEntry
from .engine.model import CareEvent
from .entity import CarePlugEntity
from .presentation.events import alert_entity_type

PARALLEL_UPDATES = 0

CARE_ALERT = EventEntityDescription(
    key="care_alert", translation_key="care_alert", event_types=list(ALERT_EVENT_TYPES)
)
# The event entity's attributes repeat the bus payload, minus what identifies the entry.
_SKIPPED = frozenset({"entry_id", "device_id", "type"})


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CarePlugConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One event entity per household."""
    async_add_entities([CareAlertEvent(entry, CARE_ALERT)])


class CareAlertEvent(CarePlugEntity, EventEntity):
    """Fires `attention`, `warning`, `critical`, `resolved`, ... as the household's story."""

    async def async_added_to_hass(self) -> None:
        # An event entity's state is its last event: it listens to events, not the status.
        await super().async_added_to_hass()
        self.async_on_remove(self.coordinator.async_add_event_listener(self._on_care_event))

    @callback
    def _on_care_event(self, event: CareEvent, payload: dict[str, Any]) -> None:
        event_type = alert_entity_type(event)
        if event_type is None:
            return
        self._trigger_event(event_type, {k: v for k, v in payload.items() if k not in _SKIPPED})
        self.async_write_ha_state()
