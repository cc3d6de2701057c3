"""Config and options flow: a household is a helper whose settings all live in its options.

Steps: `user` (options: `init`) names the household and picks its risk group;
`thresholds` asks for the three inactivity times when the group is `custom`; `sources`
assigns entities to roles, marks the entrance doors among the presence sources and names
the resident's tracker, with the signal tuning in a collapsed `advanced` section. The
options stored are flat (README, "Options"): the section's values sit at the top level,
threshold keys only while the group is `custom`, and tuning keys only where they differ
from the engine's defaults, so a later improvement of a default reaches every household
that never changed it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Final, cast, override

import probatio
from homeassistant.const import ATTR_DEVICE_CLASS, CONF_NAME, UnitOfPower
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import AbortFlow, section
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import selector
from homeassistant.helpers.schema_config_entry_flow import (
    SchemaCommonFlowHandler,
    SchemaConfigFlowHandler,
    SchemaFlowError,
    SchemaFlowFormStep,
)

from .const import (
    CONF_ENTRANCE_SOURCES,
    CONF_RESIDENT,
    CONF_RISK_GROUP,
    CONF_SENSITIVITY,
    DOMAIN,
    ROLE_KEYS,
    THRESHOLD_KEYS,
)
from .engine.model import DEFAULT_SENSITIVITY, SENSITIVITIES, Role
from .engine.settings import (
    ACTIVITY_ROLES,
    DEFAULT_RISK_GROUP,
    DURATION_TUNING,
    HOUR,
    MAX_THRESHOLD,
    MIN_THRESHOLD,
    NUMBER_TUNING,
    PRESETS,
    RISK_GROUPS,
    HouseholdSettings,
    SettingsError,
    Tuning,
)
from .office.box_options import (
    OFFICE_KEYS,
    SECTION_OFFICE,
    office_section,
    suggested_office_values,
    validate_office_section,
)
from .office.hub_flow import (
    MENU,
    OFFICE_OPTIONS_STEP,
    OFFICE_STEP,
    STEP_HOUSEHOLD,
    STEP_OFFICE,
    office_aware_init,
)
from .office.hub_migration import CONFIG_MINOR_VERSION, CONFIG_VERSION
from .units import convertible, source_unit

CUSTOM: Final = "custom"
SECTION_ADVANCED: Final = "advanced"
TUNING_KEYS: Final = (*NUMBER_TUNING, *DURATION_TUNING)

# Binary sensor device classes that say a person is (or just was) there.
PRESENCE_DEVICE_CLASSES: Final = [
    "motion",
    "occupancy",
    "presence",
    "door",
    "opening",
    "window",
    "garage_door",
]

# Binary sensor device classes of a door the resident leaves the home by.
ENTRANCE_DEVICE_CLASSES: Final = ["door", "opening", "garage_door"]
# Entities that tell whether the resident is at home.
RESIDENT_DOMAINS: Final = ["person", "device_tracker"]

# Flow state: the previous risk group, and the placeholders of the last error.
_STATE_PREVIOUS_GROUP: Final = "previous_risk_group"
_STATE_PLACEHOLDERS: Final = "placeholders"

_TUNING_DEFAULTS: Final = Tuning()


def _duration(seconds: float) -> dict[str, int]:
    """An HA duration dict, as the options store it: `{"hours": 12, "minutes": 0, "seconds": 0}`."""
    whole = round(seconds)
    return {"hours": whole // 3600, "minutes": whole % 3600 // 60, "seconds": whole % 60}


def _seconds(value: Mapping[str, Any]) -> float:
    """Seconds of a duration the duration selector accepted (its numbers may be strings)."""
    return cast(float, cv.positive_time_period_dict(value).total_seconds())


def _default(key: str) -> float | dict[str, int]:
    """The engine's default for a tuning key, in the form the option takes."""
    if key in DURATION_TUNING:
        return _duration(getattr(_TUNING_DEFAULTS, DURATION_TUNING[key]))
    return cast(float, getattr(_TUNING_DEFAULTS, key))


def _tuning_value(key: str, value: Any) -> float | dict[str, int]:
    """The section's value as stored: durations as clean duration dicts."""
    return _duration(_seconds(value)) if key in DURATION_TUNING else cast(float, value)


