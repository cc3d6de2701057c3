"""What a welfare office knows about each household it watches, from the messages it gets.

Pure Python (no Home Assistant, no clock: `now` is passed in), so the office's rules are
tested without a broker:

- Every message is validated on arrival (size, JSON object, schema, the type of every
  field, the office id in the topic equal to the one in the payload). What does not fit
  is dropped, counted by reason, and reported once to the caller (for the log); nothing
  raises.
- Events take effect once, in `seq` order. A household's first message sets where its
  numbering starts; after that an event past the next `seq` is held, and the missing
  ones are asked for with one `resend` (`since` = the last one applied). What the box
  resends fills the gap in order; duplicates are ignored. A status whose `seq` is ahead
  (the office was away) asks the same way after a short grace, since the event it names
  may still be on its way. A box that never answers does not hold the later events back
  for ever: after `GAP_TIMEOUT` they are applied and the loss is reported.
- A household is `box_offline` when its availability says `offline`, or when its last
  status is older than the tolerance. All households share two deadline queues whose
  entries are appended in time order (O(1)); the caller keeps one timer, at
  `next_deadline()`. Right after start (and after the office's own broker connection
  comes back) nobody is judged stale until the retained statuses have had time to
  arrive.
- A household removed by the officer stays removed until it sends a status newer than
  its removal.

The caller turns the returned outputs into Home Assistant's devices, entities, bus
events and MQTT commands, and saves `to_dict()` when an output asks for it.
"""

from __future__ import annotations

import heapq
import json
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from .contract import (
    AVAILABILITY_OFFLINE,
    AVAILABILITY_ONLINE,
    MAX_PAYLOAD_BYTES,
    SCHEMA,
    TOPIC_AVAILABILITY,
    TOPIC_EVENT,
    TOPIC_REPLY,
    TOPIC_STATUS,
    split_topic,
    valid_office_id,
)

LEVELS: Final = ("normal", "attention", "warning", "critical")
MONITORING_STATES: Final = ("ok", "degraded", "lost", "away")
# What the office shows, as a care level and as a monitoring state, for a silent box.
BOX_OFFLINE: Final = "box_offline"
EVENT_TYPES: Final = frozenset({"alert", "reminder", "acknowledged", "resolved", "monitoring"})
# Levels at which someone should act: the office's alert is on.
ALERT_LEVELS: Final = frozenset({"warning", "critical"})

# A status may name an event that is still on its way: wait this long before asking.
GAP_GRACE: Final = timedelta(seconds=3)
# A box that does not fill a gap within this time has lost those events.
GAP_TIMEOUT: Final = timedelta(seconds=60)
# Events held behind a gap, at most; a larger gap is given up at once.
MAX_HELD: Final = 500
# After start, retained statuses arrive first: nobody is judged stale before this.
JUDGE_GRACE: Final = timedelta(seconds=30)
# A box without any activity yet reports its silence in whole seconds from its own clock:
# the start of the silence it implies moves by a second or so between heartbeats. Within
# this much it is the same silence (so a heartbeat changes no entity).
QUIET_JITTER: Final = timedelta(seconds=5)
# Text fields of reasonable length (the whole payload is limited anyway).
MAX_ID_LENGTH: Final = 64
MAX_NAME_LENGTH: Final = 200

# Why a message was dropped (the keys of `OfficeState.dropped`).
DROP_TOPIC: Final = "bad_topic"
DROP_TOO_LARGE: Final = "too_large"
DROP_NOT_JSON: Final = "not_json"
DROP_SCHEMA: Final = "wrong_schema"
DROP_INVALID: Final = "invalid"
DROP_FORGED: Final = "forged"
DROP_REASONS: Final = (
    DROP_TOPIC,
    DROP_TOO_LARGE,
    DROP_NOT_JSON,
    DROP_SCHEMA,
    DROP_INVALID,
    DROP_FORGED,
)

DATA_VERSION: Final = 1


