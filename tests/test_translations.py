"""Translations, icons and action descriptions: every key the code uses exists, in both languages.

Home Assistant shows a raw key (or nothing) for a missing translation and a raw
`{placeholder}` for one it was given no value for; hassfest does not run on the Korean
file. These tests read the code itself (descriptions, the actions' schemas, the
`translation_key=` arguments, the flows' validators), so a key added in code without
its strings fails here.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import sys
import types
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import probatio as vol
import pytest
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import section
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.schema_config_entry_flow import SchemaFlowFormStep, SchemaFlowMenuStep
from homeassistant.helpers.typing import UndefinedType
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.care_plug import (
    DOMAIN,
    binary_sensor,
    button,
    config_flow,
    event,
    issues,
    lifecycle,
    sensor,
    services,
    switch,
)
from custom_components.care_plug.engine.model import (
    SENSITIVITIES,
    Explanation,
    HouseholdStatus,
    Level,
    Monitoring,
    Reason,
)
from custom_components.care_plug.engine.settings import RISK_GROUPS
from custom_components.care_plug.office import hub, hub_const, hub_entities, hub_flow
from custom_components.care_plug.office.hub_state import (
    LEVELS,
    MONITORING_STATES,
    OfficeState,
    Remote,
    Status,
)

PACKAGE = Path(__file__).parent.parent / "custom_components" / DOMAIN
LANGUAGES = ("en", "ko")
PLACEHOLDER = re.compile(r"\{(\w+)\}")

ENTITY_DESCRIPTIONS: dict[Platform, tuple[EntityDescription, ...]] = {
    Platform.BINARY_SENSOR: (binary_sensor.ALERT,),
    Platform.BUTTON: button.BUTTONS,
    Platform.EVENT: (event.CARE_ALERT,),
    Platform.SENSOR: sensor.SENSORS,
    Platform.SWITCH: (switch.AWAY,),
}
# A welfare office's entities; where they show what a household's show, under the same keys.
OFFICE_ENTITY_DESCRIPTIONS: dict[Platform, tuple[EntityDescription, ...]] = {
    Platform.BINARY_SENSOR: (hub_entities.ALERT,),
    Platform.BUTTON: hub_entities.BUTTONS,
    Platform.SENSOR: (*hub_entities.SENSORS, hub_entities.DROPPED_MESSAGES),
}
ENTITIES = [
    pytest.param(platform, description, id=f"{kind}{platform.value}-{description.key}")
    for kind, described in (("", ENTITY_DESCRIPTIONS), ("office-", OFFICE_ENTITY_DESCRIPTIONS))
    for platform, descriptions in described.items()
    for description in descriptions
]


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PACKAGE / name).read_text(encoding="utf-8"))
    return data


TRANSLATIONS = {language: _load(f"translations/{language}.json") for language in LANGUAGES}
ICONS = _load("icons.json")
# Read the way Home Assistant reads it.
SERVICES_YAML: dict[str, Any] = load_yaml_dict(PACKAGE / "services.yaml")


def _leaves(tree: Mapping[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for key, value in tree.items():
        if isinstance(value, Mapping):
            yield from _leaves(value, (*path, key))
        else:
            yield (*path, key)


def _get(tree: Mapping[str, Any], *path: str) -> Any:
    node: Any = tree
    for key in path:
        assert isinstance(node, Mapping), f"missing {'.'.join(path)}"
        assert key in node, f"missing {'.'.join(path)}"
        node = node[key]
    return node


def _text(language: str, *path: str) -> str:
    value = _get(TRANSLATIONS[language], *path)
    assert isinstance(value, str), f"{language}: {'.'.join(path)} is not a string"
    assert value.strip(), f"{language}: {'.'.join(path)} is empty"
    return value


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _each_language() -> pytest.MarkDecorator:
    return pytest.mark.parametrize("language", LANGUAGES)


# ------------------------------------------------------------------ the two files agree


def test_english_and_korean_have_the_same_keys() -> None:
    assert set(_leaves(TRANSLATIONS["ko"])) == set(_leaves(TRANSLATIONS["en"]))


def test_english_and_korean_use_the_same_placeholders_in_every_string() -> None:
    differ = {
        ".".join(path): (_placeholders(_get(TRANSLATIONS["en"], *path)),
                         _placeholders(_get(TRANSLATIONS["ko"], *path)))
        for path in _leaves(TRANSLATIONS["en"])
        if _placeholders(_get(TRANSLATIONS["en"], *path))
        != _placeholders(_get(TRANSLATIONS["ko"], *path))
    }  # fmt: skip
    assert differ == {}


@_each_language()
def test_every_string_is_text_with_balanced_braces(language: str) -> None:
    for path in _leaves(TRANSLATIONS[language]):
        text = _text(language, *path)
        stripped = PLACEHOLDER.sub("", text)
        assert "{" not in stripped, f"{language}: stray brace in {'.'.join(path)}"
        assert "}" not in stripped, f"{language}: stray brace in {'.'.join(path)}"


def test_korean_is_translated() -> None:
    """Every Korean sentence is Korean, not English left in place."""
    hangul = re.compile("[\uac00-\ud7a3]")
    untranslated = [
        ".".join(path)
        for path in _leaves(TRANSLATIONS["ko"])
        if not hangul.search(_get(TRANSLATIONS["ko"], *path))
        and _get(TRANSLATIONS["ko"], *path) == _get(TRANSLATIONS["en"], *path)
        and len(_get(TRANSLATIONS["en"], *path).split()) > 2
    ]
    assert untranslated == []


# ------------------------------------------------------------------ entities


def test_the_described_platforms_are_the_platforms_set_up() -> None:
    assert set(ENTITY_DESCRIPTIONS) == set(lifecycle.PLATFORMS)
    assert set(OFFICE_ENTITY_DESCRIPTIONS) == set(hub.PLATFORMS)


def _sample_status() -> HouseholdStatus:
    moment = datetime(2026, 1, 15, 6, 0, tzinfo=UTC)
    return HouseholdStatus(
        level=Level.ATTENTION,
        reason=Reason.INACTIVITY,
        alert_id="20260115T060000Z-1",
        acknowledged=False,
        monitoring=Monitoring.OK,
        last_activity=moment,
        last_activity_entity="sensor.kettle_power",
        quiet_since=moment,
        next_escalation=moment,
        next_level=Level.WARNING,
        away_until=None,
        activity_today=1,
        sources_online=1,
        sources_total=1,
        source_health=(("sensor.kettle_power", "ok"),),
        routine_days=8.5,
        routine_ready=True,
        explanation=Explanation(
            usual_activities=6,
            window_start="07:00",
            window_end="10:00",
            quiet_since="22:41",
            usual_longest_minutes=180,
        ),
    )


def _sample_remote() -> Remote:
    """A household as the office sees it, its box reporting."""
    moment = datetime(2026, 1, 15, 6, 0, tzinfo=UTC)
    remote = Remote("GN-0142")
    remote.status = Status(
        name=None,
        level="attention",
        reason="inactivity",
        alert_id="20260115T060000Z-1",
        acknowledged=False,
        monitoring="ok",
        last_activity=moment,
        inactive_seconds=3600.0,
        next_escalation=moment,
        next_level="warning",
        away_until=None,
        sources_online=1,
        sources_total=1,
        routine_ready=True,
        explanation=None,
        seq=1,
        sent_at=moment,
    )
    remote.heard = moment
    return remote


def _office_state_attributes(platform: Platform, description: EntityDescription) -> set[str]:
    """The names of the state attributes an office's entity shows, from the entity itself."""
    remote = _sample_remote()
    office = cast(
        Any,
        types.SimpleNamespace(
            entry=types.SimpleNamespace(entry_id="office"),
            state=OfficeState("care_plug", timedelta(minutes=15), datetime.now(UTC)),
            household=lambda office_id: remote,
            device_info=lambda office_id: None,
        ),
    )
    entity: Entity
    if description is hub_entities.DROPPED_MESSAGES:
        entity = hub_entities.DroppedMessagesSensor(office)
    else:
        kind = {
            Platform.SENSOR: hub_entities.OfficeSensor,
            Platform.BINARY_SENSOR: hub_entities.OfficeAlertBinarySensor,
            Platform.BUTTON: hub_entities.OfficeCommandButton,
        }[platform]
        entity = kind(office, remote.office_id, description, platform.value)
    return set(entity.extra_state_attributes or {})


