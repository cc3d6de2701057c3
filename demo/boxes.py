"""Simulated Care Plug boxes: households that report to a welfare office without a Home
Assistant of their own, for `scripts/develop office` and the office console's test.

A box speaks the wire contract (docs/architecture.md, "The welfare office link") with the
integration's own builders: the status from `office/box_payloads.status_payload`, each
care event as the engine's `CareEvent`, turned into the bus payload and then the wire
payload exactly as a real box does. Its care level follows the silence since the last
activity, against three thresholds; it answers `acknowledge`, `check_in` and `resend`.
Pure Python: the caller brings the clock and the MQTT client.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from custom_components.care_plug.engine.model import (
    CareEvent,
    EventType,
    Level,
    Monitoring,
    Reason,
    ResolvedBy,
)
from custom_components.care_plug.office.box_payloads import event_payload, status_payload
from custom_components.care_plug.office.contract import (
    COMMAND_ACKNOWLEDGE,
    COMMAND_CHECK_IN,
    COMMAND_RESEND,
    DEFAULT_ROOT,
    SCHEMA,
    topic,
)
from custom_components.care_plug.presentation.events import (
    event_payload as bus_payload,
)

# What the box calls its sources: a plug and a motion sensor, both online.
SOURCES: Final = 2
ACTIVITY_ENTITY: Final = "binary_sensor.hallway_motion"


@dataclass(frozen=True)
class Thresholds:
    """Silences after which the level rises to attention, warning and critical."""

    attention: timedelta
    warning: timedelta
    critical: timedelta

    def level(self, silence: timedelta) -> Level:
        if silence >= self.critical:
            return Level.CRITICAL
        if silence >= self.warning:
            return Level.WARNING
        if silence >= self.attention:
            return Level.ATTENTION
        return Level.NORMAL

    def after(self, level: Level) -> timedelta | None:
        """The silence at which the level after `level` comes (None after critical)."""
        return {
            Level.NORMAL: self.attention,
            Level.ATTENTION: self.warning,
            Level.WARNING: self.critical,
        }.get(level)


class SimulatedBox:
    """One household's box: its level, its open alert and its numbered events."""

    def __init__(
        self,
        office_id: str,
        *,
        thresholds: Thresholds,
        last_activity: datetime,
        name: str | None = None,
        root: str = DEFAULT_ROOT,
        language: str = "en",
    ) -> None:
        self.office_id = office_id
        self.name = name  # shared with the office; None keeps it at home
        self.thresholds = thresholds
        self.last_activity = last_activity
        self.root = root
        self.language = language
        self.level = Level.NORMAL
        self.alert_id: str | None = None
        self.acknowledged = False
        self.seq = 0
        self.alerts = 0
        # Every event published, by seq, for `resend`.
        self.sent: dict[int, dict[str, Any]] = {}

    def topic(self, kind: str) -> str:
        return topic(self.root, self.office_id, kind)

    # ------------------------------------------------------------------ what it sends

    def status(self, now: datetime) -> dict[str, Any]:
        """The retained status message as of `now`."""
        after = self.thresholds.after(self.level)
        next_level = None if after is None else Level(self.level + 1)
        fields = {
            "level": self.level.key,
            "reason": Reason.NONE.value if self.level is Level.NORMAL else Reason.INACTIVITY.value,
            "alert_id": self.alert_id,
            "acknowledged": self.acknowledged,
            "monitoring": Monitoring.OK.value,
            "last_activity": self.last_activity.isoformat(),
            "inactive_seconds": int((now - self.last_activity).total_seconds()),
            "next_escalation": None if after is None else (self.last_activity + after).isoformat(),
            "next_level": None if next_level is None else next_level.key,
            "away_until": None,
            "sources_online": SOURCES,
            "sources_total": SOURCES,
            "routine_ready": False,
            "explanation": None,
        }
        return status_payload(
            fields, office_id=self.office_id, name=self.name, seq=self.seq, sent_at=now.isoformat()
        )

    def _event(
        self,
        now: datetime,
        kind: EventType,
        previous: Level,
        *,
        by: str | None = None,
        note: str | None = None,
        resolved_by: ResolvedBy | None = None,
        from_office: bool = False,
    ) -> dict[str, Any]:
        event = CareEvent(
            type=kind,
            time=now,
            level=self.level,
            previous_level=previous,
            reason=Reason.NONE if self.level is Level.NORMAL else Reason.INACTIVITY,
            alert_id=self.alert_id,
            last_activity=self.last_activity,
            last_activity_entity=ACTIVITY_ENTITY,
            inactive_seconds=int((now - self.last_activity).total_seconds()),
            monitoring=Monitoring.OK,
            by=by,
            resolved_by=resolved_by,
        )
        household = self.name or self.office_id
        on_bus = bus_payload(
            event,
            entry_id="",
            device_id=None,
            household=household,
            language=self.language,
            note=note,
        )
        payload = event_payload(
            event,
            on_bus,
            office_id=self.office_id,
            name=self.name,
            language=self.language,
            from_office=from_office,
        )
        self.seq += 1
        payload["seq"] = self.seq
        payload["sent_at"] = now.isoformat()
        self.sent[self.seq] = payload
        return payload

    # ------------------------------------------------------------------ what happens

    def advance(self, now: datetime) -> list[dict[str, Any]]:
        """The alerts the silence raises by `now` (one per level passed)."""
        events = []
        target = self.thresholds.level(now - self.last_activity)
        while self.level < target:
            previous = self.level
            if previous is Level.NORMAL:
                self.alerts += 1
                self.alert_id = f"{now.strftime('%Y%m%dT%H%M%SZ')}-{self.alerts}"
            self.level = Level(previous + 1)
            self.acknowledged = False
            events.append(self._event(now, EventType.ALERT, previous))
        return events

    def activity(self, now: datetime) -> list[dict[str, Any]]:
        """A sign of life: any open alert is resolved."""
        self.last_activity = now
        return self._resolve(now, ResolvedBy.ACTIVITY)

    def _resolve(self, now: datetime, resolved_by: ResolvedBy) -> list[dict[str, Any]]:
        if self.level is Level.NORMAL:
            return []
        previous = self.level
        self.level = Level.NORMAL
        event = self._event(now, EventType.RESOLVED, previous, resolved_by=resolved_by)
        self.alert_id = None
        self.acknowledged = False
        return [event]

    def acknowledge(
        self, now: datetime, by: str | None, note: str | None = None, *, from_office: bool = False
    ) -> list[dict[str, Any]]:
        """Someone is handling the open alert (at home, or the office's command)."""
        if self.alert_id is None or self.acknowledged:
            return []
        self.acknowledged = True
        return [
            self._event(
                now,
                EventType.ACKNOWLEDGED,
                self.level,
                by=by,
                note=note,
                from_office=from_office,
            )
        ]

    def command(
        self, payload: bytes, now: datetime
    ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """The reply to an office command and the events it raised (a command that is not
        even JSON with an id gets no reply: the office could not match it)."""
        try:
            data = json.loads(payload)
        except ValueError:
            return None, []
        if not isinstance(data, Mapping) or not isinstance(data.get("command_id"), str):
            return None, []
        events: list[dict[str, Any]] = []
        error: str | None = None
        by, note = data.get("by"), data.get("note")
        command = data.get("command")
        if data.get("office_id") != self.office_id:
            error = "command_wrong_office"
        elif command == COMMAND_ACKNOWLEDGE:
            events = self.acknowledge(
                now,
                by if isinstance(by, str) else None,
                note if isinstance(note, str) else None,
                from_office=True,
            )
            if not events:
                error = "nothing_to_acknowledge"
        elif command == COMMAND_CHECK_IN:
            self.last_activity = now
            events = self._resolve(now, ResolvedBy.CHECK_IN)
        elif command == COMMAND_RESEND:
            since = data.get("since")
            if isinstance(since, int) and not isinstance(since, bool) and since >= 0:
                events = [
                    {**self.sent[seq], "sent_at": now.isoformat()}
                    for seq in sorted(self.sent)
                    if seq > since
                ]
            else:
                error = "command_since_invalid"
        else:
            error = "command_unknown"
        reply = {
            "schema": SCHEMA,
            "office_id": self.office_id,
            "command_id": data["command_id"],
            "ok": error is None,
            "error": error,
        }
        return reply, events
