"""Units: a power source in kW or mW is read in W, a light source must be in lx.

Home Assistant shows a power sensor in the unit its integration reports or the one the
user picked in the entity's settings. Read as watts, a 2 kW kettle in kW (2.0) would sit
below the 5 W standby threshold and never be "on".
"""

from __future__ import annotations

import math
from collections.abc import Generator
from unittest.mock import AsyncMock, patch

import pytest
from homeassistant.const import UnitOfPower
from homeassistant.core import HomeAssistant, State
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.util.unit_conversion import PowerConverter
from hypothesis import given
from hypothesis import strategies as st
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.care_plug.const import DOMAIN
from custom_components.care_plug.engine.model import Role
from custom_components.care_plug.engine.settings import Tuning
from custom_components.care_plug.engine.values import Fault, parse_number
from custom_components.care_plug.units import engine_state

from .test_config_flow import start

KETTLE = "sensor.kettle_power"
LUX = "sensor.living_room_illuminance"
POWER_UNITS = sorted(str(unit) for unit in PowerConverter.VALID_UNITS)
TUNING = Tuning()


def reading(value: str, unit: str | None = None, entity_id: str = KETTLE) -> State:
    return State(entity_id, value, {} if unit is None else {"unit_of_measurement": unit})


# ---------------------------------------------------------------- engine_state


@pytest.mark.parametrize(
    ("role", "state", "expected"),
    [
        (Role.POWER, reading("2.0", "kW"), "2000.0"),
        (Role.POWER, reading("5000", "mW"), "5.0"),
        (Role.POWER, reading("0.4", "W"), "0.4"),
        (Role.BACKGROUND_POWER, reading("0.085", "kW"), "85.0"),
        (Role.BACKGROUND_POWER, reading("85000", "mW"), "85.0"),
        (Role.POWER, reading("0.25", "MW"), "250000.0"),
        # No unit (many template and MQTT sensors): the role's own, W.
        (Role.POWER, reading("2000"), "2000"),
        (Role.LIGHT, reading("12", "lx"), "12"),
        (Role.LIGHT, reading("12"), "12"),
        # Other roles carry no unit: their states pass unchanged.
        (Role.PRESENCE, reading("on", None, "binary_sensor.hall_motion"), "on"),
        (Role.OTHER, reading("2.0", "kW"), "2.0"),
    ],
    ids=[
        "kw",
        "mw",
        "w",
        "background_kw",
        "background_mw",
        "megawatt",
        "power_no_unit",
        "lux",
        "light_no_unit",
        "presence",
        "other",
    ],
)
def test_engine_state_in_watts_and_lux(role: Role, state: State, expected: str) -> None:
    assert engine_state(role, state) == expected


@pytest.mark.parametrize(
    ("role", "state", "expected"),
    [
        (Role.POWER, reading("1.25", "kWh"), "unit:kWh"),
        (Role.BACKGROUND_POWER, reading("230", "V"), "unit:V"),
        (Role.POWER, reading("80", "VA"), "unit:VA"),
        (Role.LIGHT, reading("40", "%"), "unit:%"),
        (Role.LIGHT, reading("3", "W"), "unit:W"),
    ],
    ids=["energy_counter", "volts", "apparent_power", "light_percent", "light_in_watts"],
)
def test_a_unit_that_cannot_be_converted_makes_the_reading_invalid(
    role: Role, state: State, expected: str
) -> None:
    """The engine marks the source invalid: never activity, and shown as unhealthy."""
    result = engine_state(role, state)
    assert result == expected
    assert parse_number(result, math.inf) is Fault.INVALID


@pytest.mark.parametrize("value", ["unavailable", "unknown", "", "on", "12 W", "n/a"])
@pytest.mark.parametrize("unit", ["kW", "kWh", None])
def test_a_state_that_is_no_number_passes_unchanged(value: str, unit: str | None) -> None:
    """The engine tells `unavailable` (offline) from text (invalid): it must see them."""
    assert engine_state(Role.POWER, reading(value, unit)) == value
    assert engine_state(Role.LIGHT, reading(value, unit)) == value


def test_a_kettle_shown_in_kw_is_on() -> None:
    """The defect: 2.0 (kW) read as watts is below standby and the kettle is never on."""
    off = parse_number(engine_state(Role.POWER, reading("0.0", "kW")), TUNING.power_max_w)
    on = parse_number(engine_state(Role.POWER, reading("2.0", "kW")), TUNING.power_max_w)
    assert off == 0.0
    assert isinstance(on, float)
    assert on > TUNING.power_standby_w
    # And a fridge in mW does not look like a 5 kW appliance switching on and off.
    fridge = parse_number(engine_state(Role.POWER, reading("85000", "mW")), TUNING.power_max_w)
    assert fridge == 85.0