def _state_attributes(
    platform: Platform, description: EntityDescription, language: str
) -> set[str]:
    """The names of the state attributes the entity shows."""
    if any(description is office for office in OFFICE_ENTITY_DESCRIPTIONS.get(platform, ())):
        return _office_state_attributes(platform, description)
    status = _sample_status()
    if isinstance(description, sensor.CarePlugSensorDescription):
        if description.attributes is None:
            return set()
        return set(description.attributes(status, language))
    if platform is Platform.SWITCH:
        getter = cast(property, switch.AwaySwitch.extra_state_attributes).fget
        assert getter is not None
        return set(getter(types.SimpleNamespace(status=status)))
    return set()


@_each_language()
@pytest.mark.parametrize(("platform", "description"), ENTITIES)
def test_every_entity_has_a_name_and_its_attributes_translated(
    language: str, platform: Platform, description: EntityDescription
) -> None:
    key = description.translation_key
    assert key is not None
    assert key == description.key
    _text(language, "entity", platform.value, key, "name")
    for attribute in _state_attributes(platform, description, language):
        _text(language, "entity", platform.value, key, "state_attributes", attribute, "name")


@_each_language()
def test_every_state_of_the_enum_sensors_is_translated(language: str) -> None:
    for description in sensor.SENSORS:
        for option in description.options or ():
            _text(language, "entity", "sensor", description.key, "state", option)
    attributes = ("entity", "sensor", "care_level", "state_attributes")
    for reason in Reason:
        _text(language, *attributes, "reason", "state", reason.value)
    for flag in ("true", "false"):
        _text(language, *attributes, "acknowledged", "state", flag)
    for level in (Level.ATTENTION, Level.WARNING, Level.CRITICAL):
        _text(language, "entity", "sensor", "next_escalation", "state_attributes", "level",
              "state", level.key)  # fmt: skip
    # The office's sensors add `box_offline`, and show what the box reported beside it.
    for office_sensor in hub_entities.SENSORS:
        for option in office_sensor.options or ():
            _text(language, "entity", "sensor", office_sensor.key, "state", option)
    for level_key in LEVELS:
        _text(language, *attributes, "reported_level", "state", level_key)
    for level_key in LEVELS[1:]:
        _text(language, *attributes, "next_level", "state", level_key)
    monitoring = ("entity", "sensor", "monitoring", "state_attributes")
    for state in MONITORING_STATES:
        _text(language, *monitoring, "reported_monitoring", "state", state)
    for availability in ("online", "offline"):
        _text(language, *monitoring, "availability", "state", availability)


