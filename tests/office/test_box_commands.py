"""Commands from the office, checked before anything runs: each refusal has its own key."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from custom_components.care_plug.office.box_commands import (
    Command,
    CommandRefusedError,
    parse_command,
)
from custom_components.care_plug.office.contract import COMMAND_ERRORS, MAX_PAYLOAD_BYTES

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
OFFICE_ID = "GN-0142"


def parse(data: Any) -> Command:
    return parse_command(json.dumps(data), OFFICE_ID, NOW)


def command(name: str, **fields: Any) -> dict[str, Any]:
    return {"schema": 1, "command_id": "c-1", "command": name, **fields}


def refused(payload: Any) -> tuple[str | None, str | None]:
    raw = payload if isinstance(payload, bytes | str) else json.dumps(payload)
    with pytest.raises(CommandRefusedError) as caught:
        parse_command(raw, OFFICE_ID, NOW)
    assert caught.value.translation_key in COMMAND_ERRORS
    return caught.value.command_id, caught.value.translation_key


def test_acknowledge_with_who_and_a_note() -> None:
    parsed = parse(command("acknowledge", by="  Officer Lee ", note="Called, all fine"))
    assert parsed == Command("c-1", "acknowledge", by="Officer Lee", note="Called, all fine")


def test_acknowledge_without_who_or_note() -> None:
    parsed = parse(command("acknowledge", by=None, note="  "))
    assert (parsed.by, parsed.note) == (None, None)


def test_the_office_id_may_be_given_when_it_is_ours() -> None:
    assert parse(command("check_in", office_id=OFFICE_ID)).command == "check_in"


def test_end_away() -> None:
    assert parse(command("end_away")) == Command("c-1", "end_away")


def test_set_away_for_a_duration() -> None:
    parsed = parse(command("set_away", duration=3 * 86400))
    assert parsed.until == NOW + timedelta(days=3)


def test_set_away_until_a_time_with_its_zone() -> None:
    parsed = parse(command("set_away", until="2026-11-27T18:00:00+09:00"))
    assert parsed.until == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_set_away_without_an_end_lasts_until_end_away() -> None:
    assert parse(command("set_away")).until is None


def test_resend_since() -> None:
    assert parse(command("resend", since=0)).since == 0
    assert parse(command("resend", since=1_764_000_123)).since == 1_764_000_123


def test_unknown_fields_are_ignored() -> None:
    assert parse(command("check_in", sent_at="2026-11-24T09:00:00Z")).command == "check_in"


def test_bytes_are_read_as_utf8() -> None:
    raw = json.dumps(command("acknowledge", by="이 주무관"), ensure_ascii=False).encode()
    assert parse_command(raw, OFFICE_ID, NOW).by == "이 주무관"


@pytest.mark.parametrize(
    ("payload", "key"),
    [
        (b"\xff\xfe not text", "command_malformed"),
        ("not json", "command_malformed"),
        ("[1, 2]", "command_malformed"),
        ('"check_in"', "command_malformed"),
        ({"schema": 1, "command": "check_in"}, "command_id_invalid"),
        ({"schema": 1, "command_id": "", "command": "check_in"}, "command_id_invalid"),
        ({"schema": 1, "command_id": 7, "command": "check_in"}, "command_id_invalid"),
        ({"schema": 1, "command_id": "x" * 65, "command": "check_in"}, "command_id_invalid"),
    ],
)
def test_a_command_that_cannot_be_read_is_refused_without_an_id(payload: Any, key: str) -> None:
    assert refused(payload) == (None, key)


def test_an_oversized_command_is_refused_unread() -> None:
    payload = json.dumps(command("acknowledge", note="x" * MAX_PAYLOAD_BYTES))
    assert refused(payload) == (None, "command_too_large")


@pytest.mark.parametrize(
    ("payload", "key"),
    [
        (command("check_in", schema=2), "command_schema_unsupported"),
        (command("check_in", schema=True), "command_schema_unsupported"),
        ({"command_id": "c-1", "command": "check_in"}, "command_schema_unsupported"),
        (command("check_in", office_id="GN-0143"), "command_wrong_office"),
        (command("check_in", office_id=None), "command_wrong_office"),
        (command("reboot"), "command_unknown"),
        (command("Check_In"), "command_unknown"),
        ({"schema": 1, "command_id": "c-1"}, "command_unknown"),
        (command("check_in", by=12), "command_by_invalid"),
        (command("acknowledge", by="x" * 101), "command_by_invalid"),
        (command("acknowledge", note=["a"]), "command_note_invalid"),
        (command("acknowledge", note="x" * 1001), "command_note_invalid"),
        (command("set_away", until="2026-11-27T18:00:00"), "command_until_invalid"),
        (command("set_away", until="tomorrow"), "command_until_invalid"),
        (command("set_away", until=1764000000), "command_until_invalid"),
        (command("set_away", until="9999-12-31T23:59:59-12:00"), "command_until_invalid"),
        (command("set_away", until="2030-01-01T00:00:00+00:00"), "command_away_too_long"),
        (command("set_away", duration=0), "command_duration_invalid"),
        (command("set_away", duration=-60), "command_duration_invalid"),
        (command("set_away", duration="3600"), "command_duration_invalid"),
        (command("set_away", duration=True), "command_duration_invalid"),
        (command("set_away", duration=10_000 * 365 * 86400), "command_away_too_long"),
        (command("set_away", until="2026-11-27T18:00:00+09:00", duration=60), "until_and_duration"),
        (command("resend"), "command_since_invalid"),
        (command("resend", since=-1), "command_since_invalid"),
        (command("resend", since=1.5), "command_since_invalid"),
        (command("resend", since="3"), "command_since_invalid"),
        (command("resend", since=False), "command_since_invalid"),
    ],
)
def test_an_invalid_command_is_refused_with_its_id_echoed(payload: Any, key: str) -> None:
    assert refused(payload) == ("c-1", key)
