"""The office's rules without Home Assistant: order, gaps, silence, removal, memory, cost.

Plain pytest (no `hass`): messages go in as bytes on a topic, with the time passed in.
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.care_plug.office.hub_state import (
    GAP_TIMEOUT,
    JUDGE_GRACE,
    Deadlines,
    Fire,
    Lost,
    OfficeState,
    OfflineChanged,
    Resend,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TOLERANCE = timedelta(minutes=15)


def status(office_id: str, *, at: datetime = T0, seq: int = 0, **fields: Any) -> bytes:
    payload = {
        "schema": 1,
        "office_id": office_id,
        "name": None,
        "level": "normal",
        "reason": "none",
        "alert_id": None,
        "acknowledged": False,
        "monitoring": "ok",
        "last_activity": (at - timedelta(minutes=20)).isoformat(),
        "inactive_seconds": 1200,
        "next_escalation": None,
        "next_level": None,
        "away_until": None,
        "sources_online": 3,
        "sources_total": 3,
        "routine_ready": False,
        "explanation": None,
        "seq": seq,
        "sent_at": at.isoformat(),
        **fields,
    }
    return json.dumps(payload).encode()


def event(office_id: str, seq: int, *, at: datetime = T0) -> bytes:
    payload = {
        "schema": 1,
        "office_id": office_id,
        "type": "alert",
        "level": "attention",
        "previous_level": "normal",
        "reason": "inactivity",
        "alert_id": "a-1",
        "last_activity": None,
        "last_activity_entity": None,
        "inactive_seconds": 43200,
        "monitoring": "ok",
        "message": "x",
        "seq": seq,
        "occurred_at": at.isoformat(),
        "sent_at": at.isoformat(),
    }
    return json.dumps(payload).encode()


def office(now: datetime = T0) -> OfficeState:
    return OfficeState("care_plug", TOLERANCE, now)


def fired_seqs(outputs: list[Any]) -> list[int]:
    return [int(o.payload["seq"]) for o in outputs if isinstance(o, Fire)]


@settings(max_examples=200, deadline=None)
@given(
    st.permutations(list(range(1, 13))),
    st.lists(st.integers(min_value=1, max_value=12), max_size=8),
)
def test_events_in_any_order_take_effect_once_each_and_in_order(
    order: list[int], repeats: list[int]
) -> None:
    """Whatever the broker does (reorders, repeats), each event fires once, in seq order,
    as soon as everything before it is there; resends are asked for, never more than one
    outstanding."""
    state = office()
    state.receive("care_plug/GN-1/status", status("GN-1", seq=0), T0)
    outputs: list[Any] = []
    for seq in [*order, *repeats]:
        outputs += state.receive("care_plug/GN-1/event", event("GN-1", seq), T0)
    assert fired_seqs(outputs) == list(range(1, 13))
    resends = [o for o in outputs if isinstance(o, Resend)]
    assert len(resends) <= len(order)
    assert all(r.since < 12 for r in resends)
    assert state.households["GN-1"].held == {}


def test_a_box_that_jumps_far_ahead_is_given_up_on_without_visiting_every_seq() -> None:
    """A reinstalled box numbers from a much higher seq; the office must not loop over it."""
    state = office()
    state.receive("care_plug/GN-1/status", status("GN-1", seq=10), T0)
    out = state.receive("care_plug/GN-1/event", event("GN-1", 10**12), T0)
    assert [o for o in out if isinstance(o, Resend)] == [Resend("GN-1", 10)]
    started = time.perf_counter()
    out = state.on_deadline(T0 + GAP_TIMEOUT)
    assert time.perf_counter() - started < 0.1
    assert fired_seqs(out) == [10**12]
    assert [o for o in out if isinstance(o, Lost)] == [Lost("GN-1", 10, 10**12, 10**12 - 11)]


def test_the_deadline_queue_orders_entries_given_in_any_order() -> None:
    deadlines = Deadlines()
    moments = [T0 + timedelta(seconds=s) for s in (5, 7, 7, 9, 3, 8, 1)]
    for index, moment in enumerate(moments):
        deadlines.push(moment, str(index))
    assert deadlines.next() == T0 + timedelta(seconds=1)
    assert sorted(deadlines.pop_due(T0 + timedelta(seconds=6))) == ["0", "4", "6"]
    assert deadlines.next() == T0 + timedelta(seconds=7)
    assert sorted(deadlines.pop_due(T0 + timedelta(seconds=10))) == ["1", "2", "3", "5"]
    assert deadlines.next() is None


def test_one_timer_serves_every_household() -> None:
    """A thousand quiet households: the next deadline is the earliest one, no polling."""
    state = office()
    for number in range(1000):
        at = T0 + timedelta(seconds=number)
        state.receive(f"care_plug/GN-{number}/status", status(f"GN-{number}", at=at), at)
    assert state.next_deadline() == T0 + TOLERANCE
    out = state.on_deadline(T0 + TOLERANCE + timedelta(seconds=9))
    offline = [o.office_id for o in out if isinstance(o, OfflineChanged) and o.offline]
    assert offline == [f"GN-{n}" for n in range(10)]
    assert state.next_deadline() == T0 + TOLERANCE + timedelta(seconds=10)


def test_nobody_is_judged_stale_before_the_retained_statuses_arrived() -> None:
    state = office()
    state.restore(
        {
            "households": {
                "GN-1": {"seq": 4, "alive": (T0 - timedelta(hours=1)).isoformat()},
                "GN-2": {"seq": 9, "alive": (T0 - timedelta(hours=1)).isoformat()},
            }
        }
    )
    assert state.next_deadline() == T0 + JUDGE_GRACE
    # GN-1's box is alive: its retained status was sent a minute ago.
    sent = T0 - timedelta(minutes=1)
    state.receive("care_plug/GN-1/status", status("GN-1", at=sent, seq=4), T0, retained=True)
    out = state.on_deadline(T0 + JUDGE_GRACE)
    assert [(o.office_id, o.offline) for o in out if isinstance(o, OfflineChanged)] == [
        ("GN-2", True)
    ]


def test_what_is_saved_comes_back() -> None:
    state = office()
    state.receive("care_plug/GN-1/status", status("GN-1", seq=3, level="warning"), T0)
    state.receive("care_plug/GN-1/event", event("GN-1", 4), T0)
    state.receive("care_plug/GN-2/status", status("GN-2", seq=1), T0)
    state.remove("GN-2", T0 + timedelta(minutes=1))
    saved = json.loads(json.dumps(state.to_dict()))

    restored = office(T0 + timedelta(hours=1))
    restored.restore(saved)
    assert restored.to_dict() == saved
    assert restored.households["GN-1"].applied == 4
    assert "GN-2" not in restored.households
    # GN-2's last (retained) status does not bring it back; a newer one does.
    assert restored.receive("care_plug/GN-2/status", status("GN-2", seq=1), T0) == []
    later = T0 + timedelta(minutes=5)
    assert restored.receive("care_plug/GN-2/status", status("GN-2", at=later, seq=1), later)


def test_memory_per_household_is_small() -> None:
    """What the office keeps per household, with a full status (target: far below 30 KB)."""
    state = office()
    explanation = "usually 6 activities between 07:00 and 10:00; none today since 22:41"
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for number in range(1000):
        office_id = f"GN-{number:04d}"
        payload = status(office_id, seq=10**9 + number, explanation=explanation, name=None)
        state.receive(f"care_plug/{office_id}/status", payload, T0)
        state.receive(f"care_plug/{office_id}/event", event(office_id, 10**9 + number + 1), T0)
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    used = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    per_household = used / 1000
    assert per_household < 6 * 1024, per_household
    assert sys.getsizeof(state.households) < 100 * 1024


def test_a_status_costs_the_same_with_ten_or_ten_thousand_households() -> None:
    def cost(households: int) -> float:
        state = office()
        for number in range(households):
            state.receive(f"care_plug/GN-{number}/status", status(f"GN-{number}"), T0)
        payloads = [status("GN-1", at=T0 + timedelta(seconds=s)) for s in range(2000)]
        started = time.perf_counter()
        for second, payload in enumerate(payloads):
            state.receive("care_plug/GN-1/status", payload, T0 + timedelta(seconds=second))
        return time.perf_counter() - started

    small, large = min(cost(10) for _ in range(3)), min(cost(10_000) for _ in range(3))
    assert large < small * 2.5, (small, large)
