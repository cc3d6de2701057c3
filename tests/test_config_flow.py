"""The household config flow and options flow, driven the way the UI drives them."""

from __future__ import annotations

import json
from collections.abc import Generator, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any, cast
from unittest.mock import AsyncMock, patch

import probatio
import pytest
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType, section
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.schema_config_entry_flow import SchemaFlowFormStep
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.care_plug.config_flow import ADVANCED_SCHEMA, CONFIG_FLOW, OPTIONS_FLOW
from custom_components.care_plug.const import DOMAIN
from custom_components.care_plug.engine.settings import (
    DURATION_TUNING,
    HOUR,
    NUMBER_TUNING,
    PRESETS,
    HouseholdSettings,
    Tuning,
)

TRANSLATIONS = Path(__file__).parents[1] / "custom_components" / "care_plug" / "translations"

NO_SOURCES: dict[str, list[str]] = {
    "power_sources": [],
    "background_power_sources": [],
    "light_sources": [],
    "presence_sources": [],
    "other_sources": [],
}
SOURCES: dict[str, list[str]] = {
    "power_sources": ["sensor.tv_power", "sensor.kettle_power"],
    "background_power_sources": ["sensor.fridge_power"],
    "light_sources": ["sensor.living_room_illuminance"],
    "presence_sources": ["binary_sensor.hall_motion"],
    "other_sources": [],
}


def hours(value: int) -> dict[str, int]:
    return {"hours": value, "minutes": 0, "seconds": 0}


@pytest.fixture
def mock_setup() -> Generator[AsyncMock]:
    """The household's own setup is not under test here: count its calls instead."""
    with (
        patch("custom_components.care_plug.async_setup", return_value=True, create=True),
        patch(
            "custom_components.care_plug.async_unload_entry", return_value=True, create=True
        ) as unload,
        patch(
            "custom_components.care_plug.async_setup_entry", return_value=True, create=True
        ) as setup_entry,
    ):
        setup_entry.unload = unload
        yield setup_entry


@pytest.fixture
def home(hass: HomeAssistant) -> None:
    """The devices of a small flat."""
    power = {"device_class": "power", "unit_of_measurement": "W"}
    hass.states.async_set("sensor.tv_power", "80", power)
    hass.states.async_set("sensor.kettle_power", "0", power)
    hass.states.async_set("sensor.fridge_power", "60", power)
    hass.states.async_set("sensor.living_room_illuminance", "12", {"device_class": "illuminance"})
    hass.states.async_set("binary_sensor.hall_motion", "off", {"device_class": "motion"})
    hass.states.async_set("media_player.radio", "idle")


def schema_of(result: FlowResult[Any, Any]) -> probatio.Schema:
    """The form's schema: every step of these flows shows a form."""
    schema = result["data_schema"]
    assert isinstance(schema, probatio.Schema)
    return schema


def suggested(result: FlowResult[Any, Any]) -> dict[str, Any]:
    """The values a form shows pre-filled, with a section's values under its key."""

    def walk(schema: probatio.Schema) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, value in schema.schema.items():
            if isinstance(value, section):
                values[key.schema] = walk(value.schema)
            elif key.description and "suggested_value" in key.description:
                values[key.schema] = key.description["suggested_value"]
        return values

    return walk(schema_of(result))


async def start(hass: HomeAssistant, name: str, risk_group: str) -> FlowResult[Any, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU  # a household, or a welfare office
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "household"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "household"
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"name": name, "risk_group": risk_group}
    )


def add_household(hass: HomeAssistant, title: str, options: dict[str, Any]) -> MockConfigEntry:
    entry = MockConfigEntry(domain=DOMAIN, title=title, options={"name": title, **options})
    entry.add_to_hass(hass)
    return entry


@pytest.mark.usefixtures("home")
async def test_preset_household(hass: HomeAssistant, mock_setup: AsyncMock) -> None:
    result = await start(hass, "  Mum's flat ", "high_risk")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "sources"
    assert result["errors"] is None
    assert result["last_step"] is True

    result = await hass.config_entries.flow.async_configure(result["flow_id"], SOURCES)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Mum's flat"
    assert result["data"] == {}
    options = result["result"].options
    # Flat, with no thresholds (the preset applies) and no tuning left at its default.
    assert options == {
        "name": "Mum's flat",
        "risk_group": "high_risk",
        "sensitivity": "normal",
        **SOURCES,
    }
    settings = HouseholdSettings.from_options(options)
    assert settings.thresholds == (12 * HOUR, 18 * HOUR, 24 * HOUR)
    assert settings.tuning == Tuning()
    await hass.async_block_till_done()
    assert mock_setup.call_count == 1
    assert result["result"].state is ConfigEntryState.LOADED


