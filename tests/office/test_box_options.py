"""The "Report to a welfare office" section of the household's flows, as the UI drives it."""

from __future__ import annotations

import json
from collections.abc import Generator
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, patch

import probatio
import pytest
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType, section
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.care_plug.const import DOMAIN
from custom_components.care_plug.engine.settings import SettingsError
from custom_components.care_plug.office.box_options import (
    OFFICE_KEYS,
    BoxSettings,
    box_settings,
)

from ..conftest import set_sources

TRANSLATIONS = Path(__file__).parents[2] / "custom_components" / "care_plug" / "translations"
SOURCES: dict[str, list[str]] = {
    "power_sources": ["sensor.tv_power", "sensor.kettle_power"],
    "background_power_sources": ["sensor.fridge_power"],
    "light_sources": ["sensor.living_room_illuminance"],
    "presence_sources": ["binary_sensor.hallway_motion"],
    "other_sources": [],
}
HOUSEHOLD = {"name": "Mum", "risk_group": "at_risk", "sensitivity": "normal", **SOURCES}
DEFAULTS = {
    "share_name": False,
    "heartbeat": {"hours": 0, "minutes": 5, "seconds": 0},
    "office_root": "care_plug",
}


@pytest.fixture(autouse=True)
def mock_setup(hass: HomeAssistant) -> Generator[AsyncMock]:
    """The household's own setup is not under test here."""
    set_sources(hass)
    with (
        patch("custom_components.care_plug.async_setup", return_value=True),
        patch("custom_components.care_plug.async_unload_entry", return_value=True),
        patch("custom_components.care_plug.async_setup_entry", return_value=True) as setup,
    ):
        yield setup


def office_section_of(result: FlowResult[Any, Any]) -> tuple[section, dict[str, Any]]:
    """The form's office section and the values it shows pre-filled."""
    schema = result["data_schema"]
    assert isinstance(schema, probatio.Schema)
    for key, value in schema.schema.items():
        if key.schema == "office":
            assert isinstance(value, section)
            shown = {
                k.schema: k.description["suggested_value"]
                for k in value.schema.schema
                if k.description and "suggested_value" in k.description
            }
            return value, shown
    pytest.fail("no office section")


def household(hass: HomeAssistant, title: str = "Mum", **options: Any) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN, title=title, options={**HOUSEHOLD, "name": title, **options}
    )
    entry.add_to_hass(hass)
    return entry


async def options_sources_step(hass: HomeAssistant, entry: MockConfigEntry) -> FlowResult[Any, Any]:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"risk_group": "at_risk"}
    )
    assert result["step_id"] == "sources"
    return result


async def test_the_section_is_collapsed_with_the_defaults(hass: HomeAssistant) -> None:
    result = await options_sources_step(hass, household(hass))
    office, shown = office_section_of(result)
    assert office.options["collapsed"] is True
    assert shown == {}  # nothing reported yet
    defaults = {
        str(key.schema): key.default()
        for key in office.schema.schema
        if not isinstance(key.default, type(probatio.UNDEFINED))
    }
    assert defaults == DEFAULTS


async def test_report_to_an_office_from_the_options(hass: HomeAssistant) -> None:
    entry = household(hass)
    result = await options_sources_step(hass, entry)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            **SOURCES,
            "office": {
                "office_id": " GN-0142 ",
                "share_name": True,
                "heartbeat": {"minutes": 10},
                "office_root": "seoul/gangnam",
            },
        },
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # Flat, like every other option.
    assert entry.options == {
        **HOUSEHOLD,
        "office_id": "GN-0142",
        "share_name": True,
        "heartbeat": {"hours": 0, "minutes": 10, "seconds": 0},
        "office_root": "seoul/gangnam",
    }
    assert box_settings(entry.options) == BoxSettings("GN-0142", True, 600.0, "seoul/gangnam")

    # The form opens with them again.
    result = await options_sources_step(hass, entry)
    _, shown = office_section_of(result)
    assert shown == {k: entry.options[k] for k in OFFICE_KEYS}


async def test_defaults_are_not_stored(hass: HomeAssistant) -> None:
    entry = household(hass)
    result = await options_sources_step(hass, entry)
    await hass.config_entries.options.async_configure(
        result["flow_id"], {**SOURCES, "office": {"office_id": "GN-0142", **DEFAULTS}}
    )
    await hass.async_block_till_done()
    assert entry.options == {**HOUSEHOLD, "office_id": "GN-0142"}
    assert box_settings(entry.options) == BoxSettings("GN-0142")