@_each_language()
def test_every_event_type_of_the_care_alert_is_translated(language: str) -> None:
    path = ("entity", "event", "care_alert", "state_attributes", "event_type", "state")
    assert set(_get(TRANSLATIONS[language], *path)) == set(event.CARE_ALERT.event_types or ())


@pytest.mark.parametrize(("platform", "description"), ENTITIES)
def test_every_entity_has_an_icon(platform: Platform, description: EntityDescription) -> None:
    icon = _get(ICONS, "entity", platform.value, str(description.translation_key), "default")
    assert icon.startswith("mdi:")


def test_icons_name_no_entity_or_service_that_does_not_exist() -> None:
    entities = {
        (platform.value, str(description.translation_key))
        for described in (ENTITY_DESCRIPTIONS, OFFICE_ENTITY_DESCRIPTIONS)
        for platform, descriptions in described.items()
        for description in descriptions
    }
    assert {(p, key) for p, keys in ICONS["entity"].items() for key in keys} == entities
    assert set(ICONS["services"]) == set(SERVICES_YAML)


def test_state_icons_match_the_states() -> None:
    """A sensor key's state icons are the states of every sensor under that key."""
    options: dict[str, set[str]] = {}
    for description in (*sensor.SENSORS, *hub_entities.SENSORS):
        options.setdefault(description.key, set()).update(description.options or ())
    assert "box_offline" in options["care_level"] & options["monitoring"]
    for key, states_shown in options.items():
        states = _get(ICONS, "entity", "sensor", key).get("state")
        if states is not None:
            assert set(states) == states_shown, key
    event_icons = _get(ICONS, "entity", "event", "care_alert", "state_attributes", "event_type")
    assert set(event_icons["state"]) == set(event.CARE_ALERT.event_types or ())