def _number(
    minimum: float, maximum: float, step: float, unit: str | None = None
) -> selector.NumberSelector:
    config = selector.NumberSelectorConfig(
        min=minimum, max=maximum, step=step, mode=selector.NumberSelectorMode.BOX
    )
    if unit is not None:
        config["unit_of_measurement"] = unit
    return selector.NumberSelector(config)


_LUX: Final = "lx"
_NUMBER_SELECTORS: Final[dict[str, selector.NumberSelector]] = {
    "power_standby_w": _number(0, 500, 0.5, UnitOfPower.WATT),
    "power_step_w": _number(1, 5000, 1, UnitOfPower.WATT),
    "power_step_ratio": _number(0, 10, 0.05),
    "light_step_lx": _number(0.5, 10_000, 0.5, _LUX),
    "light_step_ratio": _number(0, 10, 0.05),
    "light_dark_lx": _number(0, 10_000, 1, _LUX),
    "light_sun_elevation": _number(-18, 18, 0.5, "°"),
}
_DURATION_SELECTOR: Final = selector.DurationSelector(
    selector.DurationSelectorConfig(enable_day=True, allow_negative=False)
)

ADVANCED_SCHEMA: Final = probatio.Schema(
    {
        **{
            probatio.Required(key, default=_default(key)): _NUMBER_SELECTORS[key]
            for key in NUMBER_TUNING
        },
        **{
            probatio.Required(key, default=_default(key)): _DURATION_SELECTOR
            for key in DURATION_TUNING
        },
    }
)

_ROLE_FILTERS: Final[dict[Role, selector.EntityWithDeviceFilterSelectorConfig | None]] = {
    Role.POWER: {"domain": "sensor", "device_class": "power"},
    Role.BACKGROUND_POWER: {"domain": "sensor", "device_class": "power"},
    Role.LIGHT: {"domain": "sensor", "device_class": "illuminance"},
    Role.PRESENCE: {"domain": "binary_sensor", "device_class": PRESENCE_DEVICE_CLASSES},
    Role.OTHER: None,
}

RISK_GROUP_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required(CONF_RISK_GROUP, default=DEFAULT_RISK_GROUP): selector.SelectSelector(
            selector.SelectSelectorConfig(
                options=list(RISK_GROUPS),
                mode=selector.SelectSelectorMode.LIST,
                translation_key=CONF_RISK_GROUP,
            )
        ),
        probatio.Required(CONF_SENSITIVITY, default=DEFAULT_SENSITIVITY): selector.SelectSelector(
            selector.SelectSelectorConfig(
                options=list(SENSITIVITIES),
                mode=selector.SelectSelectorMode.LIST,
                translation_key=CONF_SENSITIVITY,
            )
        ),
    }
)
USER_SCHEMA: Final = probatio.Schema(
    {probatio.Required(CONF_NAME): selector.TextSelector()}
).extend(RISK_GROUP_SCHEMA.schema)

THRESHOLDS_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required(key, default=_duration(hours * HOUR)): _DURATION_SELECTOR
        for key, hours in zip(THRESHOLD_KEYS, PRESETS[DEFAULT_RISK_GROUP], strict=True)
    }
)


def _own_entities(hass: HomeAssistant) -> list[str]:
    """Every Care Plug entity: watching one would let a household's output feed its input."""
    registry = er.async_get(hass)
    return sorted(e.entity_id for e in registry.entities.values() if e.platform == DOMAIN)


class _EntityPicker(selector.EntitySelector):
    """An entity selector whose `exclude_entities` only hides entities from the picker.

    The flow refuses them itself (`source_entity_id`), with an error that says why, also
    when they come as registry ids, which the selector's own check lets through.
    """

    @override
    def __call__(self, data: Any) -> str | list[str]:
        config = {k: v for k, v in self.config.items() if k != "exclude_entities"}
        return selector.EntitySelector(cast(selector.EntitySelectorConfig, config))(data)


