"""Adding a welfare office and changing its options, driven the way the UI drives the flows."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any
from unittest.mock import AsyncMock, patch

import pytest
from homeassistant.config_entries import SOURCE_USER, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.translation import async_get_translations
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.care_plug.const import DOMAIN

from ..conftest import HOUSEHOLD_OPTIONS

FIFTEEN_MINUTES = {"hours": 0, "minutes": 15, "seconds": 0}


@pytest.fixture
def mock_setup() -> Generator[AsyncMock]:
    """The entry's own setup is not under test here."""
    with (
        patch("custom_components.care_plug.async_setup_entry", return_value=True) as setup,
        patch("custom_components.care_plug.async_unload_entry", return_value=True),
    ):
        yield setup


def fields(result: ConfigFlowResult) -> dict[str, Any]:
    """The form's fields by name (their markers, which hold the defaults)."""
    schema = result.get("data_schema")
    assert schema is not None
    return {str(key): key for key in schema.schema}


async def start_office(hass: HomeAssistant) -> ConfigFlowResult:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "user"
    assert result["menu_options"] == ["household", "office"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "office"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "office"
    return result


def add_office(hass: HomeAssistant, root: str = "care_plug") -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"Office {root}",
        options={
            "kind": "office",
            "name": f"Office {root}",
            "root": root,
            "tolerance": {"minutes": 15},
        },
    )
    entry.add_to_hass(hass)
    return entry


async def test_the_first_step_offers_a_household_or_an_office(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "household"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "household"
    assert set(fields(result)) == {"name", "risk_group", "sensitivity"}


async def test_an_office_with_its_defaults(hass: HomeAssistant, mock_setup: AsyncMock) -> None:
    result = await start_office(hass)
    defaults = {name: key.default() for name, key in fields(result).items() if name != "name"}
    assert defaults == {"root": "care_plug", "tolerance": FIFTEEN_MINUTES, "entities": "full"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"name": " Gangnam office ", **defaults}
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Gangnam office"
    entry = result["result"]
    assert entry.options == {
        "kind": "office",
        "name": "Gangnam office",
        "root": "care_plug",
        "tolerance": FIFTEEN_MINUTES,
        "entities": "full",
    }
    assert mock_setup.call_count == 1


async def test_a_compact_office(hass: HomeAssistant, mock_setup: AsyncMock) -> None:
    result = await start_office(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "name": "Seoul district",
            "root": "seoul",
            "tolerance": FIFTEEN_MINUTES,
            "entities": "compact",
        },
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].options["entities"] == "compact"


@pytest.mark.parametrize(
    ("given", "error"),
    [
        ({"name": "  "}, "name_empty"),
        ({"root": "care_plug/"}, "invalid_office_root"),
        ({"root": "care_plug/+"}, "invalid_office_root"),
        ({"root": "seoul//gangnam"}, "invalid_office_root"),
        ({"tolerance": {"seconds": 30}}, "tolerance_out_of_range"),
        ({"tolerance": {"hours": 25}}, "tolerance_out_of_range"),
    ],
)
async def test_an_office_with_unusable_settings_is_refused(
    hass: HomeAssistant, mock_setup: AsyncMock, given: dict[str, Any], error: str
) -> None:
    result = await start_office(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"name": "Gangnam office", "root": "care_plug", "tolerance": FIFTEEN_MINUTES, **given},
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_one_office_per_root(hass: HomeAssistant, mock_setup: AsyncMock) -> None:
    add_office(hass, "seoul/gangnam")
    result = await start_office(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"name": "Second office", "root": "seoul/gangnam", "tolerance": FIFTEEN_MINUTES},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"

    result = await start_office(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"name": "Second office", "root": "seoul/gangbuk", "tolerance": FIFTEEN_MINUTES},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_an_offices_options(hass: HomeAssistant, mock_setup: AsyncMock) -> None:
    entry = add_office(hass)
    add_office(hass, "busan")

    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "office"  # not the household's risk group
    assert set(fields(result)) == {"root", "tolerance", "entities"}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"root": "busan", "tolerance": {"minutes": 30}}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "root_in_use"}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"root": "care_plug", "tolerance": {"minutes": 30}, "entities": "compact"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {
        "kind": "office",
        "name": "Office care_plug",
        "root": "care_plug",
        "tolerance": {"hours": 0, "minutes": 30, "seconds": 0},
        "entities": "compact",
    }