# ------------------------------------------------------------------ actions


def test_every_action_has_an_icon() -> None:
    for name in SERVICES_YAML:
        assert _get(ICONS, "services", name, "service").startswith("mdi:")


@_each_language()
def test_every_action_and_field_is_translated(language: str) -> None:
    assert set(_get(TRANSLATIONS[language], "services")) == set(SERVICES_YAML)
    for name, spec in SERVICES_YAML.items():
        _text(language, "services", name, "name")
        _text(language, "services", name, "description")
        fields = spec.get("fields", {})
        assert set(_get(TRANSLATIONS[language], "services", name, "fields")) == set(fields)
        for field in fields:
            _text(language, "services", name, "fields", field, "name")
            _text(language, "services", name, "fields", field, "description")


def _schema_fields(schema: vol.Schema) -> dict[str, bool]:
    """Field name -> required, from an action's schema."""
    fields: dict[str, bool] = {}
    for marker in cast(Mapping[Any, Any], schema.schema):
        assert isinstance(marker, vol.Required | vol.Optional), marker
        fields[str(marker.schema)] = isinstance(marker, vol.Required)
    return fields


async def test_services_yaml_matches_the_registered_schemas(hass: HomeAssistant) -> None:
    """Every action registered is described, with the same fields, required the same way."""
    assert await async_setup_component(hass, DOMAIN, {})
    registered = hass.services.async_services_for_domain(DOMAIN)
    assert set(registered) == set(SERVICES_YAML)
    for name, service in registered.items():
        assert service.schema is not None, name
        described = {
            field: bool(spec.get("required", False))
            for field, spec in (SERVICES_YAML[name].get("fields") or {}).items()
        }
        assert described == _schema_fields(cast(vol.Schema, service.schema)), name


def test_service_schemas_module_constants_cover_every_action() -> None:
    """The schemas in services.py, as written there, match services.yaml."""
    schemas = {
        "check_in": services.CHECK_IN_SCHEMA,
        "acknowledge": services.ACKNOWLEDGE_SCHEMA,
        "set_away": services.SET_AWAY_SCHEMA,
        "end_away": services.CHECK_IN_SCHEMA,
        "get_status": services.GET_STATUS_SCHEMA,
    }
    assert set(schemas) == set(SERVICES_YAML)
    for name, schema in schemas.items():
        described = {
            field: bool(spec.get("required", False))
            for field, spec in (SERVICES_YAML[name].get("fields") or {}).items()
        }
        assert described == _schema_fields(schema), name