@pytest.mark.usefixtures("home")
async def test_custom_household(hass: HomeAssistant, mock_setup: AsyncMock) -> None:
    result = await start(hass, "Grandpa", "custom")
    assert result["step_id"] == "thresholds"
    assert result["last_step"] is False
    # Custom starts from the at-risk preset.
    assert suggested(result) == {
        "attention_after": hours(12),
        "warning_after": hours(24),
        "critical_after": hours(36),
    }

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "attention_after": {"hours": 6},
            "warning_after": {"hours": "12"},
            "critical_after": {"days": 1},
        },
    )
    assert result["step_id"] == "sources"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            **SOURCES,
            "advanced": {"power_standby_w": 8, "reminder_interval": {"hours": 1, "minutes": 0}},
        },
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Grandpa"
    options = result["result"].options
    assert options == {
        "name": "Grandpa",
        "risk_group": "custom",
        "sensitivity": "normal",
        "attention_after": hours(6),
        "warning_after": hours(12),
        "critical_after": hours(24),
        **SOURCES,
        "power_standby_w": 8.0,
        "reminder_interval": hours(1),
    }
    settings = HouseholdSettings.from_options(options)
    assert settings.thresholds == (6 * HOUR, 12 * HOUR, 24 * HOUR)
    assert settings.tuning.power_standby_w == 8.0
    assert settings.tuning.reminder_interval_seconds == HOUR


@pytest.mark.usefixtures("home", "mock_setup")
@pytest.mark.parametrize(
    ("thresholds", "error"),
    [
        ({"attention_after": {"seconds": 30}}, "threshold_out_of_range"),
        ({"critical_after": {"days": 15}}, "threshold_out_of_range"),
        ({"warning_after": {"hours": 12}}, "thresholds_not_increasing"),
        ({"critical_after": {"hours": 20}}, "thresholds_not_increasing"),
    ],
)
async def test_threshold_errors(
    hass: HomeAssistant, thresholds: dict[str, Any], error: str
) -> None:
    result = await start(hass, "Mum", "custom")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], thresholds)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "thresholds"
    assert result["errors"] == {"base": error}
    # The form keeps what the user typed.
    assert suggested(result).items() >= thresholds.items()

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"attention_after": hours(12), "warning_after": hours(24), "critical_after": hours(36)},
    )
    assert result["step_id"] == "sources"


@pytest.mark.usefixtures("home", "mock_setup")
@pytest.mark.parametrize(
    ("sources", "error", "placeholders"),
    [
        ({}, "no_activity_source", {}),
        ({"background_power_sources": ["sensor.fridge_power"]}, "no_activity_source", {}),
        (
            {"power_sources": ["sensor.tv_power", "sensor.ghost_power"]},
            "entity_not_found",
            {"entity_id": "sensor.ghost_power"},
        ),
        (
            {"power_sources": ["sensor.tv_power"], "other_sources": ["sensor.tv_power"]},
            "entity_in_two_roles",
            {"entity_id": "sensor.tv_power"},
        ),
        (
            {"power_sources": ["sensor.tv_power"], "advanced": {"power_step_w": "nan"}},
            "invalid_settings",
            {"details": "power_step_w must be a non-negative number"},
        ),
    ],
)
async def test_source_errors(
    hass: HomeAssistant, sources: dict[str, Any], error: str, placeholders: dict[str, str]
) -> None:
    result = await start(hass, "Mum", "at_risk")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], sources)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "sources"
    assert result["errors"] == {"base": error}
    assert result["description_placeholders"] == {
        "entity_id": "",
        "details": "",
        "unit": "",
        **placeholders,
    }
    shown = suggested(result)
    for key, value in sources.items():
        if key != "advanced":
            assert shown[key] == value

    result = await hass.config_entries.flow.async_configure(result["flow_id"], SOURCES)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].options == {
        "name": "Mum",
        "risk_group": "at_risk",
        "sensitivity": "normal",
        **SOURCES,
    }


@pytest.mark.usefixtures("home", "mock_setup")
async def test_registered_entities_are_accepted(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """An entity whose integration is not running yet is known to the registry; the UI may
    send a registry id instead of an entity id; a repeated entity is kept once."""
    lamp = entity_registry.async_get_or_create(
        "sensor",
        "zha",
        "lux-1",
        suggested_object_id="lamp",
        original_device_class="illuminance",
        unit_of_measurement="lx",
    )
    assert hass.states.get(lamp.entity_id) is None
    result = await start(hass, "Mum", "general")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "light_sources": [lamp.id],
            "power_sources": ["sensor.tv_power", "sensor.tv_power"],
        },
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].options == {
        "name": "Mum",
        "risk_group": "general",
        "sensitivity": "normal",
        **NO_SOURCES,
        "power_sources": ["sensor.tv_power"],
        "light_sources": ["sensor.lamp"],
    }