async def test_clearing_the_office_id_stops_reporting(hass: HomeAssistant) -> None:
    entry = household(hass, office_id="GN-0142", share_name=True, office_root="seoul")
    result = await options_sources_step(hass, entry)
    await hass.config_entries.options.async_configure(
        result["flow_id"],
        {**SOURCES, "office": {"office_id": "", "share_name": True, "office_root": "seoul"}},
    )
    await hass.async_block_till_done()
    assert entry.options == HOUSEHOLD
    assert box_settings(entry.options) is None


@pytest.mark.parametrize(
    ("office", "error"),
    [
        ({"office_id": "GN 0142"}, "invalid_office_id"),
        ({"office_id": "GN/0142"}, "invalid_office_id"),
        ({"office_id": "x" * 65}, "invalid_office_id"),
        ({"office_id": "GN-0142", "office_root": "care_plug/"}, "invalid_office_root"),
        ({"office_id": "GN-0142", "office_root": "care/+/x"}, "invalid_office_root"),
        ({"office_id": "GN-0142", "office_root": "/care_plug"}, "invalid_office_root"),
        ({"office_id": "GN-0142", "heartbeat": {"seconds": 30}}, "heartbeat_out_of_range"),
        ({"office_id": "GN-0142", "heartbeat": {"hours": 2}}, "heartbeat_out_of_range"),
        ({"office_id": "GN-0007"}, "office_id_taken"),
    ],
)
async def test_values_that_cannot_work_are_refused(
    hass: HomeAssistant, office: dict[str, Any], error: str
) -> None:
    household(hass, "Grandpa", office_id="GN-0007")
    entry = household(hass)
    result = await options_sources_step(hass, entry)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**SOURCES, "office": office}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    assert "office_id" not in entry.options


async def test_the_same_office_id_under_another_root_is_another_household(
    hass: HomeAssistant,
) -> None:
    household(hass, "Grandpa", office_id="GN-0007", office_root="busan")
    entry = household(hass)
    result = await options_sources_step(hass, entry)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**SOURCES, "office": {"office_id": "GN-0007"}}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["office_id"] == "GN-0007"


async def test_saving_again_keeps_its_own_office_id(hass: HomeAssistant) -> None:
    entry = household(hass, office_id="GN-0142")
    result = await options_sources_step(hass, entry)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**SOURCES, "office": {"office_id": "GN-0142"}}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_a_new_household_can_report_from_the_start(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    if result["type"] is FlowResultType.MENU:  # a household, not a welfare office
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": "household"}
        )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"name": "Mum", "risk_group": "at_risk"}
    )
    assert result["step_id"] == "sources"
    office, _ = office_section_of(result)
    assert office.options["collapsed"] is True
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**SOURCES, "office": {"office_id": "GN-0142"}}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].options == {**HOUSEHOLD, "office_id": "GN-0142"}


@pytest.mark.parametrize(
    "options",
    [
        {"office_id": "GN 1"},
        {"office_id": 142},
        {"office_id": "GN-1", "share_name": "yes"},
        {"office_id": "GN-1", "heartbeat": {"seconds": 5}},
        {"office_id": "GN-1", "heartbeat": "soon"},
        {"office_id": "GN-1", "office_root": "a//b"},
    ],
)
def test_stored_options_that_cannot_work_are_reported(options: dict[str, Any]) -> None:
    with pytest.raises(SettingsError):
        box_settings(options)


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("flow", ["config", "options"])
def test_the_section_and_its_errors_are_translated(language: str, flow: str) -> None:
    strings = json.loads((TRANSLATIONS / f"{language}.json").read_text(encoding="utf-8"))
    office = strings[flow]["step"]["sources"]["sections"]["office"]
    assert office["name"].strip()
    assert office["description"].strip()
    for key in OFFICE_KEYS:
        assert office["data"][key].strip()
        assert office["data_description"][key].strip()
    for error in ("invalid_office_id", "invalid_office_root", "heartbeat_out_of_range",
                  "office_id_taken"):  # fmt: skip
        assert strings[flow]["error"][error].strip()
    if language == "ko":
        assert office["name"] == "복지 담당 기관에 보고"
