"""The box's outbox: numbering, delivery in order, history and resend, storage."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.care_plug.office.box_outbox import Outbox, OutboxError


def event(kind: str = "alert") -> dict[str, Any]:
    return {"type": kind, "level": "warning"}


def seqs(items: Any) -> list[int]:
    return [item["seq"] for item in items]


def test_events_are_numbered_on_from_the_last_seq() -> None:
    outbox = Outbox(41)
    first = outbox.add(event())
    second = outbox.add(event("reminder"))
    assert (first["seq"], second["seq"]) == (42, 43)
    assert first["type"] == "alert"
    assert outbox.last_seq == 43
    assert outbox.delivered_seq == 41  # none confirmed yet


def test_only_the_oldest_unconfirmed_event_is_next_and_can_be_confirmed() -> None:
    outbox = Outbox(0)
    for _ in range(3):
        outbox.add(event())
    head = outbox.head()
    assert head is not None
    assert head["seq"] == 1
    assert outbox.confirm(2) is False  # out of order: refused, nothing moves
    assert seqs(outbox.pending) == [1, 2, 3]
    assert outbox.confirm(1) is True
    assert outbox.delivered_seq == 1
    assert seqs(outbox.pending) == [2, 3]
    assert seqs(outbox.history) == [1]
    assert outbox.confirm(2)
    assert outbox.confirm(3)
    assert outbox.head() is None
    assert outbox.delivered_seq == 3


def test_history_keeps_the_most_recent_events_only() -> None:
    outbox = Outbox(0, history_size=5)
    for _ in range(12):
        outbox.confirm(outbox.add(event())["seq"])
    assert seqs(outbox.history) == [8, 9, 10, 11, 12]


def confirmed(count: int, history_size: int = 500) -> Outbox:
    outbox = Outbox(100, history_size)
    for _ in range(count):
        outbox.confirm(outbox.add(event())["seq"])
    return outbox


def drain_resend(outbox: Outbox) -> list[int]:
    sent: list[int] = []
    while (item := outbox.next_resend()) is not None:
        sent.append(item["seq"])
        outbox.resent(item["seq"])
    return sent


def test_resend_gives_the_confirmed_events_after_since_in_order() -> None:
    outbox = confirmed(6)  # seq 101..106
    assert outbox.request_resend(103) == 3
    assert drain_resend(outbox) == [104, 105, 106]
    assert outbox.next_resend() is None  # done


def test_resend_of_more_than_the_history_holds_gives_what_it_has() -> None:
    outbox = confirmed(8, history_size=4)  # history 105..108
    assert outbox.request_resend(0) == 4
    assert drain_resend(outbox) == [105, 106, 107, 108]


def test_resend_with_nothing_after_since_sends_nothing() -> None:
    outbox = confirmed(3)
    assert outbox.request_resend(103) == 0
    assert outbox.request_resend(9_999) == 0
    assert outbox.next_resend() is None


def test_a_second_resend_request_widens_the_first() -> None:
    outbox = confirmed(6)
    outbox.request_resend(104)
    item = outbox.next_resend()
    assert item is not None
    outbox.resent(item["seq"])  # 105 sent
    outbox.request_resend(101)  # the office asks for more
    assert drain_resend(outbox) == [102, 103, 104, 105, 106]


def test_pending_events_are_not_resent_they_go_out_in_order_anyway() -> None:
    outbox = confirmed(2)  # 101, 102 confirmed
    outbox.add(event())  # 103 pending
    assert outbox.request_resend(100) == 2
    assert drain_resend(outbox) == [101, 102]
    assert seqs(outbox.pending) == [103]


def test_the_outbox_survives_storage_exactly() -> None:
    outbox = confirmed(3)
    outbox.add(event("acknowledged"))
    outbox.add(event("resolved"))
    restored = Outbox.from_dict(outbox.to_dict())
    assert restored.last_seq == 105
    assert list(restored.pending) == list(outbox.pending)
    assert list(restored.history) == list(outbox.history)
    assert restored.add(event())["seq"] == 106  # never a seq twice


def test_a_smaller_history_after_restore_keeps_the_newest() -> None:
    restored = Outbox.from_dict(confirmed(10).to_dict(), history_size=3)
    assert seqs(restored.history) == [108, 109, 110]


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"version": 2, "last_seq": 1, "pending": [], "history": []},
        {"version": 1, "last_seq": -1, "pending": [], "history": []},
        {"version": 1, "last_seq": True, "pending": [], "history": []},
        {"version": 1, "last_seq": 3, "pending": {}, "history": []},
        {"version": 1, "last_seq": 3, "pending": ["x"], "history": []},
        {"version": 1, "last_seq": 3, "pending": [{"seq": "3"}], "history": []},
        # not consecutive, or not ending at last_seq: seq could repeat or skip
        {"version": 1, "last_seq": 3, "pending": [{"seq": 1}, {"seq": 3}], "history": []},
        {"version": 1, "last_seq": 3, "pending": [{"seq": 2}], "history": [{"seq": 2}]},
        {"version": 1, "last_seq": 5, "pending": [{"seq": 3}], "history": []},
    ],
)
def test_stored_data_that_cannot_be_trusted_is_refused(data: Any) -> None:
    with pytest.raises(OutboxError):
        Outbox.from_dict(data)


def test_a_negative_start_is_refused() -> None:
    with pytest.raises(OutboxError):
        Outbox(-1)
