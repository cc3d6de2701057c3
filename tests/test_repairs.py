"""Repairs: a source that disappears, the fix flow as the UI drives it, renamed sources.

The fix flow is driven through Home Assistant's repairs HTTP API, exactly as the frontend
does: POST /api/repairs/issues/fix to start it, POST /api/repairs/issues/fix/<flow_id>
to submit the form.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.care_plug import DOMAIN

from .common import attribute as _attr
from .common import value as _state
from .conftest import HOUSEHOLD_OPTIONS

THRESHOLDS = ("attention_after", "warning_after", "critical_after")
START = datetime(2026, 1, 15, 10, 0, 0, tzinfo=UTC)

TV = "sensor.tv_power"
KETTLE = "sensor.kettle_power"
FRIDGE = "sensor.fridge_power"
LUX = "sensor.living_room_illuminance"
MOTION = "binary_sensor.hallway_motion"
POWER = {"device_class": "power", "unit_of_measurement": "W"}
POWER_IN_KWH = {"device_class": "power", "unit_of_measurement": "kWh"}  # a faulty integration
ENERGY = {"device_class": "energy", "unit_of_measurement": "kWh"}  # an energy counter
LIGHT = {"device_class": "illuminance", "unit_of_measurement": "lx"}

CARE_LEVEL = "sensor.mum_care_level"
LAST_ACTIVITY = "sensor.mum_last_activity"
SOURCES_ONLINE = "sensor.mum_sources_online"
MONITORING = "sensor.mum_monitoring"


def _issue_id(entry: MockConfigEntry, entity_id: str) -> str:
    return f"missing_source_{entry.entry_id}_{entity_id}"


def _issue(hass: HomeAssistant, entry: MockConfigEntry, entity_id: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, _issue_id(entry, entity_id))


def _our_issues(hass: HomeAssistant) -> list[str]:
    return sorted(key[1] for key in ir.async_get(hass).issues if key[0] == DOMAIN)


def _register(hass: HomeAssistant, entity_id: str) -> er.RegistryEntry:
    """`entity_id` as a real registry entity of some plug integration."""
    domain, object_id = entity_id.split(".")
    # The registry keeps clear of ids in the state machine, so the state steps aside.
    state = hass.states.get(entity_id)
    hass.states.async_remove(entity_id)
    entry = er.async_get(hass).async_get_or_create(
        domain, "plugs", f"plug-{object_id}", suggested_object_id=object_id
    )
    if state is not None:
        hass.states.async_set(entity_id, state.state, state.attributes)
    assert entry.entity_id == entity_id
    return entry


def _remove(hass: HomeAssistant, entity_id: str) -> None:
    """The entity is deleted: out of the entity registry and the state machine."""
    er.async_get(hass).async_remove(entity_id)
    hass.states.async_remove(entity_id)


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.fixture
async def client(hass: HomeAssistant, hass_client: ClientSessionGenerator) -> TestClient[Any, Any]:
    """An admin's HTTP client, with the repairs integration loaded as in a real install."""
    assert await async_setup_component(hass, "repairs", {})
    await hass.async_block_till_done()
    client: TestClient[Any, Any] = await hass_client()
    return client


async def _start_fix(client: TestClient[Any, Any], issue_id: str) -> dict[str, Any]:
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert response.status == HTTPStatus.OK
    result: dict[str, Any] = await response.json()
    return result


