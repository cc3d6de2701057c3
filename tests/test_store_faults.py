"""Any bytes at all in a household's store file: the household is watched, restored or
fresh with a repair issue, and never fails to set up. The files here are real files on
disk, read by Home Assistant's own Store (the test plugin's in-memory storage is set
aside for these tests)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers import storage
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.care_plug.const import DOMAIN, EVENT_CARE, STATE_SAVED

from .common import move_to, value
from .test_restart import (
    ENTRY_ID,
    HOUR,
    KEY,
    MINUTE,
    POWER,
    T0,
    WARNING_SAVED,
    household_entry,
    start,
)

# Home Assistant's own load and write, captured before the test plugin replaces them.
REAL_LOAD = storage.Store._async_load
REAL_WRITE = storage.Store._async_write_data
REAL_REMOVE = storage.Store.async_remove
NOW = T0 + 2 * HOUR + 11 * MINUTE


@pytest.fixture
def disk(hass: HomeAssistant, tmp_path: Path) -> Iterator[Path]:
    """The household's store file, on a real disk."""
    hass.config.config_dir = str(tmp_path)
    (tmp_path / storage.STORAGE_DIR).mkdir()
    with (
        patch.object(storage.Store, "_async_load", REAL_LOAD),
        patch.object(storage.Store, "_async_write_data", REAL_WRITE),
        patch.object(storage.Store, "async_remove", REAL_REMOVE),
    ):
        yield tmp_path / storage.STORAGE_DIR / KEY


def envelope(data: Any, version: int = 1) -> bytes:
    return json.dumps({"version": version, "minor_version": 1, "key": KEY, "data": data}).encode()


def reset_issue(hass: HomeAssistant) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"state_reset_{ENTRY_ID}")


async def watches_afresh(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """A fresh household that sees the home: an activity, then attention an hour later."""
    events = async_capture_events(hass, EVENT_CARE)
    assert value(hass, "sensor.mum_care_level") == "normal"
    freezer.move_to(NOW + MINUTE)
    hass.states.async_set("sensor.kettle_power", "2000", POWER)
    await hass.async_block_till_done()
    assert value(hass, "sensor.mum_last_activity") == (NOW + MINUTE).isoformat()
    await move_to(hass, freezer, NOW + MINUTE + HOUR)
    assert [(e.data["type"], e.data["level"]) for e in events] == [("alert", "attention")]


@pytest.mark.freeze_time(NOW)
@pytest.mark.parametrize(
    "content",
    [
        envelope(WARNING_SAVED, version=2),  # from a newer Care Plug, after a downgrade
        b"[]",
        b"null",
        b"42",
        b'"care"',
        b'{"version": 1, "minor_version": 1, "key": "x"}',  # no data
        b'{"data": {}}',  # no version
        envelope([]),
        envelope("care"),
        envelope({"engine": WARNING_SAVED["engine"] | {"now": 1e18}}),
        envelope({"engine": WARNING_SAVED["engine"] | {"routine": {"slot": "12"}}}),
    ],
    ids=[
        "newer_version",
        "a_list",
        "null",
        "a_number",
        "a_string",
        "no_data",
        "no_version",
        "data_a_list",
        "data_a_string",
        "a_time_no_clock_shows",
        "damaged_routine",
    ],
)
async def test_unusable_store_files_give_a_fresh_watched_household_and_a_repair(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, disk: Path, content: bytes
) -> None:
    disk.write_bytes(content)
    entry = household_entry(hass)

    await start(hass, entry)

    issue = reset_issue(hass)
    assert issue is not None
    assert issue.translation_placeholders == {"household": "Mum"}
    await watches_afresh(hass, freezer)


@pytest.mark.freeze_time(NOW)
async def test_a_file_from_a_newer_version_is_kept_aside_not_overwritten(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, disk: Path
) -> None:
    newer = envelope(WARNING_SAVED, version=2)
    disk.write_bytes(newer)
    entry = household_entry(hass)
    await start(hass, entry)
    assert Path(f"{disk}.unreadable").read_bytes() == newer
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert json.loads(disk.read_bytes())["version"] == 1  # the fresh household, saved


@pytest.mark.freeze_time(NOW)
@pytest.mark.parametrize("content", [b"", b"{}", b"\x00\xff\xfe not json at all", envelope(None)])
async def test_a_lost_state_of_a_household_that_saved_before_raises_the_repair(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, disk: Path, content: bytes
) -> None:
    """Home Assistant reads an empty, `{}` or corrupt file as "nothing saved"."""
    disk.write_bytes(content)
    entry = household_entry(hass)
    hass.config_entries.async_update_entry(entry, data={STATE_SAVED: True})

    await start(hass, entry)

    assert reset_issue(hass) is not None
    await watches_afresh(hass, freezer)


@pytest.mark.freeze_time(NOW)
async def test_a_new_household_without_a_file_starts_quietly_and_marks_its_first_save(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, disk: Path
) -> None:
    entry = household_entry(hass)
    await start(hass, entry)
    assert reset_issue(hass) is None
    assert not entry.data.get(STATE_SAVED)
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert json.loads(disk.read_bytes())["data"]["engine"]["level"] == "normal"
    assert entry.data[STATE_SAVED] is True


@pytest.mark.freeze_time(NOW)
async def test_a_saved_household_is_restored_from_a_real_file(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, disk: Path
) -> None:
    disk.write_bytes(envelope(WARNING_SAVED))
    entry = household_entry(hass)
    await start(hass, entry)
    assert reset_issue(hass) is None
    assert value(hass, "sensor.mum_care_level") == "warning"


def _random_json(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(7 if depth < 3 else 5)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.choice([0, -1, 1, 10**20, rng.randrange(-(10**12), 10**12)])
    if kind == 3:
        return rng.choice([0.5, -1e308, 1e18, 1772474700.0, rng.uniform(-1e10, 1e10)])
    if kind == 4:
        return rng.choice(["", "warning", "ok", "unavailable", "x" * 40])
    if kind == 5:
        return [_random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    keys = [*WARNING_SAVED["engine"], "engine", "data", "version", "routine_sources"]
    return {rng.choice(keys): _random_json(rng, depth + 1) for _ in range(rng.randrange(5))}


@pytest.mark.freeze_time(NOW)
async def test_any_json_in_the_store_yields_a_watched_household(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, disk: Path
) -> None:
    """Random documents and random damage to a real one: set up, watching, every time."""
    rng = random.Random(20261202)
    entry = household_entry(hass)
    for example in range(40):
        document: Any
        if example % 2:
            document = json.loads(json.dumps(WARNING_SAVED))
            document["engine"][rng.choice(list(document["engine"]))] = _random_json(rng)
        else:
            document = _random_json(rng)
        disk.write_bytes(envelope(document) if example % 3 else json.dumps(document).encode())
        if entry.state is ConfigEntryState.LOADED:
            assert await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_block_till_done()
            disk.write_bytes(envelope(document) if example % 3 else json.dumps(document).encode())
        assert await hass.config_entries.async_setup(entry.entry_id), document
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED, document
        assert value(hass, "sensor.mum_care_level") in {
            "normal",
            "attention",
            "warning",
            "critical",
        }
