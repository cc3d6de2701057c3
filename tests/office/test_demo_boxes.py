"""The simulated boxes of `scripts/develop office` and the console test (demo/boxes.py) speak
the contract: the office accepts everything they send and follows them level by level."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from custom_components.care_plug.office.hub_state import OfficeState, Remote
from demo.boxes import SimulatedBox, Thresholds

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
THRESHOLDS = Thresholds(
    attention=timedelta(minutes=2), warning=timedelta(minutes=4), critical=timedelta(minutes=6)
)
GN = "GN-0142"


class Office:
    """The office's own rules, fed what the box publishes."""

    def __init__(self) -> None:
        self.state = OfficeState("care_plug", timedelta(minutes=15), T0)

    def receive(self, box: SimulatedBox, kind: str, payload: dict[str, Any], at: datetime) -> None:
        out = self.state.receive(box.topic(kind), json.dumps(payload).encode(), at)
        assert not [o for o in out if type(o).__name__ in ("Dropped", "Resend", "Lost")], out

    @property
    def remote(self) -> Remote:
        return self.state.households[GN]


def command(name: str, **fields: Any) -> bytes:
    payload = {"schema": 1, "office_id": GN, "command_id": f"c-{name}", "command": name, **fields}
    return json.dumps(payload).encode()


def test_a_silent_home_rises_level_by_level_and_the_office_follows() -> None:
    box = SimulatedBox(GN, thresholds=THRESHOLDS, last_activity=T0, name=None)
    office = Office()
    office.receive(box, "status", box.status(T0), T0)
    assert office.remote.care_level == "normal"

    levels = []
    for minute in range(1, 8):
        now = T0 + timedelta(minutes=minute)
        for event in box.advance(now):
            office.receive(box, "event", event, now)
            levels.append((event["seq"], event["level"], event["alert_id"]))
        office.receive(box, "status", box.status(now), now)

    alert_id = levels[0][2]
    assert levels == [
        (1, "attention", alert_id),
        (2, "warning", alert_id),
        (3, "critical", alert_id),
    ]
    assert office.remote.care_level == "critical"
    assert office.remote.status is not None
    assert office.remote.status.name is None  # the name stays home unless shared

    now = T0 + timedelta(minutes=8)
    (resolved,) = box.activity(now)
    office.receive(box, "event", resolved, now)
    assert (resolved["type"], resolved["resolved_by"]) == ("resolved", "activity")
    assert office.remote.care_level == "normal"


def test_the_box_answers_the_office_commands() -> None:
    box = SimulatedBox(GN, thresholds=THRESHOLDS, last_activity=T0, name="Mrs Han")
    office = Office()
    box.advance(T0 + timedelta(minutes=5))
    at = T0 + timedelta(minutes=5)
    office.receive(box, "status", box.status(at), at)

    now = at + timedelta(seconds=10)
    reply, events = box.command(command("acknowledge", by="Officer Lee"), now)
    assert reply == {
        "schema": 1,
        "office_id": GN,
        "command_id": "c-acknowledge",
        "ok": True,
        "error": None,
    }
    (acknowledged,) = events
    office.receive(box, "event", acknowledged, now)
    assert office.remote.acknowledged_by == "Officer Lee"

    reply, events = box.command(command("acknowledge", by="Officer Lee"), now)
    assert reply is not None
    assert (reply["ok"], reply["error"], events) == (False, "nothing_to_acknowledge", [])
    reply, events = box.command(command("check_in", office_id="GN-0143"), now)
    assert reply is not None
    assert (reply["ok"], reply["error"], events) == (False, "command_wrong_office", [])

    reply, events = box.command(command("resend", since=1), now)
    assert reply is not None
    assert reply["ok"]
    assert [e["seq"] for e in events] == [2, 3]

    later = now + timedelta(seconds=10)
    reply, (resolved,) = box.command(command("check_in"), later)
    assert reply is not None
    assert reply["ok"]
    office.receive(box, "event", resolved, later)
    assert resolved["resolved_by"] == "check_in"
    assert office.remote.care_level == "normal"
    assert box.command(b"not json", later) == (None, [])
