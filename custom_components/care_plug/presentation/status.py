"""A household's status as one JSON-able dict: for `get_status`, diagnostics and the office.

The keys are a contract (docs/architecture.md, "Actions": `get_status`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..engine.model import HouseholdStatus
from .messages import explain


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def status_dict(status: HouseholdStatus, now: datetime, language: str) -> dict[str, Any]:
    """`status` as plain JSON values, with the silence measured at `now` and the routine's
    explanation as a sentence in `language`."""
    return {
        "level": status.level.key,
        "reason": status.reason.value,
        "alert_id": status.alert_id,
        "acknowledged": status.acknowledged,
        "monitoring": status.monitoring.value,
        "last_activity": _iso(status.last_activity),
        "last_activity_entity": status.last_activity_entity,
        "inactive_seconds": status.inactive_seconds(now),
        "next_escalation": _iso(status.next_escalation),
        "next_level": None if status.next_level is None else status.next_level.key,
        "away_until": _iso(status.away_until),
        "activity_today": status.activity_today,
        "sources_online": status.sources_online,
        "sources_total": status.sources_total,
        "sources": dict(status.source_health),
        "routine_days": status.routine_days,
        "routine_ready": status.routine_ready,
        "explanation": None
        if status.explanation is None
        else explain(status.explanation, language),
    }