async def test_a_households_options_start_as_before(
    hass: HomeAssistant, mock_setup: AsyncMock
) -> None:
    entry = MockConfigEntry(domain=DOMAIN, title="Mum", options=HOUSEHOLD_OPTIONS)
    entry.add_to_hass(hass)

    result = await hass.config_entries.options.async_init(entry.entry_id)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    assert "risk_group" in fields(result)


@pytest.mark.parametrize("language", ["en", "ko"])
async def test_the_office_flow_and_entities_are_translated(
    hass: HomeAssistant, language: str
) -> None:
    """Every string the office shows, as Home Assistant loads it for the UI."""
    config = await async_get_translations(hass, language, "config", [DOMAIN])
    options = await async_get_translations(hass, language, "options", [DOMAIN])
    entity = await async_get_translations(hass, language, "entity", [DOMAIN])
    issues = await async_get_translations(hass, language, "issues", [DOMAIN])
    exceptions = await async_get_translations(hass, language, "exceptions", [DOMAIN])
    prefix = f"component.{DOMAIN}"
    wanted = [
        (config, "config.step.user.title"),
        (config, "config.step.user.menu_options.household"),
        (config, "config.step.user.menu_options.office"),
        (config, "config.step.user.menu_option_descriptions.office"),
        (config, "config.step.household.data.name"),
        (config, "config.step.office.title"),
        (config, "config.step.office.description"),
        (config, "config.abort.already_configured"),
        (config, "config.error.invalid_office_root"),
        (config, "config.error.tolerance_out_of_range"),
        (options, "options.step.office.title"),
        (options, "options.error.root_in_use"),
        (options, "options.error.tolerance_out_of_range"),
        (entity, "entity.sensor.care_level.state.box_offline"),
        (entity, "entity.sensor.monitoring.state.box_offline"),
        (entity, "entity.sensor.last_heard.name"),
        (entity, "entity.sensor.dropped_messages.name"),
        (entity, "entity.sensor.care_level.state_attributes.acknowledged_by.name"),
        (entity, "entity.sensor.care_level.state_attributes.since.name"),
        (entity, "entity.sensor.care_level.state_attributes.office_id.name"),
        (entity, "entity.sensor.care_level.state_attributes.monitoring.state.box_offline"),
        (entity, "entity.sensor.care_level.state_attributes.last_heard.name"),
        (issues, "issues.office_needs_mqtt.title"),
        (issues, "issues.office_needs_mqtt.description"),
        (exceptions, "exceptions.office_needs_mqtt.message"),
    ]
    for step in ("office",):
        for field in ("name", "root", "tolerance", "entities"):
            wanted.append((config, f"config.step.{step}.data.{field}"))
            wanted.append((config, f"config.step.{step}.data_description.{field}"))
    for field in ("root", "tolerance", "entities"):
        wanted.append((options, f"options.step.office.data.{field}"))
        wanted.append((options, f"options.step.office.data_description.{field}"))
    selectors = await async_get_translations(hass, language, "selector", [DOMAIN])
    for mode in ("full", "compact"):
        wanted.append((selectors, f"selector.office_entities.options.{mode}"))
    missing = [key for strings, key in wanted if not strings.get(f"{prefix}.{key}", "").strip()]
    assert missing == []
    if language == "ko":
        assert entity[f"{prefix}.entity.sensor.care_level.state.box_offline"] == "기기 끊김"