@given(
    value=st.floats(min_value=0, max_value=1e9, allow_nan=False),
    unit=st.sampled_from(POWER_UNITS),
)
def test_power_in_any_unit_reads_back_as_the_same_power(value: float, unit: str) -> None:
    """Converted back to its own unit, the watts given to the engine are the reading."""
    watts = float(engine_state(Role.POWER, reading(repr(value), unit)))
    assert math.isclose(
        PowerConverter.convert(watts, UnitOfPower.WATT, unit), value, rel_tol=1e-9, abs_tol=1e-12
    )


@given(
    low=st.floats(min_value=0, max_value=1e6, allow_nan=False),
    high=st.floats(min_value=0, max_value=1e6, allow_nan=False),
    unit=st.sampled_from(POWER_UNITS),
)
def test_conversion_keeps_the_order_of_readings(low: float, high: float, unit: str) -> None:
    """A higher draw stays higher: switching on is seen in any unit."""
    low, high = sorted((low, high))
    assert float(engine_state(Role.POWER, reading(repr(low), unit))) <= float(
        engine_state(Role.POWER, reading(repr(high), unit))
    )


@given(
    value=st.floats(allow_nan=True, allow_infinity=True),
    unit=st.text(max_size=8).filter(lambda u: u not in {"", *PowerConverter.VALID_UNITS}),
)
def test_any_number_in_a_foreign_unit_is_invalid(value: float, unit: str) -> None:
    assert parse_number(engine_state(Role.POWER, reading(repr(value), unit)), math.inf) is (
        Fault.INVALID
    )


@given(
    text=st.one_of(st.text(max_size=12), st.floats().map(repr)),
    unit=st.sampled_from([*POWER_UNITS, "kWh", "lx", "", None]),
)
def test_any_state_in_any_unit_gives_a_state_the_engine_can_judge(
    text: str, unit: str | None
) -> None:
    """Never raises; text passes unchanged; a number stays a number or is marked."""
    for role in Role:
        result = engine_state(role, reading(text, unit))
        try:
            float(text)
        except ValueError:
            assert result == text
            continue
        assert result.startswith("unit:") or isinstance(float(result), float)


# ---------------------------------------------------------------- the flows refuse


@pytest.fixture
def mock_setup() -> Generator[AsyncMock]:
    """The household's own setup is not under test here."""
    with (
        patch("custom_components.care_plug.async_setup", return_value=True, create=True),
        patch("custom_components.care_plug.async_unload_entry", return_value=True, create=True),
        patch(
            "custom_components.care_plug.async_setup_entry", return_value=True, create=True
        ) as setup_entry,
    ):
        yield setup_entry


@pytest.fixture
def home(hass: HomeAssistant) -> None:
    def power(entity_id: str, value: str, unit: str | None) -> None:
        attributes = {"device_class": "power"}
        if unit is not None:
            attributes["unit_of_measurement"] = unit
        hass.states.async_set(entity_id, value, attributes)

    power("sensor.tv_power", "80", "W")
    power(KETTLE, "0.0", "kW")
    power("sensor.fridge_power", "60000", "mW")
    power("sensor.plug_power", "3", None)
    # An integration that reports power in a unit no power converter knows.
    power("sensor.odd_plug_power", "1.2", "kWh")
    lux = {"device_class": "illuminance", "unit_of_measurement": "lx"}
    hass.states.async_set(LUX, "12", lux)
    hass.states.async_set("sensor.hall_brightness", "40", {**lux, "unit_of_measurement": "%"})
    hass.states.async_set("binary_sensor.hall_motion", "off", {"device_class": "motion"})


@pytest.mark.usefixtures("home", "mock_setup")
@pytest.mark.parametrize(
    ("sources", "entity_id", "unit"),
    [
        ({"power_sources": ["sensor.odd_plug_power"]}, "sensor.odd_plug_power", "kWh"),
        ({"background_power_sources": ["sensor.odd_plug_power"]}, "sensor.odd_plug_power", "kWh"),
        ({"light_sources": ["sensor.hall_brightness"]}, "sensor.hall_brightness", "%"),
    ],
    ids=["power", "background_power", "light"],
)
async def test_config_flow_refuses_a_source_in_a_unit_it_cannot_read(
    hass: HomeAssistant, sources: dict[str, list[str]], entity_id: str, unit: str
) -> None:
    result = await start(hass, "Mum", "at_risk")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"presence_sources": ["binary_sensor.hall_motion"], **sources}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "sources"
    assert result["errors"] == {"base": "unit_not_convertible"}
    placeholders = result["description_placeholders"] or {}
    assert (placeholders["entity_id"], placeholders["unit"]) == (entity_id, unit)
    assert hass.config_entries.async_entries(DOMAIN) == []