def source_picker(hass: HomeAssistant, role: Role, *, multiple: bool) -> selector.EntitySelector:
    """The entity picker for `role`: entities that fit it, without Care Plug's own."""
    config = selector.EntitySelectorConfig(multiple=multiple, exclude_entities=_own_entities(hass))
    if (entity_filter := _ROLE_FILTERS[role]) is not None:
        config["filter"] = entity_filter
    return _EntityPicker(config)


class SourceError(SchemaFlowError):
    """An entity a household cannot watch: the error key, and what names the entity."""

    def __init__(self, error: str, **placeholders: str) -> None:
        super().__init__(error)
        self.error = error
        self.placeholders = placeholders


def _fail(error: str, **placeholders: str) -> SourceError:
    return SourceError(error, **placeholders)


def _fits(role: Role, domain: str, device_class: Any) -> bool:
    """Whether an entity of `domain` and `device_class` is what the `role` picker offers."""
    wanted = _ROLE_FILTERS[role]
    if wanted is None:
        return True
    domains = wanted.get("domain", [])
    classes = wanted.get("device_class", [])
    return domain in ([domains] if isinstance(domains, str) else domains) and device_class in (
        [classes] if isinstance(classes, str) else classes
    )


def source_entity_id(hass: HomeAssistant, role: Role, value: str) -> str:
    """The entity id of `value` (an entity id or a registry id), checked for `role`.

    The rules every flow that picks a source applies: the entity exists (in the state
    machine, or in the registry while its integration is not loaded yet), is not a
    Care Plug entity, is of the kind the role reads (domain and device class), and
    reports in a unit the role can use. SourceError says which rule failed.
    """
    registered = er.async_get(hass).async_get(value)
    entity_id = registered.entity_id if registered is not None else value
    state = hass.states.get(entity_id)
    if registered is None and state is None:
        raise _fail("entity_not_found", entity_id=value)
    if registered is not None and registered.platform == DOMAIN:
        raise _fail("own_entity", entity_id=entity_id)
    if state is not None:
        device_class = state.attributes.get(ATTR_DEVICE_CLASS)
    else:
        assert registered is not None
        device_class = registered.device_class or registered.original_device_class
    if not _fits(role, entity_id.split(".", 1)[0], device_class):
        raise _fail("wrong_kind", entity_id=entity_id)
    unit = source_unit(hass, entity_id)
    if not convertible(role, unit):
        raise _fail("unit_not_convertible", entity_id=entity_id, unit=str(unit))
    return entity_id


def checked_sources(
    hass: HomeAssistant, options: Mapping[str, Any], accepted: Collection[str] = ()
) -> dict[str, list[str]]:
    """The role lists of `options`, each entity checked by `source_entity_id`.

    Also: no entity in two roles (one repeated in a role is kept once), and at least one
    activity source. Entities in `accepted` are watched already and are not checked one
    by one again (a repair must not be refused for another source that is gone too).
    """
    result: dict[str, list[str]] = {}
    role_of: dict[str, str] = {}
    for role, key in ROLE_KEYS.items():
        entity_ids: list[str] = []
        for value in options.get(key, []):
            entity_id = value if value in accepted else source_entity_id(hass, role, value)
            if role_of.setdefault(entity_id, key) != key:
                raise _fail("entity_in_two_roles", entity_id=entity_id)
            if entity_id not in entity_ids:
                entity_ids.append(entity_id)
        result[key] = entity_ids
    if not any(result[ROLE_KEYS[role]] for role in ACTIVITY_ROLES):
        raise _fail("no_activity_source")
    return result


async def _sources_schema(handler: SchemaCommonFlowHandler) -> probatio.Schema:
    hass = handler.parent_handler.hass
    schema: dict[probatio.Marker, Any] = {}
    for role, key in ROLE_KEYS.items():
        schema[probatio.Optional(key, default=list)] = source_picker(hass, role, multiple=True)
    schema[probatio.Optional(CONF_ENTRANCE_SOURCES, default=list)] = selector.EntitySelector(
        selector.EntitySelectorConfig(
            multiple=True,
            filter={"domain": "binary_sensor", "device_class": ENTRANCE_DEVICE_CLASSES},
        )
    )
    # No default: a resident cleared in the form is left out, and so removed.
    schema[probatio.Optional(CONF_RESIDENT)] = selector.EntitySelector(
        selector.EntitySelectorConfig(domain=RESIDENT_DOMAINS)
    )
    schema[probatio.Required(SECTION_ADVANCED, default=dict)] = section(
        ADVANCED_SCHEMA, {"collapsed": True}
    )
    schema[probatio.Required(SECTION_OFFICE, default=dict)] = office_section()
    return probatio.Schema(schema)


