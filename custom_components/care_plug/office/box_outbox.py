"""The box's outbox of care events for the welfare office: numbering, delivery order, history.

Pure Python (no Home Assistant): the glue (`box.py`) stores `to_dict()` in the household's
office Store before it publishes, and feeds back what the broker confirmed.

- Every event gets the next `seq` (+1 per event, never reused: the counter is stored with
  the events).
- Events wait in `pending` until the broker confirms them, in order: the head is always
  the next one to publish, so the office never sees a later event before an earlier one
  that is still unconfirmed.
- Confirmed events move to a bounded `history`, from which `resend` re-publishes what an
  office missed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any, Final

# Enough for an office that was down for days: a household raises a few events a day,
# and a reminder every 30 minutes at most while an alert is open.
HISTORY_SIZE: Final = 500
# The stored form of the outbox (`to_dict`).
DATA_VERSION: Final = 1


class OutboxError(ValueError):
    """Stored outbox data that cannot be used; the text says why (for the log)."""


def _seq_of(item: Mapping[str, Any]) -> int:
    seq = item.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise OutboxError(f"event without a valid seq: {seq!r}")
    return seq


class Outbox:
    """Events for the office: numbered, kept until confirmed, remembered for `resend`."""

    def __init__(self, last_seq: int, history_size: int = HISTORY_SIZE) -> None:
        """An empty outbox whose next event is `last_seq + 1`."""
        if last_seq < 0:
            raise OutboxError("last_seq must not be negative")
        self.last_seq = last_seq
        self.pending: deque[dict[str, Any]] = deque()
        self.history: deque[dict[str, Any]] = deque(maxlen=history_size)
        # Resend every history event after this seq (None: no resend asked for).
        self._resend_after: int | None = None

    # ------------------------------------------------------------------ new events

    def add(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Number `payload` with the next seq and queue it; returns the queued event."""
        self.last_seq += 1
        item = {**payload, "seq": self.last_seq}
        self.pending.append(item)
        return item

    # ------------------------------------------------------------------ delivery

    def head(self) -> dict[str, Any] | None:
        """The next event to publish (the oldest unconfirmed one), or None."""
        return self.pending[0] if self.pending else None

    def confirm(self, seq: int) -> bool:
        """The broker confirmed event `seq`: it leaves `pending` for `history`.

        Only the head can be confirmed (events go out in order); False for any other seq.
        """
        if not self.pending or self.pending[0]["seq"] != seq:
            return False
        self.history.append(self.pending.popleft())
        return True

    @property
    def delivered_seq(self) -> int:
        """The seq of the last event confirmed in order (what the office can have seen)."""
        if self.pending:
            return int(self.pending[0]["seq"]) - 1
        return self.last_seq

    # ------------------------------------------------------------------ resend

    def request_resend(self, since: int) -> int:
        """Re-publish confirmed events after `since`; returns how many that is.

        Pending events need no resend: they are published anyway, in order. A second
        request before the first is done widens it to the earlier `since`.
        """
        if self._resend_after is None or since < self._resend_after:
            self._resend_after = since
        count = sum(1 for item in self.history if item["seq"] > self._resend_after)
        if count == 0:
            self._resend_after = None
        return count

    def next_resend(self) -> dict[str, Any] | None:
        """The next confirmed event to re-publish, or None when the resend is done."""
        after = self._resend_after
        if after is None or not self.history:
            return None
        first = int(self.history[0]["seq"])
        # History holds consecutive seqs (confirmed in order), so the index is arithmetic.
        index = max(0, after + 1 - first)
        if index >= len(self.history):
            self._resend_after = None
            return None
        return self.history[index]

    def resent(self, seq: int) -> None:
        """Event `seq` was re-published: the resend continues after it."""
        if self._resend_after is not None and seq > self._resend_after:
            self._resend_after = seq

    # ------------------------------------------------------------------ storage

    def to_dict(self) -> dict[str, Any]:
        """The outbox as JSON-able data (the resend in progress is not kept)."""
        return {
            "version": DATA_VERSION,
            "last_seq": self.last_seq,
            "pending": list(self.pending),
            "history": list(self.history),
        }

    @classmethod
    def from_dict(cls, data: Any, history_size: int = HISTORY_SIZE) -> Outbox:
        """The outbox stored by `to_dict`; OutboxError when it cannot be trusted."""
        if not isinstance(data, Mapping) or data.get("version") != DATA_VERSION:
            raise OutboxError("stored outbox is not an object of a known version")
        last_seq = data.get("last_seq")
        if isinstance(last_seq, bool) or not isinstance(last_seq, int) or last_seq < 0:
            raise OutboxError(f"stored last_seq is not a count: {last_seq!r}")
        outbox = cls(last_seq, history_size)
        previous: int | None = None
        for name in ("history", "pending"):
            items = data.get(name)
            if not isinstance(items, list):
                raise OutboxError(f"stored {name} is not a list")
            for item in items:
                if not isinstance(item, dict):
                    raise OutboxError(f"stored {name} holds a non-object")
                seq = _seq_of(item)
                if previous is not None and seq != previous + 1:
                    raise OutboxError(f"stored events are not consecutive at seq {seq}")
                previous = seq
            if name == "history":
                outbox.history.extend(items)
            else:
                outbox.pending.extend(items)
        if previous is not None and previous != last_seq:
            raise OutboxError(f"stored last_seq {last_seq} is not the last event's {previous}")
        return outbox