@pytest.mark.usefixtures("home", "mock_setup")
async def test_config_flow_accepts_any_unit_of_power_and_no_unit(hass: HomeAssistant) -> None:
    sources = {
        "power_sources": ["sensor.tv_power", KETTLE, "sensor.plug_power"],
        "background_power_sources": ["sensor.fridge_power"],
        "light_sources": [LUX],
    }
    result = await start(hass, "Mum", "at_risk")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], sources)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].options.items() >= sources.items()


@pytest.mark.usefixtures("mock_setup")
async def test_config_flow_reads_the_unit_of_an_entity_not_loaded_yet(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """Before its integration has started, the registry says which unit it will show."""
    hass.states.async_set("binary_sensor.hall_motion", "off", {"device_class": "motion"})
    meter = entity_registry.async_get_or_create(
        "sensor",
        "plugs",
        "meter-1",
        suggested_object_id="meter_power",
        original_device_class="power",
        unit_of_measurement="kWh",
    )
    plug = entity_registry.async_get_or_create(
        "sensor",
        "plugs",
        "plug-1",
        suggested_object_id="plug_power",
        original_device_class="power",
        unit_of_measurement=UnitOfPower.WATT,
    )
    # The user chose kW for the plug in its entity settings: still power.
    entity_registry.async_update_entity_options(
        plug.entity_id, "sensor", {"unit_of_measurement": UnitOfPower.KILO_WATT}
    )
    result = await start(hass, "Mum", "at_risk")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"power_sources": [meter.entity_id, plug.entity_id]}
    )
    assert result["errors"] == {"base": "unit_not_convertible"}
    assert (result["description_placeholders"] or {})["unit"] == "kWh"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"power_sources": [plug.entity_id]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("home", "mock_setup")
async def test_options_flow_refuses_a_source_in_a_unit_it_cannot_read(
    hass: HomeAssistant,
) -> None:
    options = {"name": "Mum", "risk_group": "at_risk", "power_sources": ["sensor.tv_power"]}
    entry = MockConfigEntry(domain=DOMAIN, title="Mum", options=options)
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"risk_group": "at_risk"}
    )
    assert result["step_id"] == "sources"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"power_sources": ["sensor.tv_power"], "light_sources": ["sensor.hall_brightness"]},
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unit_not_convertible"}
    placeholders = result["description_placeholders"] or {}
    assert (placeholders["entity_id"], placeholders["unit"]) == ("sensor.hall_brightness", "%")
    assert entry.options == options


# ------------------------------------------------------------------ through Home Assistant


async def test_a_household_reads_a_kettle_shown_in_kw_and_repairs_a_unit_it_cannot_read(
    hass: HomeAssistant,
) -> None:
    """A kettle the user shows in kW is still a kettle; an energy unit is flagged, not read."""
    from homeassistant.helpers import issue_registry as ir

    from .common import attribute, value
    from .conftest import HOUSEHOLD_OPTIONS, set_sources

    set_sources(hass)
    kw = {"device_class": "power", "unit_of_measurement": "kW"}
    hass.states.async_set("sensor.kettle_power", "0", kw)
    entry = MockConfigEntry(domain=DOMAIN, title="Mum", options=HOUSEHOLD_OPTIONS)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    hass.states.async_set("sensor.kettle_power", "2.0", kw)  # 2 kW: switched on
    await hass.async_block_till_done()
    assert attribute(hass, "sensor.mum_last_activity", "entity_id") == "sensor.kettle_power"
    issue_id = f"source_unit_{entry.entry_id}_sensor.kettle_power"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None

    kwh = {"device_class": "energy", "unit_of_measurement": "kWh"}
    hass.states.async_set("sensor.kettle_power", "12.5", kwh)
    await hass.async_block_till_done()
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {
        "entity_id": "sensor.kettle_power",
        "household": "Mum",
        "unit": "kWh",
    }
    health = attribute(hass, "sensor.mum_sources_online", "sources")
    assert health["sensor.kettle_power"] == "invalid"
    hass.states.async_set("sensor.kettle_power", "12.6", kwh)  # no second issue, no churn
    await hass.async_block_till_done()

    hass.states.async_set("sensor.kettle_power", "0", kw)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert value(hass, "sensor.mum_sources_online") == "5"