@pytest.mark.usefixtures("home", "mock_setup")
async def test_own_entities_cannot_be_sources(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """A household's own entities change when it alerts: watching them would feed back.

    The pickers hide them; picked anyway (by entity id or by registry id, as a script or
    an older form may send), the step refuses them with an error that says why.
    """
    own = entity_registry.async_get_or_create(
        "binary_sensor", DOMAIN, "other-alert", suggested_object_id="other_alert"
    )
    hass.states.async_set(own.entity_id, "off", {"device_class": "problem"})
    result = await start(hass, "Mum", "at_risk")
    for key in SOURCES:
        selector = next(v for k, v in schema_of(result).schema.items() if k == key)
        assert selector.config["exclude_entities"] == [own.entity_id]

    for picked in (own.entity_id, own.id):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {**SOURCES, "other_sources": [picked]}
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": "own_entity"}
        assert (result["description_placeholders"] or {})["entity_id"] == own.entity_id
    assert hass.config_entries.async_entries(DOMAIN) == []


@pytest.mark.usefixtures("home", "mock_setup")
@pytest.mark.parametrize(
    ("sources", "entity_id"),
    [
        ({"power_sources": ["sensor.living_room_illuminance"]}, "sensor.living_room_illuminance"),
        ({"light_sources": ["sensor.tv_power"]}, "sensor.tv_power"),
        ({"presence_sources": ["media_player.radio"]}, "media_player.radio"),
        ({"background_power_sources": ["binary_sensor.hall_motion"]}, "binary_sensor.hall_motion"),
        ({"power_sources": ["sensor.outdoor_temperature"]}, "sensor.outdoor_temperature"),
    ],
    ids=["lux_as_power", "power_as_light", "player_as_presence", "motion_as_fridge", "no_class"],
)
async def test_sources_of_the_wrong_kind_are_refused(
    hass: HomeAssistant, sources: dict[str, list[str]], entity_id: str
) -> None:
    """Each role reads one kind of entity: the kind its picker offers."""
    hass.states.async_set("sensor.outdoor_temperature", "21", {"unit_of_measurement": "°C"})
    result = await start(hass, "Mum", "at_risk")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"presence_sources": ["binary_sensor.hall_motion"], **sources}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "wrong_kind"}
    assert (result["description_placeholders"] or {})["entity_id"] == entity_id


@pytest.mark.usefixtures("mock_setup")
async def test_duplicate_name_aborts(hass: HomeAssistant) -> None:
    add_household(hass, "Mum's flat", {"risk_group": "at_risk", **SOURCES})

    result = await start(hass, "  mum's FLAT ", "general")

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


@pytest.mark.usefixtures("mock_setup")
async def test_blank_name(hass: HomeAssistant) -> None:
    result = await start(hass, "   ", "at_risk")

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "household"
    assert result["errors"] == {"base": "name_empty"}


async def _loaded(hass: HomeAssistant, options: dict[str, Any]) -> MockConfigEntry:
    entry = add_household(hass, "Mum", options)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.mark.usefixtures("home")
async def test_options_change_sources_and_reload(
    hass: HomeAssistant, mock_setup: AsyncMock
) -> None:
    entry = await _loaded(
        hass, {"risk_group": "at_risk", **SOURCES, "power_standby_w": 8.0, "light_dark_lx": 20.0}
    )
    assert mock_setup.call_count == 1

    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == "init"
    assert suggested(result) == {"risk_group": "at_risk"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"risk_group": "at_risk"}
    )
    assert result["step_id"] == "sources"
    # The form opens with the household's sources and tuning, the section's too.
    assert suggested(result) == {
        **SOURCES,
        "advanced": {"power_standby_w": 8.0, "light_dark_lx": 20.0},
        "office": {},
    }

    new_sources = {**SOURCES, "other_sources": ["media_player.radio"], "power_sources": []}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {**new_sources, "advanced": {"power_standby_w": 8.0, "light_dark_lx": 30.0}},
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    # light_dark_lx went back to its default, so it is no longer stored.
    assert entry.options == {
        "name": "Mum",
        "risk_group": "at_risk",
        "sensitivity": "normal",
        **new_sources,
        "power_standby_w": 8.0,
    }
    HouseholdSettings.from_options(entry.options)
    # The household was reloaded with its new options.
    assert mock_setup.unload.call_count == 1
    assert mock_setup.call_count == 2
    assert mock_setup.call_args.args[1].options == entry.options
    assert entry.state is ConfigEntryState.LOADED