async def _submit(
    client: TestClient[Any, Any], flow_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(f"/api/repairs/issues/fix/{flow_id}", json=data)
    assert response.status == HTTPStatus.OK
    result: dict[str, Any] = await response.json()
    return result


def _form(flow: dict[str, Any]) -> dict[str, Any]:
    """The parts of a fix flow's form that a user sees."""
    return {
        "type": flow["type"],
        "step_id": flow["step_id"],
        "errors": flow["errors"],
        "description_placeholders": flow["description_placeholders"],
        "fields": [field["name"] for field in flow["data_schema"]],
    }


def _expected_form(entity_id: str, errors: dict[str, str]) -> dict[str, Any]:
    return {
        "type": "form",
        "step_id": "init",
        "errors": errors,
        "description_placeholders": {"entity_id": entity_id, "household": "Mum"},
        "fields": ["replacement"],
    }


# ----------------------------------------------------------------------- raising issues


async def test_source_removed_from_registry_raises_a_repair_issue(
    hass: HomeAssistant, household_entry: MockConfigEntry
) -> None:
    """A deleted source names itself in a fixable error issue."""
    _register(hass, KETTLE)
    await _setup(hass, household_entry)
    assert _our_issues(hass) == []

    _remove(hass, KETTLE)
    await hass.async_block_till_done()

    issue = _issue(hass, household_entry, KETTLE)
    assert issue is not None
    assert issue.translation_key == "missing_source"
    assert issue.translation_placeholders == {"entity_id": KETTLE, "household": "Mum"}
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.is_fixable is True
    assert issue.is_persistent is False
    assert _our_issues(hass) == [_issue_id(household_entry, KETTLE)]
    # The household keeps watching the rest and says one source is gone.
    assert _state(hass, SOURCES_ONLINE) == "4"
    assert _attr(hass, SOURCES_ONLINE, "sources")[KETTLE] == "unavailable"
    assert _state(hass, MONITORING) == "degraded"


async def test_source_removed_from_registry_before_its_state(
    hass: HomeAssistant, household_entry: MockConfigEntry
) -> None:
    """The state goes first, then the registry entry: the issue comes with the latter."""
    _register(hass, KETTLE)
    await _setup(hass, household_entry)

    hass.states.async_remove(KETTLE)
    await hass.async_block_till_done()
    assert _issue(hass, household_entry, KETTLE) is None  # still registered: not gone

    er.async_get(hass).async_remove(KETTLE)
    await hass.async_block_till_done()
    assert _issue(hass, household_entry, KETTLE) is not None


async def test_source_missing_at_start_up_raises_an_issue_until_it_comes_back(
    hass: HomeAssistant, household_entry: MockConfigEntry
) -> None:
    """A source that does not exist at start-up is reported; its return clears it."""
    hass.states.async_remove(KETTLE)
    await _setup(hass, household_entry)

    issue = _issue(hass, household_entry, KETTLE)
    assert issue is not None
    assert issue.translation_key == "missing_source"
    assert issue.translation_placeholders == {"entity_id": KETTLE, "household": "Mum"}
    assert _our_issues(hass) == [_issue_id(household_entry, KETTLE)]
    assert _attr(hass, SOURCES_ONLINE, "sources")[KETTLE] == "unavailable"

    hass.states.async_set(KETTLE, "0", POWER)
    await hass.async_block_till_done()
    assert _issue(hass, household_entry, KETTLE) is None
    assert _our_issues(hass) == []
    assert _state(hass, SOURCES_ONLINE) == "5"
    assert _state(hass, MONITORING) == "ok"


async def test_registered_source_not_loaded_yet_is_no_issue(
    hass: HomeAssistant, household_entry: MockConfigEntry
) -> None:
    """A registered entity without a state is offline (its integration is not up), not gone."""
    _register(hass, KETTLE)
    hass.states.async_remove(KETTLE)
    await _setup(hass, household_entry)

    assert _our_issues(hass) == []
    assert _attr(hass, SOURCES_ONLINE, "sources")[KETTLE] == "unavailable"
    assert _state(hass, MONITORING) == "degraded"


async def test_disabled_source_raises_an_issue(
    hass: HomeAssistant, household_entry: MockConfigEntry
) -> None:
    """A source the user disabled gives no readings any more: that needs a repair."""
    _register(hass, KETTLE)
    er.async_get(hass).async_update_entity(KETTLE, disabled_by=er.RegistryEntryDisabler.USER)
    hass.states.async_remove(KETTLE)
    await _setup(hass, household_entry)

    assert _our_issues(hass) == [_issue_id(household_entry, KETTLE)]


async def test_removing_the_household_removes_its_issues(
    hass: HomeAssistant, household_entry: MockConfigEntry
) -> None:
    hass.states.async_remove(KETTLE)
    await _setup(hass, household_entry)
    assert _our_issues(hass) == [_issue_id(household_entry, KETTLE)]

    await hass.config_entries.async_remove(household_entry.entry_id)
    await hass.async_block_till_done()
    assert _our_issues(hass) == []


async def test_damaged_saved_state_raises_a_state_reset_warning(
    hass: HomeAssistant, household_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Unreadable saved state: the household starts afresh and says so."""
    hass_storage[f"{DOMAIN}.{household_entry.entry_id}"] = {
        "version": 1,
        "minor_version": 1,
        "key": f"{DOMAIN}.{household_entry.entry_id}",
        "data": {"engine": {"version": 99}},
    }
    await _setup(hass, household_entry)

    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"state_reset_{household_entry.entry_id}")
    assert issue is not None
    assert issue.translation_key == "state_reset"
    assert issue.translation_placeholders == {"household": "Mum"}
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.is_fixable is False
    assert household_entry.state is ConfigEntryState.LOADED
    assert _state(hass, CARE_LEVEL) == "normal"

    await hass.config_entries.async_remove(household_entry.entry_id)
    await hass.async_block_till_done()
    assert _our_issues(hass) == []


# ----------------------------------------------------------------------- the fix flow


async def test_fix_flow_replaces_the_source_and_watches_the_new_one(
    hass: HomeAssistant, household_entry: MockConfigEntry, client: TestClient[Any, Any]
) -> None:
    """The kettle's plug was re-paired under a new entity id: pick it, and it is watched."""
    _register(hass, KETTLE)
    await _setup(hass, household_entry)
    _remove(hass, KETTLE)
    hass.states.async_set("sensor.kettle_plug_power", "0", POWER)
    await hass.async_block_till_done()

    flow = await _start_fix(client, _issue_id(household_entry, KETTLE))
    assert _form(flow) == _expected_form(KETTLE, {})

    result = await _submit(client, flow["flow_id"], {"replacement": "sensor.kettle_plug_power"})
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()

    assert household_entry.options == {
        **HOUSEHOLD_OPTIONS,
        "power_sources": [TV, "sensor.kettle_plug_power"],
    }
    assert household_entry.state is ConfigEntryState.LOADED
    assert _our_issues(hass) == []
    assert _state(hass, SOURCES_ONLINE) == "5"
    assert set(_attr(hass, SOURCES_ONLINE, "sources")) == {
        TV,
        "sensor.kettle_plug_power",
        FRIDGE,
        LUX,
        MOTION,
    }
    assert _attr(hass, SOURCES_ONLINE, "sources")["sensor.kettle_plug_power"] == "ok"

    # The kettle is switched on: activity from the new entity.
    hass.states.async_set("sensor.kettle_plug_power", "2000", POWER)
    await hass.async_block_till_done()
    assert _attr(hass, LAST_ACTIVITY, "entity_id") == "sensor.kettle_plug_power"
    assert _state(hass, "sensor.mum_activity_today") == "1"
    assert _state(hass, MONITORING) == "ok"


async def test_fix_flow_left_empty_drops_the_source(
    hass: HomeAssistant, household_entry: MockConfigEntry, client: TestClient[Any, Any]
) -> None:
    _register(hass, KETTLE)
    await _setup(hass, household_entry)
    _remove(hass, KETTLE)
    await hass.async_block_till_done()

    flow = await _start_fix(client, _issue_id(household_entry, KETTLE))
    result = await _submit(client, flow["flow_id"], {})
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()

    assert household_entry.options == {**HOUSEHOLD_OPTIONS, "power_sources": [TV]}
    assert household_entry.state is ConfigEntryState.LOADED
    assert _our_issues(hass) == []
    assert _state(hass, SOURCES_ONLINE) == "4"
    assert _attr(hass, SOURCES_ONLINE, "sources_total") == 4
    assert _attr(hass, SOURCES_ONLINE, "sources") == {
        TV: "ok",
        FRIDGE: "ok",
        LUX: "ok",
        MOTION: "ok",
    }


async def test_monitoring_is_ok_as_soon_as_the_missing_source_is_dropped(
    hass: HomeAssistant, household_entry: MockConfigEntry, client: TestClient[Any, Any]
) -> None:
    """Every source left is online: the Monitoring sensor must not keep saying degraded."""
    _register(hass, KETTLE)
    await _setup(hass, household_entry)
    _remove(hass, KETTLE)
    await hass.async_block_till_done()
    assert _state(hass, MONITORING) == "degraded"

    flow = await _start_fix(client, _issue_id(household_entry, KETTLE))
    await _submit(client, flow["flow_id"], {})
    await hass.async_block_till_done()

    assert _state(hass, SOURCES_ONLINE) == "4"
    assert _state(hass, MONITORING) == "ok"


async def test_fix_flow_cannot_drop_the_only_activity_source(
    hass: HomeAssistant, client: TestClient[Any, Any]
) -> None:
    """Without its only appliance a household would see nobody: pick a replacement."""
    hass.states.async_set(TV, "0.4", POWER)
    hass.states.async_set(FRIDGE, "85", POWER)
    _register(hass, TV)
    options = {
        "name": "Mum",
        "power_sources": [TV],
        "background_power_sources": [FRIDGE],
        "risk_group": "high_risk",
    }
    entry = MockConfigEntry(domain=DOMAIN, title="Mum", options=options)
    entry.add_to_hass(hass)
    await _setup(hass, entry)
    _remove(hass, TV)
    await hass.async_block_till_done()

    flow = await _start_fix(client, _issue_id(entry, TV))
    result = await _submit(client, flow["flow_id"], {})
    assert _form(result) == _expected_form(TV, {"base": "no_activity_source"})
    # Nothing changed, and the issue stays until it is fixed.
    assert entry.options == options
    assert _our_issues(hass) == [_issue_id(entry, TV)]

    hass.states.async_set("sensor.new_tv_power", "0.4", POWER)
    result = await _submit(client, result["flow_id"], {"replacement": "sensor.new_tv_power"})
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()
    assert entry.options == {**options, "power_sources": ["sensor.new_tv_power"]}
    assert entry.state is ConfigEntryState.LOADED
    assert _our_issues(hass) == []


async def test_fix_flow_refuses_an_entity_already_watched(
    hass: HomeAssistant, household_entry: MockConfigEntry, client: TestClient[Any, Any]
) -> None:
    """The fridge is a background source already: it cannot also replace the kettle."""
    _register(hass, KETTLE)
    await _setup(hass, household_entry)
    _remove(hass, KETTLE)
    await hass.async_block_till_done()

    flow = await _start_fix(client, _issue_id(household_entry, KETTLE))
    for taken in (FRIDGE, TV):
        result = await _submit(client, flow["flow_id"], {"replacement": taken})
        assert _form(result) == _expected_form(KETTLE, {"base": "entity_in_two_roles"})
    assert household_entry.options == HOUSEHOLD_OPTIONS
    assert _our_issues(hass) == [_issue_id(household_entry, KETTLE)]


async def test_fix_flow_refuses_the_households_own_entities(
    hass: HomeAssistant, client: TestClient[Any, Any]
) -> None:
    """A household watching its own alert would take each alert for a sign of life.

    The radio (any entity may be an `other` source) is gone; the household's own
    entities are hidden from the picker, and refused with a translated error when
    picked anyway, by entity id or registry id.
    """
    radio = "media_player.radio"
    hass.states.async_set(TV, "0.4", POWER)
    hass.states.async_set(radio, "idle")
    _register(hass, radio)
    options = {"name": "Mum", "power_sources": [TV], "other_sources": [radio]}
    entry = MockConfigEntry(domain=DOMAIN, title="Mum", options=options)
    entry.add_to_hass(hass)
    await _setup(hass, entry)
    _remove(hass, radio)
    await hass.async_block_till_done()
    alert = er.async_get(hass).async_get("binary_sensor.mum_alert")
    assert alert is not None
    assert _state(hass, "binary_sensor.mum_alert") == "off"

    flow = await _start_fix(client, _issue_id(entry, radio))
    picker = flow["data_schema"][0]["selector"]["entity"]
    assert {"binary_sensor.mum_alert", CARE_LEVEL} <= set(picker["exclude_entities"])
    for picked in ("binary_sensor.mum_alert", alert.id, CARE_LEVEL, "button.mum_check_in"):
        result = await _submit(client, flow["flow_id"], {"replacement": picked})
        assert _form(result) == _expected_form(radio, {"base": "own_entity"})
    assert entry.options == options
    assert _our_issues(hass) == [_issue_id(entry, radio)]

    for language in ("en", "ko"):
        strings = await async_get_translations(hass, language, "issues", {DOMAIN})
        key = f"component.{DOMAIN}.issues.missing_source.fix_flow.error.own_entity"
        assert "Care Plug" in strings[key]


@pytest.mark.parametrize(
    ("replacement", "error"),
    [
        (State("sensor.kitchen_illuminance", "0", LIGHT), "wrong_kind"),
        (State("binary_sensor.kitchen_motion", "off", {"device_class": "motion"}), "wrong_kind"),
        (State("sensor.kettle_energy", "0", ENERGY), "wrong_kind"),
        (State("sensor.kettle_plug_power", "0", POWER_IN_KWH), "unit_not_convertible"),
        (State("sensor.not_there", "gone"), "entity_not_found"),
    ],
    ids=["illuminance", "motion", "energy_counter", "power_in_kwh", "missing"],
)
async def test_fix_flow_refuses_what_the_options_flow_refuses(
    hass: HomeAssistant,
    household_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    replacement: State,
    error: str,
) -> None:
    """The kettle's plug can only be replaced by a power sensor in a unit of power."""
    _register(hass, KETTLE)
    await _setup(hass, household_entry)
    _remove(hass, KETTLE)
    if error != "entity_not_found":
        hass.states.async_set(replacement.entity_id, replacement.state, replacement.attributes)
    await hass.async_block_till_done()

    flow = await _start_fix(client, _issue_id(household_entry, KETTLE))
    picker = flow["data_schema"][0]["selector"]["entity"]
    assert picker["filter"] == [{"domain": ["sensor"], "device_class": ["power"]}]
    result = await _submit(client, flow["flow_id"], {"replacement": replacement.entity_id})
    assert _form(result) == _expected_form(KETTLE, {"base": error})
    assert household_entry.options == HOUSEHOLD_OPTIONS

    # A plug shown in kW is a power sensor like any other.
    hass.states.async_set("sensor.new_kettle_power", "0", {**POWER, "unit_of_measurement": "kW"})
    result = await _submit(client, flow["flow_id"], {"replacement": "sensor.new_kettle_power"})
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()
    assert household_entry.options["power_sources"] == [TV, "sensor.new_kettle_power"]
    assert _our_issues(hass) == []


async def test_fix_flow_for_a_source_dropped_meanwhile_aborts(
    hass: HomeAssistant, household_entry: MockConfigEntry, client: TestClient[Any, Any]
) -> None:
    """The kettle was removed in the household's options while its repair was open."""
    _register(hass, KETTLE)
    await _setup(hass, household_entry)
    _remove(hass, KETTLE)
    await hass.async_block_till_done()

    flow = await _start_fix(client, _issue_id(household_entry, KETTLE))
    hass.config_entries.async_update_entry(
        household_entry, options={**HOUSEHOLD_OPTIONS, "power_sources": [TV]}
    )
    result = await _submit(client, flow["flow_id"], {"replacement": "sensor.other_power"})
    assert result["type"] == "abort"
    assert result["reason"] == "source_not_watched"


async def test_fix_flow_for_a_household_removed_meanwhile_aborts(
    hass: HomeAssistant, household_entry: MockConfigEntry, client: TestClient[Any, Any]
) -> None:
    _register(hass, KETTLE)
    await _setup(hass, household_entry)
    _remove(hass, KETTLE)
    await hass.async_block_till_done()

    flow = await _start_fix(client, _issue_id(household_entry, KETTLE))
    await hass.config_entries.async_remove(household_entry.entry_id)
    await hass.async_block_till_done()

    result = await _submit(client, flow["flow_id"], {"replacement": "sensor.other_power"})
    assert result["type"] == "abort"
    assert result["reason"] == "household_removed"


# ----------------------------------------------------------------------- renames


async def _kettle_from_an_integration(hass: HomeAssistant) -> None:
    """The kettle's power as a real entity of a loaded integration (a template sensor).

    Renaming it in the entity registry then goes exactly as at home: the entity's
    platform removes it and adds it again under the new id.
    """
    hass.states.async_remove(KETTLE)
    hass.states.async_set("sensor.kettle_plug_raw", "0")
    sensor = {
        "name": "Kettle power",
        "unique_id": "kettle-power",
        "state": "{{ states('sensor.kettle_plug_raw') }}",
        "device_class": "power",
        "unit_of_measurement": "W",
    }
    assert await async_setup_component(hass, "template", {"template": [{"sensor": [sensor]}]})
    await hass.async_block_till_done()
    assert _state(hass, KETTLE) == "0"
    assert er.async_get(hass).async_get(KETTLE) is not None


async def test_renamed_source_is_followed_without_an_issue(
    hass: HomeAssistant,
    household_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Renaming a source's entity id keeps the household watching it, and what it learned."""
    freezer.move_to(START)
    new_id = "sensor.kitchen_kettle_power"
    await _kettle_from_an_integration(hass)
    await _setup(hass, household_entry)
    events = async_capture_events(hass, "care_plug_event")

    # The kettle is used at 10:01 (on, then off), then nothing for an hour: attention.
    freezer.move_to(START + timedelta(minutes=1))
    hass.states.async_set("sensor.kettle_plug_raw", "2000")
    await hass.async_block_till_done()
    freezer.move_to(START + timedelta(minutes=4))
    hass.states.async_set("sensor.kettle_plug_raw", "0")
    await hass.async_block_till_done()
    freezer.move_to(START + timedelta(hours=1, minutes=5))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert _state(hass, CARE_LEVEL) == "attention"
    alert_id = _attr(hass, CARE_LEVEL, "alert_id")
    assert _attr(hass, LAST_ACTIVITY, "entity_id") == KETTLE
    assert _state(hass, "sensor.mum_activity_today") == "2"

    er.async_get(hass).async_update_entity(KETTLE, new_entity_id=new_id)
    await hass.async_block_till_done()
    assert hass.states.get(KETTLE) is None
    assert _state(hass, new_id) == "0"

    assert household_entry.options == {**HOUSEHOLD_OPTIONS, "power_sources": [TV, new_id]}
    assert household_entry.state is ConfigEntryState.LOADED
    assert _our_issues(hass) == []
    # The reloaded household knows the kettle under its new id, with its history.
    assert _state(hass, SOURCES_ONLINE) == "5"
    assert _attr(hass, SOURCES_ONLINE, "sources") == {
        TV: "ok",
        new_id: "ok",
        FRIDGE: "ok",
        LUX: "ok",
        MOTION: "ok",
    }
    assert _state(hass, MONITORING) == "ok"
    assert _attr(hass, LAST_ACTIVITY, "entity_id") == new_id
    assert _state(hass, CARE_LEVEL) == "attention"
    assert _attr(hass, CARE_LEVEL, "alert_id") == alert_id
    assert _state(hass, "sensor.mum_activity_today") == "2"
    # A rename is no monitoring problem: nobody is told a source went offline.
    assert [event.data["type"] for event in events] == ["alert"]

    # The kettle switched on under its new id ends the alert.
    freezer.move_to(START + timedelta(hours=1, minutes=10))
    hass.states.async_set("sensor.kettle_plug_raw", "1800")
    await hass.async_block_till_done()
    assert _state(hass, CARE_LEVEL) == "normal"
    assert _attr(hass, LAST_ACTIVITY, "entity_id") == new_id
    assert _state(hass, "sensor.mum_activity_today") == "3"
    resolved = events[-1].data
    assert (resolved["type"], resolved["resolved_by"], resolved["alert_id"]) == (
        "resolved",
        "activity",
        alert_id,
    )
    assert resolved["last_activity_entity"] == new_id
    assert _our_issues(hass) == []


async def test_source_dropped_in_the_options_takes_its_issue_with_it(
    hass: HomeAssistant, household_entry: MockConfigEntry
) -> None:
    """The user removes the gone source in the household's options instead of the repair."""
    _register(hass, KETTLE)
    await _setup(hass, household_entry)
    _remove(hass, KETTLE)
    await hass.async_block_till_done()
    assert _our_issues(hass) == [_issue_id(household_entry, KETTLE)]

    result = await hass.config_entries.options.async_init(household_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"risk_group": "custom"}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {key: household_entry.options[key] for key in THRESHOLDS},
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "power_sources": [TV],
            "background_power_sources": [FRIDGE],
            "light_sources": [LUX],
            "presence_sources": [MOTION],
            "other_sources": [],
            "advanced": {},
        },
    )
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()

    assert household_entry.options["power_sources"] == [TV]
    assert household_entry.state is ConfigEntryState.LOADED
    assert _our_issues(hass) == []