class MessageError(ValueError):
    """A message that does not fit the contract: `reason` is one of DROP_REASONS."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


# ------------------------------------------------------------------ validation


def decode(payload: bytes) -> dict[str, Any]:
    """The JSON object of schema 1 in `payload` (its size checked first); MessageError if not."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise MessageError(DROP_TOO_LARGE, f"{len(payload)} bytes, more than {MAX_PAYLOAD_BYTES}")
    try:
        data = json.loads(payload)
    except ValueError as err:  # UnicodeDecodeError is a ValueError too
        raise MessageError(DROP_NOT_JSON, f"not JSON ({err.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise MessageError(DROP_NOT_JSON, "not a JSON object")
    if data.get("schema") != SCHEMA or isinstance(data.get("schema"), bool):
        raise MessageError(DROP_SCHEMA, f"schema {data.get('schema')!r}, not {SCHEMA}")
    return data


def _field(data: Mapping[str, Any], key: str, *, required: bool) -> Any:
    if key not in data:
        if required:
            raise MessageError(DROP_INVALID, f"{key} is missing")
        return None
    return data[key]


def _text(
    data: Mapping[str, Any],
    key: str,
    *,
    required: bool = True,
    nullable: bool = True,
    max_length: int | None = None,
) -> str | None:
    value = _field(data, key, required=required)
    if value is None:
        if nullable:
            return None
        raise MessageError(DROP_INVALID, f"{key} is null")
    if not isinstance(value, str):
        raise MessageError(DROP_INVALID, f"{key} is not text")
    if max_length is not None and not 0 < len(value) <= max_length:
        raise MessageError(DROP_INVALID, f"{key} is empty or longer than {max_length}")
    return value


def _choice(
    data: Mapping[str, Any],
    key: str,
    choices: Iterable[str],
    *,
    required: bool = True,
    nullable: bool = False,
) -> str | None:
    value = _text(data, key, required=required, nullable=nullable)
    if value is not None and value not in choices:
        raise MessageError(DROP_INVALID, f"{key} {value!r} is not one of {sorted(choices)}")
    return value


def _number(
    data: Mapping[str, Any], key: str, *, required: bool = True, nullable: bool = False
) -> float | None:
    value = _field(data, key, required=required)
    if value is None and (nullable or not required):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise MessageError(DROP_INVALID, f"{key} is not a number >= 0")
    if value == float("inf"):
        raise MessageError(DROP_INVALID, f"{key} is infinite")
    return float(value)


def _count(
    data: Mapping[str, Any], key: str, *, minimum: int = 0, nullable: bool = False
) -> int | None:
    value = _field(data, key, required=True)
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise MessageError(DROP_INVALID, f"{key} is not a whole number >= {minimum}")
    return value


def _flag(data: Mapping[str, Any], key: str) -> bool:
    value = _field(data, key, required=True)
    if not isinstance(value, bool):
        raise MessageError(DROP_INVALID, f"{key} is not true or false")
    return value


def _time(
    data: Mapping[str, Any], key: str, *, required: bool = True, nullable: bool = True
) -> datetime | None:
    value = _text(data, key, required=required, nullable=nullable, max_length=64)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise MessageError(DROP_INVALID, f"{key} is not an ISO time") from None
    if moment.tzinfo is None:
        raise MessageError(DROP_INVALID, f"{key} has no time zone")
    return moment.astimezone(UTC)


def _sent_at(data: Mapping[str, Any]) -> datetime:
    moment = _time(data, "sent_at", nullable=False)
    assert moment is not None
    return moment


def _check_office_id(office_id: str, data: Mapping[str, Any]) -> None:
    claimed = data.get("office_id")
    if not valid_office_id(claimed):
        raise MessageError(DROP_INVALID, "office_id is missing or malformed")
    if claimed != office_id:
        raise MessageError(DROP_FORGED, f"office_id {claimed!r} in the payload of {office_id!r}")


@dataclass(frozen=True, slots=True)
class Status:
    """A household's status as its box last reported it (or as a newer event changed it)."""

    name: str | None
    level: str
    reason: str
    alert_id: str | None
    acknowledged: bool
    monitoring: str
    last_activity: datetime | None
    inactive_seconds: float
    next_escalation: datetime | None
    next_level: str | None
    away_until: datetime | None
    sources_online: int
    sources_total: int
    routine_ready: bool
    explanation: str | None
    seq: int
    sent_at: datetime

    @property
    def quiet_since(self) -> datetime:
        """Since when the home has been quiet, by the box's clock."""
        if self.last_activity is not None:
            return self.last_activity
        return self.sent_at - timedelta(seconds=self.inactive_seconds)


def parse_status(office_id: str, data: Mapping[str, Any]) -> Status:
    """The status in `data` (a decoded payload) of `office_id`; MessageError if it does not fit."""
    _check_office_id(office_id, data)
    seq = _count(data, "seq", nullable=True)
    return Status(
        name=_text(data, "name", max_length=MAX_NAME_LENGTH),
        level=str(_choice(data, "level", LEVELS)),
        reason=str(_text(data, "reason", nullable=False, max_length=MAX_ID_LENGTH)),
        alert_id=_text(data, "alert_id", max_length=MAX_ID_LENGTH),
        acknowledged=_flag(data, "acknowledged"),
        monitoring=str(_choice(data, "monitoring", MONITORING_STATES)),
        last_activity=_time(data, "last_activity"),
        inactive_seconds=_number(data, "inactive_seconds") or 0.0,
        next_escalation=_time(data, "next_escalation"),
        next_level=_choice(data, "next_level", LEVELS, nullable=True),
        away_until=_time(data, "away_until"),
        sources_online=_count(data, "sources_online") or 0,
        sources_total=_count(data, "sources_total") or 0,
        routine_ready=_flag(data, "routine_ready"),
        explanation=_text(data, "explanation"),
        seq=0 if seq is None else seq,
        sent_at=_sent_at(data),
    )


@dataclass(frozen=True, slots=True)
class RemoteEvent:
    """A care event a box sent, validated; `payload` is the message as received."""

    seq: int
    # When it happened (`occurred_at`; a resent copy keeps it), else when it was sent.
    at: datetime
    type: str
    level: str
    reason: str
    alert_id: str | None
    monitoring: str
    by: str | None
    payload: dict[str, Any]


def parse_event(office_id: str, data: dict[str, Any]) -> RemoteEvent:
    """The care event in decoded payload `data` of `office_id`; MessageError if it does not fit."""
    _check_office_id(office_id, data)
    event_type = str(_choice(data, "type", EVENT_TYPES))
    level = str(_choice(data, "level", LEVELS))
    _choice(data, "previous_level", LEVELS)
    reason = str(_text(data, "reason", nullable=False, max_length=MAX_ID_LENGTH))
    alert_id = _text(data, "alert_id", max_length=MAX_ID_LENGTH)
    monitoring = str(_choice(data, "monitoring", MONITORING_STATES))
    _number(data, "inactive_seconds")
    _time(data, "last_activity", required=False)
    _text(data, "last_activity_entity", required=False, max_length=255)
    _text(data, "message", required=False)
    _text(data, "name", required=False, max_length=MAX_NAME_LENGTH)
    by = _text(data, "by", required=False, max_length=MAX_NAME_LENGTH)
    _text(data, "note", required=False)
    _text(data, "resolved_by", required=False, max_length=MAX_ID_LENGTH)
    _choice(data, "previous_monitoring", MONITORING_STATES, required=False, nullable=True)
    _number(data, "downtime_seconds", required=False, nullable=True)
    seq = _count(data, "seq", minimum=1)
    assert seq is not None
    sent_at = _sent_at(data)
    occurred_at = _time(data, "occurred_at", required=False)
    return RemoteEvent(
        seq=seq,
        at=sent_at if occurred_at is None else occurred_at,
        type=event_type,
        level=level,
        reason=reason,
        alert_id=alert_id,
        monitoring=monitoring,
        by=by,
        payload=data,
    )


@dataclass(frozen=True, slots=True)
class Reply:
    """A box's answer to a command."""

    office_id: str
    command_id: str
    ok: bool
    error: str | None


def parse_reply(office_id: str, data: Mapping[str, Any]) -> Reply:
    """The reply in `data`; MessageError if it does not fit (an office id, if given, must match)."""
    if "office_id" in data:
        _check_office_id(office_id, data)
    command_id = _text(data, "command_id", nullable=False, max_length=MAX_ID_LENGTH)
    assert command_id is not None
    return Reply(
        office_id=office_id,
        command_id=command_id,
        ok=_flag(data, "ok"),
        error=_text(data, "error", required=False, max_length=MAX_ID_LENGTH),
    )


def parse_availability(payload: bytes) -> bool:
    """True for `online`, False for `offline`; MessageError for anything else."""
    if payload == AVAILABILITY_ONLINE.encode():
        return True
    if payload == AVAILABILITY_OFFLINE.encode():
        return False
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise MessageError(DROP_TOO_LARGE, f"{len(payload)} bytes, more than {MAX_PAYLOAD_BYTES}")
    raise MessageError(DROP_INVALID, "availability is neither online nor offline")


# ------------------------------------------------------------------ outputs


@dataclass(frozen=True, slots=True)
class Dropped:
    """A message was dropped (log it once)."""

    topic: str
    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class Appeared:
    """A household the office did not know (or had removed) reported: give it a device."""

    office_id: str


@dataclass(frozen=True, slots=True)
class Changed:
    """Something the household's entities show may have changed."""

    office_id: str


@dataclass(frozen=True, slots=True)
class Fire:
    """A remote care event takes effect at the office: fire it (payload as received)."""

    office_id: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Resend:
    """Ask the box to publish again every event after `since`."""

    office_id: str
    since: int


@dataclass(frozen=True, slots=True)
class OfflineChanged:
    """The household's box went silent (`offline`) or reports again."""

    office_id: str
    offline: bool
    # When the box went offline (office clock); with offline=False, how long it was away.
    since: datetime


@dataclass(frozen=True, slots=True)
class ReplyReceived:
    """A box answered a command."""

    reply: Reply


@dataclass(frozen=True, slots=True)
class Lost:
    """A gap the box did not fill: `missing` of the events after `after` (up to `upto`)
    never reached the office."""

    office_id: str
    after: int
    upto: int
    missing: int


@dataclass(frozen=True, slots=True)
class Renumbered:
    """The box counts its events from a lower number than the office had seen (reinstalled)."""

    office_id: str
    previous: int
    seq: int


@dataclass(frozen=True, slots=True)
class Save:
    """Something the office remembers across restarts changed."""


SAVE: Final = Save()

type Output = (
    Dropped
    | Appeared
    | Changed
    | Fire
    | Resend
    | OfflineChanged
    | ReplyReceived
    | Lost
    | Renumbered
    | Save
)


# ------------------------------------------------------------------ deadlines


class Deadlines:
    """Keys due at given times, with lazy deletion (the caller re-checks a popped key).

    Entries that arrive in time order (nearly all: `now` plus a fixed delay) are appended
    to a queue in O(1); the rare earlier one goes to a small heap.
    """

    __slots__ = ("_heap", "_queue")

    def __init__(self) -> None:
        self._queue: deque[tuple[datetime, str]] = deque()
        self._heap: list[tuple[datetime, str]] = []

    def __len__(self) -> int:
        return len(self._queue) + len(self._heap)

    def push(self, when: datetime, key: str) -> None:
        """`key` is due at `when`."""
        if not self._queue or when >= self._queue[-1][0]:
            self._queue.append((when, key))
        else:
            heapq.heappush(self._heap, (when, key))

    def next(self) -> datetime | None:
        """The earliest time an entry is due."""
        fronts = [entries[0][0] for entries in (self._queue, self._heap) if entries]
        return min(fronts) if fronts else None

    def pop_due(self, now: datetime) -> list[str]:
        """The keys due by `now`, removed, earliest first within each store."""
        due: list[str] = []
        while self._queue and self._queue[0][0] <= now:
            due.append(self._queue.popleft()[1])
        while self._heap and self._heap[0][0] <= now:
            due.append(heapq.heappop(self._heap)[1])
        return due


# ------------------------------------------------------------------ households


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _parse_iso(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


class Remote:
    """One household as the office sees it."""

    __slots__ = (
        "ack_alert",
        "ack_by",
        "alive_at",
        "applied",
        "available",
        "gap_asked",
        "gap_due",
        "heard",
        "held",
        "level_since",
        "office_id",
        "offline",
        "offline_since",
        "quiet_since",
        "shown_at",
        "shown_by_status",
        "since_level",
        "status",
        "status_sent",
        "target",
    )

    def __init__(self, office_id: str) -> None:
        self.office_id = office_id
        # What the entities show: the last status, updated by newer events.
        self.status: Status | None = None
        self.shown_at: datetime | None = None  # as of when `status` is
        self.shown_by_status = False  # ... and whether a status (not an event) said so
        self.status_sent: datetime | None = None  # sent_at of the last status itself
        self.heard: datetime | None = None  # office clock: any valid message
        self.alive_at: datetime | None = None  # office clock: the last status
        self.available = True
        self.offline = False
        self.offline_since: datetime | None = None
        self.applied: int | None = None  # the last seq applied; None: not known yet
        self.target = 0  # the highest seq known to exist
        self.held: dict[int, RemoteEvent] = {}
        self.gap_asked = False
        self.gap_due: datetime | None = None
        self.since_level: str | None = None
        self.level_since: datetime | None = None
        self.ack_by: str | None = None
        self.ack_alert: str | None = None
        # Since when the home has been quiet, steady across heartbeats (see QUIET_JITTER).
        self.quiet_since: datetime | None = None

    # What the entities show.

    @property
    def name(self) -> str | None:
        """The household's name, when its box shares it."""
        return None if self.status is None else self.status.name

    @property
    def care_level(self) -> str | None:
        """The level, or `box_offline`; None before the first status."""
        if self.offline:
            return BOX_OFFLINE
        return None if self.status is None else self.status.level

    @property
    def monitoring(self) -> str | None:
        """The monitoring state, or `box_offline`."""
        if self.offline:
            return BOX_OFFLINE
        return None if self.status is None else self.status.monitoring

    @property
    def alert(self) -> bool:
        """Someone should act: a warning or worse, or a box gone silent."""
        return self.offline or (self.status is not None and self.status.level in ALERT_LEVELS)

    @property
    def acknowledged_by(self) -> str | None:
        """Who acknowledged the current alert, when the office saw it happen."""
        status = self.status
        if status is None or not status.acknowledged or status.alert_id != self.ack_alert:
            return None
        return self.ack_by

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.applied,
            "heard": _iso(self.heard),
            "alive": _iso(self.alive_at),
            "sent": _iso(self.status_sent),
            "available": self.available,
            "offline": self.offline,
            "offline_since": _iso(self.offline_since),
            "level": self.since_level,
            "since": _iso(self.level_since),
            "ack_by": self.ack_by,
            "ack_alert": self.ack_alert,
        }

    @classmethod
    def from_dict(cls, office_id: str, data: Mapping[str, Any]) -> Remote:
        remote = cls(office_id)
        seq = data.get("seq")
        remote.applied = seq if isinstance(seq, int) and not isinstance(seq, bool) else None
        remote.target = remote.applied or 0
        remote.heard = _parse_iso(data.get("heard"))
        remote.alive_at = _parse_iso(data.get("alive"))
        remote.status_sent = _parse_iso(data.get("sent"))
        remote.available = data.get("available") is not False
        remote.offline = data.get("offline") is True
        remote.offline_since = _parse_iso(data.get("offline_since")) if remote.offline else None
        level = data.get("level")
        remote.since_level = level if level in LEVELS else None
        remote.level_since = _parse_iso(data.get("since"))
        by, alert = data.get("ack_by"), data.get("ack_alert")
        remote.ack_by = by if isinstance(by, str) else None
        remote.ack_alert = alert if isinstance(alert, str) else None
        return remote


@dataclass(frozen=True, slots=True)
class Removal:
    """A household the officer removed, and what it last said before that."""

    at: datetime  # office clock
    last_sent: datetime | None  # the sent_at of its last status (box clock)

    def superseded_by(self, sent_at: datetime) -> bool:
        """Whether a status sent at `sent_at` is newer than the removal (and not the last one
        seen before it, which the broker keeps retained)."""
        return sent_at > self.at and (self.last_sent is None or sent_at > self.last_sent)


class OfficeState:
    """Every household under one topic root."""

    def __init__(self, root: str, tolerance: timedelta, now: datetime) -> None:
        self.root = root
        self.tolerance = tolerance
        self.households: dict[str, Remote] = {}
        self.removed: dict[str, Removal] = {}
        self.dropped: Counter[str] = Counter()
        self.duplicates = 0
        self._offline_due = Deadlines()
        self._gap_due = Deadlines()
        self._judge_from: datetime | None = now + JUDGE_GRACE

    # ------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        """What the office remembers across restarts (JSON-able)."""
        return {
            "version": DATA_VERSION,
            "root": self.root,
            "households": {oid: remote.to_dict() for oid, remote in self.households.items()},
            "removed": {
                oid: {"at": removal.at.isoformat(), "sent": _iso(removal.last_sent)}
                for oid, removal in self.removed.items()
            },
        }

    def restore(self, data: Mapping[str, Any]) -> None:
        """Take back what `to_dict` saved; entries that do not parse are skipped.

        What was saved under another root is not taken: those households report elsewhere.
        """
        if data.get("root", self.root) != self.root:
            return
        households = data.get("households")
        if isinstance(households, Mapping):
            for office_id, saved in households.items():
                if valid_office_id(office_id) and isinstance(saved, Mapping):
                    remote = Remote.from_dict(office_id, saved)
                    self.households[office_id] = remote
                    self._arm_offline(remote)
        removed = data.get("removed")
        if isinstance(removed, Mapping):
            for office_id, saved in removed.items():
                at = _parse_iso(saved.get("at")) if isinstance(saved, Mapping) else None
                if valid_office_id(office_id) and at is not None:
                    self.removed[office_id] = Removal(at, _parse_iso(saved.get("sent")))
                    self.households.pop(office_id, None)

    # ------------------------------------------------------------ the office's own link

    def connection_lost(self) -> None:
        """The office cannot hear anyone: judge no box stale until the link is back."""
        self._judge_from = None

    def connection_back(self, now: datetime) -> None:
        """The office hears again; the retained statuses come first, then boxes are judged."""
        self._judge_from = now + JUDGE_GRACE

    # ------------------------------------------------------------ messages

    def receive(
        self, topic: str, payload: bytes, now: datetime, *, retained: bool = False
    ) -> list[Output]:
        """Take one message from the broker; never raises for what the message contains."""
        parts = split_topic(self.root, topic)
        try:
            if parts is None:
                raise MessageError(DROP_TOPIC, "not <root>/<valid office_id>/<kind>")
            office_id, kind = parts
            if kind == TOPIC_STATUS:
                status = parse_status(office_id, decode(payload))
                return self._status(office_id, status, now, retained)
            if kind == TOPIC_EVENT:
                return self._event(office_id, parse_event(office_id, decode(payload)), now)
            if kind == TOPIC_AVAILABILITY:
                return self._availability(office_id, parse_availability(payload), now, retained)
            if kind == TOPIC_REPLY:
                return self._reply(parse_reply(office_id, decode(payload)), now)
            raise MessageError(DROP_TOPIC, f"unknown kind {kind!r}")
        except MessageError as err:
            self.dropped[err.reason] += 1
            return [Dropped(topic, err.reason, str(err))]

    def _appear(self, office_id: str, now: datetime, out: list[Output]) -> Remote:
        remote = self.households.get(office_id)
        if remote is None:
            remote = Remote(office_id)
            remote.alive_at = now
            self.households[office_id] = remote
            out.extend((Appeared(office_id), SAVE))
        return remote

    def _status(
        self, office_id: str, status: Status, now: datetime, retained: bool
    ) -> list[Output]:
        out: list[Output] = []
        removal = self.removed.get(office_id)
        if removal is not None:
            if not removal.superseded_by(status.sent_at):
                return out
            del self.removed[office_id]
        known = office_id in self.households
        remote = self._appear(office_id, now, out)
        if retained:
            # Delivered on (re)subscribing: sent while the office was away, or already seen.
            heard = min(status.sent_at, now)
            if known and remote.alive_at is not None:
                heard = max(heard, remote.alive_at)
            if known and remote.status_sent is not None and status.sent_at <= remote.status_sent:
                heard = remote.alive_at or heard
        else:
            heard = now
        remote.alive_at = heard
        remote.heard = heard if remote.heard is None else max(remote.heard, heard)
        remote.status_sent = status.sent_at
        self._arm_offline(remote)
        if remote.shown_at is None or status.sent_at >= remote.shown_at:
            self._show(remote, status, status.sent_at, out)
        self._status_seq(remote, status.seq, now, out)
        self._judge(remote, now, out)
        out.append(Changed(office_id))
        return out

    def _show(
        self,
        remote: Remote,
        status: Status,
        at: datetime,
        out: list[Output],
        *,
        by_status: bool = True,
    ) -> None:
        """Show `status` as of `at`; keep the level's start and who acknowledged."""
        previous = remote.status
        quiet = status.quiet_since
        kept = remote.quiet_since
        if (
            status.last_activity is None
            and previous is not None
            and previous.last_activity is None
            and kept is not None
            and abs(quiet - kept) <= QUIET_JITTER
        ):
            quiet = kept
        remote.quiet_since = quiet
        remote.status = status
        remote.shown_at = at
        remote.shown_by_status = by_status
        if status.level != remote.since_level:
            remote.since_level = status.level
            remote.level_since = at
            out.append(SAVE)
        if previous is not None and previous.alert_id != status.alert_id:
            remote.ack_by = remote.ack_alert = None

    def _status_seq(self, remote: Remote, seq: int, now: datetime, out: list[Output]) -> None:
        applied = remote.applied
        if applied is None:
            remote.applied = remote.target = seq
            out.append(SAVE)
        elif seq < applied:
            out.append(Renumbered(remote.office_id, applied, seq))
            remote.applied = remote.target = seq
            remote.held.clear()
            remote.gap_asked, remote.gap_due = False, None
            out.append(SAVE)
        elif seq > remote.target:
            remote.target = seq
        if remote.applied is not None and remote.target > remote.applied and remote.gap_due is None:
            remote.gap_due = now + GAP_GRACE
            self._gap_due.push(remote.gap_due, remote.office_id)

    def _event(self, office_id: str, event: RemoteEvent, now: datetime) -> list[Output]:
        out: list[Output] = []
        if office_id in self.removed:
            return out
        remote = self._appear(office_id, now, out)
        remote.heard = now
        out.append(Changed(office_id))
        if remote.applied is None:
            remote.applied = remote.target = event.seq - 1
        applied = remote.applied
        if event.seq <= applied or event.seq in remote.held:
            self.duplicates += 1
            return out
        remote.target = max(remote.target, event.seq)
        if event.seq == applied + 1:
            self._apply(remote, event, out)
            self._drain(remote, out)
            return out
        remote.held[event.seq] = event
        if len(remote.held) > MAX_HELD:
            self._give_up(remote, out)
        elif not remote.gap_asked:
            self._ask(remote, now, out)
        return out

    def _ask(self, remote: Remote, now: datetime, out: list[Output]) -> None:
        assert remote.applied is not None
        out.append(Resend(remote.office_id, remote.applied))
        remote.gap_asked = True
        remote.gap_due = now + GAP_TIMEOUT
        self._gap_due.push(remote.gap_due, remote.office_id)

    def _apply(self, remote: Remote, event: RemoteEvent, out: list[Output]) -> None:
        remote.applied = event.seq
        out.extend((Fire(remote.office_id, event.payload), SAVE))
        if event.type == "acknowledged":
            remote.ack_by, remote.ack_alert = event.by, event.alert_id
        status = remote.status
        if status is None or remote.shown_at is None or event.at < remote.shown_at:
            return  # the status shown is newer than this (resent) event
        if event.at == remote.shown_at and remote.shown_by_status:
            return  # a status sent as the event happened already includes it
        acknowledged = status.acknowledged and status.alert_id == event.alert_id
        if event.type == "acknowledged":
            acknowledged = True
        elif event.type == "resolved":
            acknowledged = False
        self._show(
            remote,
            replace(
                status,
                level=event.level,
                reason=event.reason,
                alert_id=event.alert_id,
                monitoring=event.monitoring,
                acknowledged=acknowledged,
            ),
            event.at,
            out,
            by_status=False,
        )

    def _drain(self, remote: Remote, out: list[Output]) -> None:
        """Apply the held events that now follow in order; close the gap when it is filled."""
        assert remote.applied is not None
        while (event := remote.held.pop(remote.applied + 1, None)) is not None:
            self._apply(remote, event, out)
        if not remote.held and remote.applied >= remote.target:
            remote.gap_asked, remote.gap_due = False, None

    def _give_up(self, remote: Remote, out: list[Output]) -> None:
        """Apply what is held, in order, and report the events that never came."""
        assert remote.applied is not None
        after = remote.applied
        last = max(remote.target, *remote.held, after)
        missing = last - after - len(remote.held)
        # Only the held events are visited: a reinstalled box may jump far ahead.
        for seq in sorted(remote.held):
            self._apply(remote, remote.held.pop(seq), out)
        remote.applied = max(remote.applied, last)
        remote.gap_asked, remote.gap_due = False, None
        if missing > 0:
            out.append(Lost(remote.office_id, after, last, missing))
        out.extend((SAVE, Changed(remote.office_id)))

    def resend_refused(self, office_id: str) -> list[Output]:
        """The box answered a `resend` with an error: what is missing will not come."""
        out: list[Output] = []
        remote = self.households.get(office_id)
        if remote is not None and remote.gap_asked:
            self._give_up(remote, out)
        return out

    def _availability(
        self, office_id: str, online: bool, now: datetime, retained: bool
    ) -> list[Output]:
        out: list[Output] = []
        remote = self.households.get(office_id)
        if remote is None:  # a box that never reported a status or an event: nothing to show
            return out
        if not retained:
            remote.heard = now
        if remote.available != online:
            remote.available = online
            out.append(SAVE)
        self._judge(remote, now, out)
        out.append(Changed(office_id))
        return out

    def _reply(self, reply: Reply, now: datetime) -> list[Output]:
        remote = self.households.get(reply.office_id)
        if remote is None:
            return []
        remote.heard = now
        return [ReplyReceived(reply), Changed(reply.office_id)]

    # ------------------------------------------------------------ time

    def _arm_offline(self, remote: Remote) -> None:
        if remote.alive_at is not None:
            self._offline_due.push(remote.alive_at + self.tolerance, remote.office_id)

    def _judge(self, remote: Remote, now: datetime, out: list[Output]) -> None:
        """Whether the box is offline now; an output when that changed."""
        stale = remote.alive_at is None or now >= remote.alive_at + self.tolerance
        if not remote.available:
            offline = True
        elif not stale:
            offline = False
        elif self._judge_from is not None and now >= self._judge_from:
            offline = True
        else:
            offline = remote.offline  # retained statuses may still be on their way
        if offline == remote.offline:
            return
        remote.offline = offline
        if offline:
            remote.offline_since = now
            out.extend((OfflineChanged(remote.office_id, True, now), SAVE))
        else:
            since = remote.offline_since or now
            remote.offline_since = None
            out.extend((OfflineChanged(remote.office_id, False, since), SAVE))
        out.append(Changed(remote.office_id))

    def next_deadline(self) -> datetime | None:
        """When `on_deadline` must be called next (None: nothing will change by itself)."""
        times = [self._gap_due.next()]
        offline_next = self._offline_due.next()
        if offline_next is not None and self._judge_from is not None:
            times.append(max(offline_next, self._judge_from))
        due = [moment for moment in times if moment is not None]
        return min(due) if due else None

    def on_deadline(self, now: datetime) -> list[Output]:
        """What changes at `now` by time alone: gaps asked for or given up, boxes gone silent."""
        out: list[Output] = []
        for office_id in self._gap_due.pop_due(now):
            remote = self.households.get(office_id)
            if remote is None or remote.gap_due is None or remote.gap_due > now:
                continue
            if remote.gap_asked:
                self._give_up(remote, out)
            elif remote.applied is not None and remote.target > remote.applied:
                self._ask(remote, now, out)
            else:
                remote.gap_due = None
        if self._judge_from is not None and now >= self._judge_from:
            for office_id in self._offline_due.pop_due(now):
                remote = self.households.get(office_id)
                if remote is not None:
                    self._judge(remote, now, out)
        return out

    # ------------------------------------------------------------ the officer

    def remove(self, office_id: str, now: datetime) -> None:
        """Forget a retired household until it sends a status newer than this."""
        remote = self.households.pop(office_id, None)
        self.removed[office_id] = Removal(now, None if remote is None else remote.status_sent)