@pytest.mark.usefixtures("home", "mock_setup")
async def test_options_custom_to_preset_drops_thresholds(hass: HomeAssistant) -> None:
    entry = await _loaded(
        hass,
        {
            "risk_group": "custom",
            "attention_after": hours(2),
            "warning_after": hours(4),
            "critical_after": hours(8),
            **SOURCES,
        },
    )

    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"risk_group": "general"}
    )
    assert result["step_id"] == "sources"
    result = await hass.config_entries.options.async_configure(result["flow_id"], SOURCES)
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {
        "name": "Mum",
        "risk_group": "general",
        "sensitivity": "normal",
        **SOURCES,
    }
    settings = HouseholdSettings.from_options(entry.options)
    assert settings.thresholds == (12 * HOUR, 30 * HOUR, 50 * HOUR)


@pytest.mark.usefixtures("home", "mock_setup")
async def test_options_preset_to_custom(hass: HomeAssistant) -> None:
    entry = await _loaded(hass, {"risk_group": "general", **SOURCES})

    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"risk_group": "custom"}
    )
    assert result["step_id"] == "thresholds"
    # The times start from the preset the household is leaving.
    assert suggested(result) == {
        "attention_after": hours(12),
        "warning_after": hours(30),
        "critical_after": hours(50),
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"attention_after": hours(10), "warning_after": hours(30), "critical_after": hours(48)},
    )
    result = await hass.config_entries.options.async_configure(result["flow_id"], SOURCES)
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {
        "name": "Mum",
        "risk_group": "custom",
        "sensitivity": "normal",
        "attention_after": hours(10),
        "warning_after": hours(30),
        "critical_after": hours(48),
        **SOURCES,
    }
    assert HouseholdSettings.from_options(entry.options).thresholds == (
        10 * HOUR,
        30 * HOUR,
        48 * HOUR,
    )


@pytest.mark.usefixtures("home", "mock_setup")
async def test_options_custom_keeps_its_times(hass: HomeAssistant) -> None:
    thresholds = {
        "attention_after": hours(2),
        "warning_after": hours(4),
        "critical_after": hours(8),
    }
    entry = await _loaded(hass, {"risk_group": "custom", **thresholds, **SOURCES})

    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"risk_group": "custom"}
    )

    assert result["step_id"] == "thresholds"
    assert suggested(result) == thresholds


FLOWS = {"config": CONFIG_FLOW, "options": OPTIONS_FLOW}


def _form_steps(flow: Mapping[str, Any]) -> set[str]:
    """The steps that show a form (not the menu)."""
    return {step for step, form in flow.items() if isinstance(form, SchemaFlowFormStep)}


def _keys(schema: probatio.Schema) -> tuple[set[str], dict[str, set[str]]]:
    """A step's field keys, and each section's field keys."""
    plain = {k.schema for k, v in schema.schema.items() if not isinstance(v, section)}
    sections = {
        k.schema: {inner.schema for inner in v.schema.schema}
        for k, v in schema.schema.items()
        if isinstance(v, section)
    }
    return plain, sections


async def _forms(
    hass: HomeAssistant,
) -> tuple[dict[tuple[str, str], probatio.Schema], dict[tuple[str, str], list[str]]]:
    """Every form of both flows, and the menu's options, reached the way a user reaches them.

    The config flow's menu leads to a household's steps and to a welfare office's; the
    options flow of a household shows its steps, that of an office its own.
    """
    forms: dict[tuple[str, str], probatio.Schema] = {}
    menus: dict[tuple[str, str], list[str]] = {}
    custom = {"attention_after": hours(1), "warning_after": hours(2), "critical_after": hours(3)}
    config = hass.config_entries.flow
    household_answers = ({"name": "New", "risk_group": "custom"}, custom, None)
    for choice, answers in (("household", household_answers), ("office", (None,))):
        result = await config.async_init(DOMAIN, context={"source": SOURCE_USER})
        assert result["type"] is FlowResultType.MENU
        menus["config", result["step_id"]] = list(cast(list[str], result["menu_options"]))
        result = await config.async_configure(result["flow_id"], {"next_step_id": choice})
        for answer in answers:
            forms["config", result["step_id"]] = schema_of(result)
            if answer is not None:
                result = await config.async_configure(result["flow_id"], answer)
        config.async_abort(result["flow_id"])
    entry = add_household(hass, "Mum", {"risk_group": "at_risk", **SOURCES})
    options = hass.config_entries.options
    result = await options.async_init(entry.entry_id)
    for answer in ({"risk_group": "custom"}, custom, None):
        forms["options", result["step_id"]] = schema_of(result)
        if answer is not None:
            result = await options.async_configure(result["flow_id"], answer)
    options.async_abort(result["flow_id"])
    office = add_household(
        hass,
        "District office",
        {"kind": "office", "root": "care_plug", "tolerance": {"minutes": 15}},
    )
    result = await options.async_init(office.entry_id)
    forms["options", result["step_id"]] = schema_of(result)
    options.async_abort(result["flow_id"])
    return forms, menus


