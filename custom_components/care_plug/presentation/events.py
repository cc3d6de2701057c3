"""Engine care events as Home Assistant sees them: the bus payload and the event entity's type.

Pure functions, so the contract (docs/architecture.md, "Events") is checked in one place.
"""

from __future__ import annotations

from typing import Any

from ..engine.model import CareEvent, EventType, Monitoring
from .messages import care_message


def event_payload(
    event: CareEvent,
    *,
    entry_id: str,
    device_id: str | None,
    household: str,
    language: str,
    note: str | None = None,
) -> dict[str, Any]:
    """The `care_plug_event` payload for `event` (contract: keys and their meaning)."""
    payload: dict[str, Any] = {
        "entry_id": entry_id,
        "device_id": device_id,
        "household": household,
        "type": event.type.value,
        "level": event.level.key,
        "previous_level": event.previous_level.key,
        "reason": event.reason.value,
        "alert_id": event.alert_id,
        "last_activity": None if event.last_activity is None else event.last_activity.isoformat(),
        "last_activity_entity": event.last_activity_entity,
        "inactive_seconds": event.inactive_seconds,
        "monitoring": event.monitoring.value,
        "message": care_message(event, household, language),
    }
    if event.type is EventType.ACKNOWLEDGED:
        payload["by"] = event.by
        payload["note"] = note
    elif event.type is EventType.RESOLVED:
        payload["resolved_by"] = None if event.resolved_by is None else event.resolved_by.value
    elif event.type is EventType.MONITORING:
        previous = event.previous_monitoring
        payload["previous_monitoring"] = None if previous is None else previous.value
    if event.downtime_seconds is not None:
        payload["downtime_seconds"] = event.downtime_seconds
    return payload


def alert_entity_type(event: CareEvent) -> str | None:
    """The `care_alert` event entity's type for `event`, or None when it has none.

    Reminders repeat an alert the entity already shows; a switch between `ok` and
    `degraded` or into `away` is on the monitoring sensor, not an alert.
    """
    match event.type:
        case EventType.ALERT:
            return event.level.key
        case EventType.ACKNOWLEDGED:
            return "acknowledged"
        case EventType.RESOLVED:
            return "resolved"
        case EventType.MONITORING:
            if event.monitoring is Monitoring.LOST:
                return "monitoring_lost"
            if event.previous_monitoring is Monitoring.LOST and event.monitoring in (
                Monitoring.OK,
                Monitoring.DEGRADED,
            ):
                return "monitoring_restored"
            return None
        case _:  # EventType.REMINDER: it repeats what the entity already shows
            return None
