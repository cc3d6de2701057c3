"""The office link's wire contract (docs/architecture.md, "The welfare office link").

Pure Python, shared by both sides: topic names, limits, and the names of what travels.
Builders and validators of each message live with the side that sends or receives it.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

SCHEMA: Final = 1
DEFAULT_ROOT: Final = "care_plug"
DEFAULT_HEARTBEAT_SECONDS: Final = 300.0
# A household is `box_offline` at the office when its status is older than this many
# heartbeats (or its availability says `offline`).
OFFLINE_AFTER_HEARTBEATS: Final = 3
# Every payload larger than this is dropped on arrival, unparsed.
MAX_PAYLOAD_BYTES: Final = 16 * 1024

OFFICE_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
# A topic root: MQTT topic levels without wildcards, no leading or trailing slash.
ROOT_PATTERN: Final = re.compile(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*")

TOPIC_STATUS: Final = "status"
TOPIC_EVENT: Final = "event"
TOPIC_AVAILABILITY: Final = "availability"
TOPIC_COMMAND: Final = "command"
TOPIC_REPLY: Final = "reply"

AVAILABILITY_ONLINE: Final = "online"
AVAILABILITY_OFFLINE: Final = "offline"

COMMAND_ACKNOWLEDGE: Final = "acknowledge"
COMMAND_CHECK_IN: Final = "check_in"
COMMAND_SET_AWAY: Final = "set_away"
COMMAND_END_AWAY: Final = "end_away"
COMMAND_RESEND: Final = "resend"
COMMANDS: Final = frozenset(
    {COMMAND_ACKNOWLEDGE, COMMAND_CHECK_IN, COMMAND_SET_AWAY, COMMAND_END_AWAY, COMMAND_RESEND}
)

# The status payload's keys, in the contract's order.
STATUS_KEYS: Final = (
    "schema",
    "office_id",
    "name",
    "level",
    "reason",
    "alert_id",
    "acknowledged",
    "monitoring",
    "last_activity",
    "inactive_seconds",
    "next_escalation",
    "next_level",
    "away_until",
    "sources_online",
    "sources_total",
    "routine_ready",
    "explanation",
    "seq",
    "sent_at",
)


class ContractError(ValueError):
    """A message that does not fit the contract; the text says why (for the log)."""


def topic(root: str, office_id: str, kind: str) -> str:
    """`<root>/<office_id>/<kind>`."""
    return f"{root}/{office_id}/{kind}"


def valid_office_id(value: object) -> bool:
    """Whether `value` is an office id the contract allows."""
    return isinstance(value, str) and OFFICE_ID_PATTERN.fullmatch(value) is not None


def split_topic(root: str, name: str) -> tuple[str, str] | None:
    """(office_id, kind) of a topic under `root`, or None when it is not one of ours."""
    prefix = f"{root}/"
    if not name.startswith(prefix):
        return None
    parts = name[len(prefix) :].split("/")
    if len(parts) != 2 or not valid_office_id(parts[0]):
        return None
    return parts[0], parts[1]


def decode_object(payload: str | bytes | bytearray) -> dict[str, Any]:
    """The JSON object in `payload`; ContractError when too large, not JSON, not an object,
    or of another schema."""
    size = len(payload.encode() if isinstance(payload, str) else payload)
    if size > MAX_PAYLOAD_BYTES:
        raise ContractError(f"payload of {size} bytes is larger than {MAX_PAYLOAD_BYTES}")
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as err:
        raise ContractError(f"payload is not JSON: {err}") from None
    if not isinstance(data, dict):
        raise ContractError("payload is not a JSON object")
    if data.get("schema") != SCHEMA:
        raise ContractError(f"payload schema is {data.get('schema')!r}, not {SCHEMA}")
    return data


def encode(data: dict[str, Any]) -> str:
    """The payload text for `data` (compact JSON, UTF-8 kept)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


# ------------------------------------------------------------------ box side (appended)

# What the box adds to the `care_plug_event` payload it publishes as an event (it drops
# `entry_id`, `device_id` and `household`, and adds `name` only when the name is shared):
# `occurred_at` is when the event happened, `sent_at` when this copy was published (a
# re-sent event keeps its `occurred_at`).
EVENT_REMOVED_KEYS: Final = ("entry_id", "device_id", "household")
EVENT_ADDED_KEYS: Final = ("schema", "office_id", "seq", "occurred_at", "sent_at")

# Command fields: limits the box enforces (a command beyond them is refused).
MAX_COMMAND_ID_LENGTH: Final = 64
MAX_BY_LENGTH: Final = 100
MAX_NOTE_LENGTH: Final = 1000
MAX_AWAY_SECONDS: Final = 366 * 24 * 3600

# The `error` of a reply: a key of the integration's translations (`exceptions.<key>`).
COMMAND_ERRORS: Final = frozenset(
    {
        "command_too_large",
        "command_malformed",
        "command_id_invalid",
        "command_schema_unsupported",
        "command_wrong_office",
        "command_unknown",
        "command_by_invalid",
        "command_note_invalid",
        "command_until_invalid",
        "command_duration_invalid",
        "command_away_too_long",
        "command_since_invalid",
        "command_failed",
        "until_and_duration",
        "nothing_to_acknowledge",
        "away_end_in_past",
    }
)
