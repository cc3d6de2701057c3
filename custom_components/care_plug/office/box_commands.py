"""Commands from the welfare office, checked before anything runs (docs/architecture.md,
"The welfare office link").

No Home Assistant state is touched here: `parse_command` turns a raw MQTT payload into a
`Command` or refuses it with `CommandRefusedError`, whose `translation_key` is the reply's
`error` (a key of the integration's `exceptions` translations). A command that is
refused changes nothing.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from homeassistant.exceptions import ServiceValidationError

from ..const import DOMAIN
from .contract import (
    COMMAND_ACKNOWLEDGE,
    COMMAND_RESEND,
    COMMAND_SET_AWAY,
    COMMANDS,
    MAX_AWAY_SECONDS,
    MAX_BY_LENGTH,
    MAX_COMMAND_ID_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_PAYLOAD_BYTES,
    SCHEMA,
)


class CommandRefusedError(ServiceValidationError):
    """A command that is not run; `translation_key` says why, `command_id` is echoed back
    (None when the command's own id could not be read)."""

    def __init__(self, command_id: str | None, **translation: Any) -> None:
        """`translation`: `translation_domain` and `translation_key`, as for any error."""
        super().__init__(**translation)
        self.command_id = command_id


def command_failed(command_id: str | None) -> CommandRefusedError:
    """The refusal for a valid command whose action failed unexpectedly (see the log)."""
    return CommandRefusedError(
        command_id, translation_domain=DOMAIN, translation_key="command_failed"
    )


@dataclass(frozen=True, slots=True)
class Command:
    """A valid command, ready to run."""

    command_id: str
    command: str
    by: str | None = None
    note: str | None = None
    # `set_away`: the end of the away period (UTC), None for "until end_away".
    until: datetime | None = None
    # `resend`: re-publish the events after this seq.
    since: int | None = None


def command_id_of(data: Any) -> str | None:
    """The payload's `command_id` when it is one the contract allows, else None."""
    if not isinstance(data, dict):
        return None
    value = data.get("command_id")
    if isinstance(value, str) and 1 <= len(value) <= MAX_COMMAND_ID_LENGTH:
        return value
    return None


def parse_command(payload: str | bytes | bytearray, office_id: str, now: datetime) -> Command:
    """The command in `payload`, sent to household `office_id` and read at `now` (UTC).

    CommandRefusedError when it is too large, not a JSON object, of another schema, without a
    usable `command_id`, meant for another household, unknown, or with a field of the
    wrong type or out of bounds.
    """
    raw = payload.encode() if isinstance(payload, str) else bytes(payload)
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise CommandRefusedError(
            None, translation_domain=DOMAIN, translation_key="command_too_large"
        )
    try:
        data = json.loads(raw)
    except ValueError:  # also UnicodeDecodeError: bytes that are not text
        data = None
    if not isinstance(data, dict):
        raise CommandRefusedError(
            None, translation_domain=DOMAIN, translation_key="command_malformed"
        )
    command_id = command_id_of(data)
    if command_id is None:
        raise CommandRefusedError(
            None, translation_domain=DOMAIN, translation_key="command_id_invalid"
        )
    if data.get("schema") != SCHEMA or isinstance(data.get("schema"), bool):
        raise CommandRefusedError(
            command_id, translation_domain=DOMAIN, translation_key="command_schema_unsupported"
        )
    if "office_id" in data and data["office_id"] != office_id:
        raise CommandRefusedError(
            command_id, translation_domain=DOMAIN, translation_key="command_wrong_office"
        )
    command = data.get("command")
    if not isinstance(command, str) or command not in COMMANDS:
        raise CommandRefusedError(
            command_id, translation_domain=DOMAIN, translation_key="command_unknown"
        )

    valid, by = _text(data, "by", MAX_BY_LENGTH)
    if not valid:
        raise CommandRefusedError(
            command_id, translation_domain=DOMAIN, translation_key="command_by_invalid"
        )
    note: str | None = None
    if command == COMMAND_ACKNOWLEDGE:
        valid, note = _text(data, "note", MAX_NOTE_LENGTH)
        if not valid:
            raise CommandRefusedError(
                command_id, translation_domain=DOMAIN, translation_key="command_note_invalid"
            )
    until: datetime | None = None
    if command == COMMAND_SET_AWAY:
        until = _away_until(command_id, data, now)
    since: int | None = None
    if command == COMMAND_RESEND:
        value = data.get("since")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise CommandRefusedError(
                command_id, translation_domain=DOMAIN, translation_key="command_since_invalid"
            )
        since = value
    return Command(command_id, command, by, note, until, since)


def _text(data: dict[str, Any], key: str, limit: int) -> tuple[bool, str | None]:
    """(valid, the field as stripped text): None when absent, null or blank; invalid when
    not text or longer than `limit`."""
    value = data.get(key)
    if value is None:
        return True, None
    if not isinstance(value, str) or len(value) > limit:
        return False, None
    return True, value.strip() or None


def _away_until(command_id: str, data: dict[str, Any], now: datetime) -> datetime | None:
    """The end of the away period from `until` (ISO time with zone) or `duration` (seconds)."""
    until = data.get("until")
    duration = data.get("duration")
    if until is not None and duration is not None:
        raise CommandRefusedError(
            command_id, translation_domain=DOMAIN, translation_key="until_and_duration"
        )
    if duration is not None:
        if (
            isinstance(duration, bool)
            or not isinstance(duration, int | float)
            or not math.isfinite(duration)
            or duration <= 0
        ):
            raise CommandRefusedError(
                command_id, translation_domain=DOMAIN, translation_key="command_duration_invalid"
            )
        if duration > MAX_AWAY_SECONDS:
            raise CommandRefusedError(
                command_id, translation_domain=DOMAIN, translation_key="command_away_too_long"
            )
        return now + timedelta(seconds=duration)
    if until is None:
        return None
    moment: datetime | None = None
    if isinstance(until, str):
        try:
            moment = datetime.fromisoformat(until)
            moment = None if moment.tzinfo is None else moment.astimezone(UTC)
        except ValueError, OverflowError:
            moment = None
    if moment is None:
        raise CommandRefusedError(
            command_id, translation_domain=DOMAIN, translation_key="command_until_invalid"
        )
    if moment - now > timedelta(seconds=MAX_AWAY_SECONDS):
        raise CommandRefusedError(
            command_id, translation_domain=DOMAIN, translation_key="command_away_too_long"
        )
    # An end that is not in the future is refused by the household itself
    # (`away_end_in_past`), exactly as the `set_away` action refuses it.
    return moment
