"""What the box publishes for the welfare office: the status and the care events
(docs/architecture.md, "The welfare office link").

Pure functions. Privacy: unless the household shares its name, no payload carries it, and
the event's sentence names the household by its `office_id`; the name of whoever
acknowledged at home (and their note) stays home too. What the office itself sent (an
officer's `by` and `note`) goes back to it unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ..engine.model import CareEvent, EventType
from ..presentation.messages import care_message
from .contract import EVENT_REMOVED_KEYS, SCHEMA, STATUS_KEYS


def status_payload(
    status: Mapping[str, Any], *, office_id: str, name: str | None, seq: int, sent_at: str
) -> dict[str, Any]:
    """The status message: exactly the contract's keys, in its order.

    `status` is the household's `get_status` dict; `seq` is the last event the office can
    have received, so it can ask for any it missed.
    """
    values = {
        **status,
        "schema": SCHEMA,
        "office_id": office_id,
        "name": name,
        "seq": seq,
        "sent_at": sent_at,
    }
    return {key: values.get(key) for key in STATUS_KEYS}


def event_payload(
    event: CareEvent,
    bus_payload: Mapping[str, Any],
    *,
    office_id: str,
    name: str | None,
    language: str,
    from_office: bool,
) -> dict[str, Any]:
    """The event message, without `seq` and `sent_at` (added when it is numbered and sent).

    `bus_payload` is the event's `care_plug_event` payload; `name` is the household's name
    when it is shared, else None; `from_office` says the event answers a command of the
    office (its `by` and `note` came from there).
    """
    payload: dict[str, Any] = {"schema": SCHEMA, "office_id": office_id}
    if name is not None:
        payload["name"] = name
    payload.update(
        (key, value) for key, value in bus_payload.items() if key not in EVENT_REMOVED_KEYS
    )
    shown = event
    if event.type is EventType.ACKNOWLEDGED and name is None and not from_office:
        shown = replace(event, by=None)
        payload["by"] = None
        payload["note"] = None
    payload["message"] = care_message(shown, office_id if name is None else name, language)
    payload["occurred_at"] = event.time.isoformat()
    return payload