async def _validate_household(
    handler: SchemaCommonFlowHandler, user_input: dict[str, Any]
) -> dict[str, Any]:
    """A household name must be given and not be taken by another household."""
    name = user_input[CONF_NAME].strip()
    if not name:
        raise SchemaFlowError("name_empty")
    entries = handler.parent_handler.hass.config_entries.async_entries(DOMAIN)
    if any(entry.title.strip().casefold() == name.casefold() for entry in entries):
        raise AbortFlow("already_configured")
    return await _validate_risk_group(handler, {**user_input, CONF_NAME: name})


async def _validate_risk_group(
    handler: SchemaCommonFlowHandler, user_input: dict[str, Any]
) -> dict[str, Any]:
    """Remember the group chosen before; a preset drops custom thresholds so it applies."""
    handler.flow_state[_STATE_PREVIOUS_GROUP] = handler.options.get(CONF_RISK_GROUP)
    if user_input[CONF_RISK_GROUP] != CUSTOM:
        for key in THRESHOLD_KEYS:
            handler.options.pop(key, None)
    return user_input


async def _next_after_risk_group(options: dict[str, Any]) -> str:
    return "thresholds" if options[CONF_RISK_GROUP] == CUSTOM else "sources"


async def _suggested_thresholds(handler: SchemaCommonFlowHandler) -> dict[str, Any]:
    """The current thresholds, or those of the preset the household is leaving."""
    if all(key in handler.options for key in THRESHOLD_KEYS):
        return {key: handler.options[key] for key in THRESHOLD_KEYS}
    previous = handler.flow_state.get(_STATE_PREVIOUS_GROUP)
    hours = PRESETS.get(previous or DEFAULT_RISK_GROUP, PRESETS[DEFAULT_RISK_GROUP])
    return {key: _duration(h * HOUR) for key, h in zip(THRESHOLD_KEYS, hours, strict=True)}


async def _validate_thresholds(
    handler: SchemaCommonFlowHandler, user_input: dict[str, Any]
) -> dict[str, Any]:
    """Each threshold between 1 minute and 14 days, and attention < warning < critical."""
    seconds = [_seconds(user_input[key]) for key in THRESHOLD_KEYS]
    if any(not MIN_THRESHOLD <= value <= MAX_THRESHOLD for value in seconds):
        raise SchemaFlowError("threshold_out_of_range")
    if not seconds[0] < seconds[1] < seconds[2]:
        raise SchemaFlowError("thresholds_not_increasing")
    return {key: _duration(value) for key, value in zip(THRESHOLD_KEYS, seconds, strict=True)}


async def _suggested_sources(handler: SchemaCommonFlowHandler) -> dict[str, Any]:
    """The current sources, and the current tuning inside the section."""
    tuning = {key: handler.options[key] for key in TUNING_KEYS if key in handler.options}
    return {
        **handler.options,
        SECTION_ADVANCED: tuning,
        SECTION_OFFICE: suggested_office_values(handler.options),
    }


async def _placeholders(handler: SchemaCommonFlowHandler) -> dict[str, str]:
    placeholders: dict[str, str] = handler.flow_state.get(_STATE_PLACEHOLDERS, {})
    return {"entity_id": "", "details": "", "unit": "", **placeholders}


async def _validate_sources(
    handler: SchemaCommonFlowHandler, user_input: dict[str, Any]
) -> dict[str, Any]:
    """Sources `checked_sources` accepts, and options the engine accepts.

    Returns the flat options of this step: role lists, and tuning values that differ from
    the defaults.
    """
    handler.flow_state[_STATE_PLACEHOLDERS] = {}
    try:
        return _sources_options(handler, user_input)
    except SourceError as refused:
        handler.flow_state[_STATE_PLACEHOLDERS] = refused.placeholders
        raise