# ------------------------------------------------------------------ translation_key=


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.name, ast.parse(path.read_text(encoding="utf-8"))


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _constant(module_name: str, node: ast.expr) -> str:
    """A string given literally or as a module constant of the package."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    assert isinstance(node, ast.Name), f"{module_name}: translation key {ast.dump(node)}"
    module = {"issues.py": issues, "config_flow.py": config_flow}[module_name]
    value = getattr(module, node.id)
    assert isinstance(value, str)
    return value


def _translation_keys() -> dict[str, set[tuple[str, frozenset[str] | None]]]:
    """Every `translation_key=` in the package, by kind, with its literal placeholders.

    Kinds: `exceptions` (calls that also name a translation domain), `issues`
    (`async_create_issue`), `entity` (entity descriptions), `selector` (selector configs).
    """
    found: dict[str, set[tuple[str, frozenset[str] | None]]] = {}
    for name, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            keywords = {keyword.arg: keyword.value for keyword in node.keywords}
            if "translation_key" not in keywords:
                continue
            key = _constant(name, keywords["translation_key"])
            placeholders: frozenset[str] | None = None
            given = keywords.get("translation_placeholders")
            if isinstance(given, ast.Dict):
                placeholders = frozenset(
                    _constant(name, k) for k in given.keys if isinstance(k, ast.expr)
                )
            call = _call_name(node)
            if "translation_domain" in keywords:
                kind = "exceptions"
            elif call == "async_create_issue":
                kind = "issues"
            elif call.endswith("Description"):
                kind = "entity"
            elif call.endswith("SelectorConfig"):
                kind = "selector"
            else:
                pytest.fail(f"{name}: translation_key in an unknown call {call}")
            found.setdefault(kind, set()).add((key, placeholders))
    return found


TRANSLATION_KEYS = _translation_keys()


def test_the_package_uses_translation_keys_of_every_kind() -> None:
    """The scan sees the code (so the tests below check something)."""
    assert set(TRANSLATION_KEYS) == {"exceptions", "issues", "entity", "selector"}
    assert {key for key, _ in TRANSLATION_KEYS["exceptions"]} >= {
        "nothing_to_acknowledge",
        "away_end_in_past",
        "until_and_duration",
        "duration_not_positive",
        "invalid_options",
    }
    assert {key for key, _ in TRANSLATION_KEYS["issues"]} == {
        "missing_source",
        "state_reset",
        "source_unit",
        "box_mqtt_missing",
        "office_needs_mqtt",
    }


@_each_language()
def test_every_exception_raised_is_translated_with_its_placeholders(language: str) -> None:
    for key, placeholders in sorted(TRANSLATION_KEYS["exceptions"], key=lambda item: item[0]):
        message = _text(language, "exceptions", key, "message")
        assert _placeholders(message) == (placeholders or frozenset()), key
    used = {key for key, _ in TRANSLATION_KEYS["exceptions"]}
    assert set(_get(TRANSLATIONS[language], "exceptions")) == used


@_each_language()
def test_every_issue_is_translated_with_its_placeholders(language: str) -> None:
    for key, placeholders in TRANSLATION_KEYS["issues"]:
        assert placeholders is not None
        for path in _leaves(_get(TRANSLATIONS[language], "issues", key)):
            text = _text(language, "issues", key, *path)
            assert _placeholders(text) <= placeholders, (key, path)
    used = {key for key, _ in TRANSLATION_KEYS["issues"]}
    assert set(_get(TRANSLATIONS[language], "issues")) == used


@_each_language()
def test_the_selectors_options_are_translated(language: str) -> None:
    assert {key for key, _ in TRANSLATION_KEYS["selector"]} == {
        "risk_group",
        "sensitivity",
        "office_entities",
    }
    options = _get(TRANSLATIONS[language], "selector", "risk_group", "options")
    assert set(options) == set(RISK_GROUPS)
    options = _get(TRANSLATIONS[language], "selector", "sensitivity", "options")
    assert set(options) == set(SENSITIVITIES)
    options = _get(TRANSLATIONS[language], "selector", "office_entities", "options")
    assert set(options) == set(hub_const.ENTITIES_MODES)


async def test_issues_as_raised_are_translated(hass: HomeAssistant) -> None:
    """The issues the household raises, read back from the issue registry."""
    entry = MockConfigEntry(domain=DOMAIN, title="Mum", options={"power_sources": ["sensor.x"]})
    entry.add_to_hass(hass)
    issues.async_source_missing(hass, entry, "sensor.x")
    issues.async_state_reset(hass, entry)
    raised = [issue for key, issue in ir.async_get(hass).issues.items() if key[0] == DOMAIN]
    assert len(raised) == 2
    for issue in raised:
        key = str(issue.translation_key)
        given = set(issue.translation_placeholders or {})
        for language in LANGUAGES:
            title = _text(language, "issues", key, "title")
            assert _placeholders(title) <= given
            if issue.is_fixable:
                step = ("issues", key, "fix_flow", "step", "init")
                _text(language, *step, "data", "replacement")
                _text(language, *step, "data_description", "replacement")
                assert _placeholders(_text(language, *step, "description")) <= given
                assert _placeholders(_text(language, *step, "title")) <= given
                for error in ("no_activity_source", "entity_in_two_roles"):
                    _text(language, "issues", key, "fix_flow", "error", error)
                _text(language, "issues", key, "fix_flow", "abort", "household_removed")
            else:
                assert _placeholders(_text(language, "issues", key, "description")) <= given


def _fix_flow_outcomes() -> tuple[set[str], set[str]]:
    """The errors and aborts the repair flow's code can show."""
    errors: set[str] = set()
    aborts: set[str] = set()
    for node in ast.walk(ast.parse((PACKAGE / "repairs.py").read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Subscript)
            and isinstance(node.value, ast.Constant)
        ):
            errors.add(str(node.value.value))
        if isinstance(node, ast.Call) and _call_name(node) == "SourceError":
            errors.update(str(a.value) for a in node.args[:1] if isinstance(a, ast.Constant))
        if isinstance(node, ast.Call) and _call_name(node) == "async_abort":
            reason = {k.arg: k.value for k in node.keywords}["reason"]
            assert isinstance(reason, ast.Constant)
            aborts.add(str(reason.value))
    # The replacement is checked by the rules of the options flow's sources step.
    errors |= _flow_outcomes(config_flow.checked_sources, set())[0]
    return errors, aborts


