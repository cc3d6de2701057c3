"""The bus payload and the event entity's type for each engine care event (no Home Assistant)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from custom_components.care_plug.const import ALERT_EVENT_TYPES
from custom_components.care_plug.engine.model import (
    CareEvent,
    EventType,
    Level,
    Monitoring,
    Reason,
    ResolvedBy,
)
from custom_components.care_plug.presentation.events import alert_entity_type, event_payload

ENTRY_ID = "01JQ4Z8V6W2X3Y4Z5A6B7C8D9E"
DEVICE_ID = "3f2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d"

ALERT = CareEvent(
    type=EventType.ALERT,
    time=datetime(2026, 3, 2, 21, 0, tzinfo=UTC),
    level=Level.WARNING,
    previous_level=Level.ATTENTION,
    reason=Reason.INACTIVITY,
    alert_id="20260302T190000Z-4",
    last_activity=datetime(2026, 3, 2, 7, 12, 30, tzinfo=UTC),
    last_activity_entity="sensor.kettle_power",
    inactive_seconds=13 * 3600 + 47 * 60 + 30,
    monitoring=Monitoring.OK,
)
COMMON = {
    "entry_id": ENTRY_ID,
    "device_id": DEVICE_ID,
    "household": "Mum",
    "alert_id": "20260302T190000Z-4",
    "last_activity": "2026-03-02T07:12:30+00:00",
    "last_activity_entity": "sensor.kettle_power",
    "inactive_seconds": 49650,
}


def payload(event: CareEvent, language: str = "en", note: str | None = None) -> dict[str, Any]:
    return event_payload(
        event,
        entry_id=ENTRY_ID,
        device_id=DEVICE_ID,
        household="Mum",
        language=language,
        note=note,
    )


# ---------------------------------------------------------------- event_payload


def test_alert_payload() -> None:
    assert payload(ALERT, note="ignored: only an acknowledgement has a note") == {
        **COMMON,
        "type": "alert",
        "level": "warning",
        "previous_level": "attention",
        "reason": "inactivity",
        "monitoring": "ok",
        "message": "Mum: no sign of activity for 13 h 47 min; care level is now warning.",
    }


def test_reminder_payload() -> None:
    reminder = replace(ALERT, type=EventType.REMINDER, previous_level=Level.WARNING)
    assert payload(reminder) == {
        **COMMON,
        "type": "reminder",
        "level": "warning",
        "previous_level": "warning",
        "reason": "inactivity",
        "monitoring": "ok",
        "message": (
            "Reminder: Mum is still at care level warning and nobody has acknowledged it;"
            " no sign of activity for 13 h 47 min."
        ),
    }


def test_acknowledged_payload_has_by_and_note() -> None:
    acknowledged = replace(
        ALERT, type=EventType.ACKNOWLEDGED, previous_level=Level.WARNING, by="Kim Jiwoo"
    )
    assert payload(acknowledged, note="Called; the phone was off.") == {
        **COMMON,
        "type": "acknowledged",
        "level": "warning",
        "previous_level": "warning",
        "reason": "inactivity",
        "monitoring": "ok",
        "message": (
            "Mum: the alert at care level warning was acknowledged by Kim Jiwoo;"
            " no sign of activity for 13 h 47 min."
        ),
        "by": "Kim Jiwoo",
        "note": "Called; the phone was off.",
    }


def test_acknowledged_payload_without_user_or_note() -> None:
    acknowledged = replace(ALERT, type=EventType.ACKNOWLEDGED, previous_level=Level.WARNING)
    result = payload(acknowledged)
    assert (result["by"], result["note"]) == (None, None)
    assert result["message"] == (
        "Mum: the alert at care level warning was acknowledged;"
        " no sign of activity for 13 h 47 min."
    )


@pytest.mark.parametrize(
    ("resolved_by", "expected", "cause"),
    [
        (ResolvedBy.ACTIVITY, "activity", "activity seen again; "),
        (ResolvedBy.CHECK_IN, "check_in", "check-in received; "),
        (
            ResolvedBy.MONITORING_RESTORED,
            "monitoring_restored",
            "activity sources are back online; ",
        ),
        (None, None, ""),
    ],
)
def test_resolved_payload_says_what_resolved_it(
    resolved_by: ResolvedBy | None, expected: str | None, cause: str
) -> None:
    resolved = replace(
        ALERT,
        type=EventType.RESOLVED,
        level=Level.NORMAL,
        previous_level=Level.CRITICAL,
        inactive_seconds=0,
        resolved_by=resolved_by,
    )
    assert payload(resolved) == {
        **COMMON,
        "type": "resolved",
        "level": "normal",
        "previous_level": "critical",
        "reason": "inactivity",
        "inactive_seconds": 0,
        "monitoring": "ok",
        "message": f"Mum: {cause}care level is back from critical to normal.",
        "resolved_by": expected,
    }


def test_monitoring_payload_has_previous_monitoring() -> None:
    lost = replace(
        ALERT,
        type=EventType.MONITORING,
        level=Level.NORMAL,
        previous_level=Level.NORMAL,
        reason=Reason.NONE,
        alert_id=None,
        last_activity=None,
        last_activity_entity=None,
        inactive_seconds=600,
        monitoring=Monitoring.LOST,
        previous_monitoring=Monitoring.DEGRADED,
    )
    assert payload(lost) == {
        "entry_id": ENTRY_ID,
        "device_id": DEVICE_ID,
        "household": "Mum",
        "type": "monitoring",
        "level": "normal",
        "previous_level": "normal",
        "reason": "none",
        "alert_id": None,
        "last_activity": None,
        "last_activity_entity": None,
        "inactive_seconds": 600,
        "monitoring": "lost",
        "message": "Mum: every activity source is offline, so the home cannot be seen.",
        "previous_monitoring": "degraded",
    }
    assert payload(replace(lost, previous_monitoring=None))["previous_monitoring"] is None


def test_downtime_is_added_only_when_care_plug_was_not_running() -> None:
    assert "downtime_seconds" not in payload(ALERT)
    woke = replace(ALERT, downtime_seconds=5 * 3600 + 180)
    result = payload(woke)
    assert result["downtime_seconds"] == 18180
    assert result["message"] == (
        "Mum: no sign of activity for 13 h 47 min; care level is now warning."
        " Care Plug was not running for the last 5 h 3 min."
    )


def test_payload_without_device() -> None:
    result = event_payload(ALERT, entry_id=ENTRY_ID, device_id=None, household="Dad", language="en")
    assert (result["device_id"], result["household"]) == (None, "Dad")
    assert (
        result["message"] == "Dad: no sign of activity for 13 h 47 min; care level is now warning."
    )


@pytest.mark.parametrize("language", ["ko", "ko-KR", "ko_KR"])
def test_payload_message_in_korean(language: str) -> None:
    assert payload(ALERT, language)["message"] == (
        "Mum: 13시간 47분 동안 활동이 없어 돌봄 단계가 '주의'가 되었습니다."
    )


@pytest.mark.parametrize("language", ["fr", "en-GB", "kok"])
def test_payload_message_falls_back_to_english(language: str) -> None:
    assert payload(ALERT, language)["message"] == payload(ALERT, "en")["message"]


def test_every_payload_has_the_contract_keys() -> None:
    contract = {
        "entry_id",
        "device_id",
        "household",
        "type",
        "level",
        "previous_level",
        "reason",
        "alert_id",
        "last_activity",
        "last_activity_entity",
        "inactive_seconds",
        "monitoring",
        "message",
    }
    extra = {
        EventType.ALERT: set(),
        EventType.REMINDER: set(),
        EventType.ACKNOWLEDGED: {"by", "note"},
        EventType.RESOLVED: {"resolved_by"},
        EventType.MONITORING: {"previous_monitoring"},
    }
    for kind, added in extra.items():
        assert set(payload(replace(ALERT, type=kind))) == contract | added, kind


# ---------------------------------------------------------------- alert_entity_type


def monitoring(previous: Monitoring | None, current: Monitoring) -> CareEvent:
    return replace(
        ALERT,
        type=EventType.MONITORING,
        previous_level=ALERT.level,
        monitoring=current,
        previous_monitoring=previous,
    )


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (replace(ALERT, level=Level.ATTENTION, previous_level=Level.NORMAL), "attention"),
        (ALERT, "warning"),
        (replace(ALERT, level=Level.CRITICAL, previous_level=Level.WARNING), "critical"),
        (replace(ALERT, type=EventType.REMINDER), None),
        (replace(ALERT, type=EventType.ACKNOWLEDGED, by="Kim Jiwoo"), "acknowledged"),
        (
            replace(
                ALERT,
                type=EventType.RESOLVED,
                level=Level.NORMAL,
                resolved_by=ResolvedBy.ACTIVITY,
            ),
            "resolved",
        ),
        (monitoring(Monitoring.OK, Monitoring.LOST), "monitoring_lost"),
        (monitoring(Monitoring.DEGRADED, Monitoring.LOST), "monitoring_lost"),
        (monitoring(Monitoring.AWAY, Monitoring.LOST), "monitoring_lost"),
        (monitoring(Monitoring.LOST, Monitoring.OK), "monitoring_restored"),
        (monitoring(Monitoring.LOST, Monitoring.DEGRADED), "monitoring_restored"),
        (monitoring(Monitoring.OK, Monitoring.DEGRADED), None),
        (monitoring(Monitoring.DEGRADED, Monitoring.OK), None),
        (monitoring(Monitoring.OK, Monitoring.AWAY), None),
        (monitoring(Monitoring.AWAY, Monitoring.OK), None),
        (monitoring(Monitoring.AWAY, Monitoring.DEGRADED), None),
        (monitoring(Monitoring.LOST, Monitoring.AWAY), None),
        (monitoring(None, Monitoring.OK), None),
    ],
    ids=[
        "alert_attention",
        "alert_warning",
        "alert_critical",
        "reminder",
        "acknowledged",
        "resolved",
        "ok_to_lost",
        "degraded_to_lost",
        "away_to_lost",
        "lost_to_ok",
        "lost_to_degraded",
        "ok_to_degraded",
        "degraded_to_ok",
        "ok_to_away",
        "away_to_ok",
        "away_to_degraded",
        "lost_to_away",
        "unknown_to_ok",
    ],
)
def test_alert_entity_type(event: CareEvent, expected: str | None) -> None:
    assert alert_entity_type(event) == expected
    assert expected is None or expected in ALERT_EVENT_TYPES