def _sources_options(
    handler: SchemaCommonFlowHandler, user_input: dict[str, Any]
) -> dict[str, Any]:
    result: dict[str, Any] = checked_sources(handler.parent_handler.hass, user_input)
    presence = result[ROLE_KEYS[Role.PRESENCE]]
    entrances: list[str] = []
    for value in user_input.get(CONF_ENTRANCE_SOURCES, []):
        entity_id = _known_entity(handler, value)
        if entity_id not in presence:
            raise _fail("entrance_not_presence", entity_id=entity_id)
        if entity_id not in entrances:
            entrances.append(entity_id)
    if entrances:
        result[CONF_ENTRANCE_SOURCES] = entrances
    if resident := user_input.get(CONF_RESIDENT):
        entity_id = _known_entity(handler, resident)
        if any(entity_id in entities for entities in result.values()):
            raise _fail("entity_in_two_roles", entity_id=entity_id)
        result[CONF_RESIDENT] = entity_id
    advanced: dict[str, Any] = user_input[SECTION_ADVANCED]
    tuning = {key: _tuning_value(key, value) for key, value in advanced.items()}
    tuning = {key: value for key, value in tuning.items() if value != _default(key)}
    replaced = (*TUNING_KEYS, CONF_ENTRANCE_SOURCES, CONF_RESIDENT)  # this step's answer
    options = {key: value for key, value in handler.options.items() if key not in replaced}
    try:
        HouseholdSettings.from_options({**options, **result, **tuning})
    except SettingsError as err:
        raise _fail("invalid_settings", details=str(err)) from err

    office = validate_office_section(handler, user_input.get(SECTION_OFFICE, {}))
    for key in (*TUNING_KEYS, *OFFICE_KEYS, CONF_ENTRANCE_SOURCES, CONF_RESIDENT):
        handler.options.pop(key, None)
    return {**result, **tuning, **office}


def _known_entity(handler: SchemaCommonFlowHandler, value: str) -> str:
    """The entity id of `value` (an entity id, or a registry id), when Home Assistant knows
    it; `entity_not_found` otherwise."""
    hass = handler.parent_handler.hass
    if (entry := er.async_get(hass).async_get(value)) is not None:
        return entry.entity_id
    if hass.states.get(value) is not None:
        return value
    raise _fail("entity_not_found", entity_id=value)


CONFIG_FLOW: Final = {
    # A household (as documented in the README) or a welfare office (office/hub_flow.py).
    "user": MENU,
    STEP_HOUSEHOLD: SchemaFlowFormStep(
        USER_SCHEMA, validate_user_input=_validate_household, next_step=_next_after_risk_group
    ),
    "thresholds": SchemaFlowFormStep(
        THRESHOLDS_SCHEMA,
        validate_user_input=_validate_thresholds,
        next_step="sources",
        suggested_values=_suggested_thresholds,
    ),
    "sources": SchemaFlowFormStep(
        _sources_schema,
        validate_user_input=_validate_sources,
        suggested_values=_suggested_sources,
        description_placeholders=_placeholders,
    ),
    STEP_OFFICE: OFFICE_STEP,
}
OPTIONS_FLOW: Final = {
    "init": office_aware_init(
        SchemaFlowFormStep(
            RISK_GROUP_SCHEMA,
            validate_user_input=_validate_risk_group,
            next_step=_next_after_risk_group,
        )
    ),
    "thresholds": CONFIG_FLOW["thresholds"],
    "sources": CONFIG_FLOW["sources"],
    STEP_OFFICE: OFFICE_OPTIONS_STEP,
}


class CarePlugConfigFlow(SchemaConfigFlowHandler, domain=DOMAIN):
    """Create a household or a welfare office, and change its settings later (it reloads)."""

    VERSION = CONFIG_VERSION
    MINOR_VERSION = CONFIG_MINOR_VERSION
    config_flow = CONFIG_FLOW
    options_flow = OPTIONS_FLOW
    options_flow_reloads = True

    @callback
    @override
    def async_config_entry_title(self, options: Mapping[str, Any]) -> str:
        """The household's (or the office's) name."""
        return cast(str, options[CONF_NAME])