@_each_language()
def test_every_fix_flow_error_and_abort_is_translated(language: str) -> None:
    errors, aborts = _fix_flow_outcomes()
    assert errors >= {"no_activity_source", "entity_in_two_roles", "own_entity", "wrong_kind"}
    assert aborts == {"household_removed", "source_not_watched"}
    flow = _get(TRANSLATIONS[language], "issues", "missing_source", "fix_flow")
    assert set(flow["error"]) == errors
    assert set(flow["abort"]) == aborts


# ------------------------------------------------------------------ config and options flow


def _flow_outcomes(function: Callable[..., Any], seen: set[str]) -> tuple[set[str], set[str]]:
    """The errors and aborts `function` (and the functions it calls) can raise.

    Calls are followed into functions of `function`'s own module and of config_flow.py
    (which imports the office's helpers, `validate_office_section` among them).
    """
    modules = (sys.modules[function.__module__], config_flow)
    errors: set[str] = set()
    aborts: set[str] = set()
    tree = ast.parse(inspect.getsource(function))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        literal = [a.value for a in node.args if isinstance(a, ast.Constant)]
        if name == "SchemaFlowError":
            errors.update(str(value) for value in literal)
        elif name == "_fail":
            errors.update(str(value) for value in literal[:1])
        elif name == "AbortFlow":
            aborts.update(str(value) for value in literal)
        elif name not in seen:
            called = next(
                (
                    getattr(module, name)
                    for module in modules
                    if inspect.isfunction(getattr(module, name, None))
                ),
                None,
            )
            if called is not None:
                seen.add(name)
                more_errors, more_aborts = _flow_outcomes(called, seen)
                errors |= more_errors
                aborts |= more_aborts
    return errors, aborts


def _flow_steps(flow: Mapping[str, Any]) -> dict[str, SchemaFlowFormStep]:
    """The steps that show a form (the config flow starts with a menu)."""
    return {step: form for step, form in flow.items() if isinstance(form, SchemaFlowFormStep)}


def _menu_steps(flow: Mapping[str, Any]) -> dict[str, SchemaFlowMenuStep]:
    return {step: menu for step, menu in flow.items() if isinstance(menu, SchemaFlowMenuStep)}


FLOWS = {"config": config_flow.CONFIG_FLOW, "options": config_flow.OPTIONS_FLOW}
# What each flow's validators must be seen to raise (so the scan is known to reach them):
# the household's sources, the welfare office's own step, and a household's office link.
OFFICE_LINK_ERRORS = {
    "invalid_office_id",
    "invalid_office_root",
    "heartbeat_out_of_range",
    "office_id_taken",
}
EXPECTED_ERRORS = {
    "config": {
        "no_activity_source",
        "name_empty",
        "invalid_office_root",
        "tolerance_out_of_range",
        *OFFICE_LINK_ERRORS,
    },
    "options": {
        "no_activity_source",
        "invalid_office_root",
        "tolerance_out_of_range",
        "root_in_use",
        *OFFICE_LINK_ERRORS,
    },
}
EXPECTED_ABORTS = {"config": {"already_configured"}, "options": set[str]()}