@pytest.mark.usefixtures("home")
@pytest.mark.parametrize("language", ["en", "ko"])
async def test_every_field_is_explained(hass: HomeAssistant, language: str) -> None:
    """Each step has a title and description; each field a label and a description."""
    strings = json.loads((TRANSLATIONS / f"{language}.json").read_text(encoding="utf-8"))
    forms, menus = await _forms(hass)
    assert set(forms) == {
        *((flow_type, step) for flow_type, flow in FLOWS.items() for step in _form_steps(flow)),
    }
    assert ("config", "office") in forms
    assert ("options", "office") in forms
    assert menus == {("config", "user"): ["household", "office"]}
    for (flow_type, step_id), options in menus.items():
        text = strings[flow_type]["step"][step_id]
        assert text["title"]
        assert text["description"]
        assert set(text["menu_options"]) == set(options)
        assert set(text["menu_option_descriptions"]) == set(options)
        assert all(text["menu_options"].values())
        assert all(text["menu_option_descriptions"].values())
    for (flow_type, step_id), schema in forms.items():
        # The frontend can draw it.
        assert probatio.to_field_list(schema, custom_serializer=cv.custom_serializer)
        text = strings[flow_type]["step"][step_id]
        assert text["title"]
        assert text["description"]
        plain, sections = _keys(schema)
        assert set(text["data"]) == plain
        assert set(text["data_description"]) == plain
        for name, keys in sections.items():
            assert text["sections"][name]["name"]
            assert set(text["sections"][name]["data"]) == keys
            assert set(text["sections"][name]["data_description"]) == keys
    errors = {
        "name_empty",
        "threshold_out_of_range",
        "thresholds_not_increasing",
        "no_activity_source",
        "entity_not_found",
        "entity_in_two_roles",
        "invalid_settings",
        "own_entity",
        "wrong_kind",
        "unit_not_convertible",
        # The welfare office section (office/box_options.py).
        "invalid_office_id",
        "invalid_office_root",
        "heartbeat_out_of_range",
        "office_id_taken",
        "entrance_not_presence",
    }
    # The welfare office's own step (office/hub_flow.py); its options refuse a root in use.
    office = {"name_empty", "invalid_office_root", "tolerance_out_of_range"}
    office_options = {"invalid_office_root", "tolerance_out_of_range", "root_in_use"}
    assert set(strings["config"]["error"]) == errors | office
    assert set(strings["options"]["error"]) == (errors - {"name_empty"}) | office_options
    for flow_type in ("config", "options"):
        assert "{entity_id}" in strings[flow_type]["error"]["entity_not_found"]
        assert "{entity_id}" in strings[flow_type]["error"]["entity_in_two_roles"]
        assert "{details}" in strings[flow_type]["error"]["invalid_settings"]
        for error in ("own_entity", "wrong_kind"):
            assert "{entity_id}" in strings[flow_type]["error"][error]
        assert "{unit}" in strings[flow_type]["error"]["unit_not_convertible"]
    assert strings["config"]["abort"]["already_configured"]
    labels = strings["selector"]["risk_group"]["options"]
    assert set(labels) == {"high_risk", "at_risk", "general", "custom"}
    unit = "시간" if language == "ko" else " h"
    for group, presets in PRESETS.items():
        for value in presets:
            assert f"{value:g}{unit}" in labels[group]


def test_advanced_section_offers_every_tuning_value() -> None:
    """Every Tuning field but the absurd-value limits, each defaulting to the engine's."""
    assert {*NUMBER_TUNING, *DURATION_TUNING.values()} == {
        field.name for field in fields(Tuning)
    } - {"power_max_w", "light_max_lx"}
    defaults = {marker.schema: marker.default() for marker in ADVANCED_SCHEMA.schema}
    assert set(defaults) == {*NUMBER_TUNING, *DURATION_TUNING}
    assert (
        HouseholdSettings.from_options({"power_sources": ["sensor.tv_power"], **defaults}).tuning
        == Tuning()
    )