@_each_language()
@pytest.mark.parametrize("flow", list(FLOWS))
def test_every_flow_error_and_abort_is_translated(language: str, flow: str) -> None:
    errors: set[str] = set()
    aborts: set[str] = set()
    for form in _flow_steps(FLOWS[flow]).values():
        if form.validate_user_input is not None:
            step_errors, step_aborts = _flow_outcomes(form.validate_user_input, set())
            errors |= step_errors
            aborts |= step_aborts
    assert errors >= EXPECTED_ERRORS[flow]  # the scan sees the validators
    assert aborts >= EXPECTED_ABORTS[flow]
    for error in errors:
        _text(language, flow, "error", error)
    for reason in aborts:
        _text(language, flow, "abort", reason)
    assert set(_get(TRANSLATIONS[language], flow, "error")) == errors
    assert set(TRANSLATIONS[language][flow].get("abort", {})) == aborts


async def test_flow_error_placeholders_are_always_given() -> None:
    """Errors are shown on the sources step, whose placeholders are always all filled."""
    handler = types.SimpleNamespace(flow_state={})
    given = set(await config_flow._placeholders(cast(Any, handler)))
    for language in LANGUAGES:
        for flow in FLOWS:
            for error, text in _get(TRANSLATIONS[language], flow, "error").items():
                assert _placeholders(text) <= given, (language, flow, error)


def _handler(hass: HomeAssistant) -> Any:
    """What a step's callables read of the flow: a household's (empty) options, and hass."""
    return types.SimpleNamespace(
        options={}, flow_state={}, parent_handler=types.SimpleNamespace(hass=hass)
    )


async def _step_schema(hass: HomeAssistant, form: SchemaFlowFormStep) -> vol.Schema:
    """The schema a step shows a household; some steps build theirs when shown."""
    schema = form.schema
    if not isinstance(schema, vol.Schema):
        assert schema is not None
        schema = await schema(_handler(hass))
    assert isinstance(schema, vol.Schema)
    return schema


async def _step_placeholders(hass: HomeAssistant, form: SchemaFlowFormStep) -> set[str]:
    """The placeholders a step's description is given (all of them, always)."""
    given = form.description_placeholders
    if isinstance(given, UndefinedType):
        return set()
    return set(await given(_handler(hass)))


@_each_language()
@pytest.mark.parametrize("flow", list(FLOWS))
async def test_every_flow_step_and_field_is_translated(
    hass: HomeAssistant, language: str, flow: str
) -> None:
    steps = _flow_steps(FLOWS[flow])
    menus = _menu_steps(FLOWS[flow])
    assert set(_get(TRANSLATIONS[language], flow, "step")) == {*steps, *menus}
    assert hub_flow.STEP_OFFICE in steps  # the welfare office's step
    for step, menu in menus.items():
        _text(language, flow, "step", step, "title")
        options = menu.options
        assert not callable(options), step  # the menu offers the same steps every time
        assert options, step
        for option in cast(list[str], options):
            assert option in steps, (step, option)
            _text(language, flow, "step", step, "menu_options", option)
            _text(language, flow, "step", step, "menu_option_descriptions", option)
    for step, form in steps.items():
        _text(language, flow, "step", step, "title")
        description = _text(language, flow, "step", step, "description")
        assert _placeholders(description) <= await _step_placeholders(hass, form), step
        schema = await _step_schema(hass, form)
        for marker, value in cast(Mapping[Any, Any], schema.schema).items():
            field = str(marker.schema)
            if isinstance(value, section):
                _text(language, flow, "step", step, "sections", field, "name")
                for inner in cast(Mapping[Any, Any], value.schema.schema):
                    path = (flow, "step", step, "sections", field)
                    _text(language, *path, "data", str(inner.schema))
                    _text(language, *path, "data_description", str(inner.schema))
                continue
            _text(language, flow, "step", step, "data", field)
            _text(language, flow, "step", step, "data_description", field)
    advanced = (flow, "step", "sources", "sections", "advanced")
    _text(language, *advanced, "name")
    _text(language, *advanced, "description")
    for key in config_flow.TUNING_KEYS:
        _text(language, *advanced, "data", key)
        _text(language, *advanced, "data_description", key)
