"""The welfare office's steps in the config and options flow.

The config flow's first step is a menu: a household (as before) or a welfare office. An
office asks for a name, the topic root its households publish under (default
`care_plug`), the tolerance: how long a box may stay silent before the office shows
it `box_offline` (default 15 minutes, three missed heartbeats), and the entities per
household (`full`, the default, or `compact` for large districts). One office per root.
The options flow of an office entry skips the household's first step and shows the root,
the tolerance and the entities per household.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final, cast

import probatio
from homeassistant.const import CONF_NAME
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import selector
from homeassistant.helpers.schema_config_entry_flow import (
    SchemaCommonFlowHandler,
    SchemaFlowError,
    SchemaFlowFormStep,
    SchemaFlowMenuStep,
    SchemaOptionsFlowHandler,
)

from ..const import DOMAIN
from .contract import ROOT_PATTERN
from .hub_const import (
    CONF_ENTITIES,
    CONF_KIND,
    CONF_ROOT,
    CONF_TOLERANCE,
    DEFAULT_ROOT,
    DEFAULT_TOLERANCE_SECONDS,
    ENTITIES_FULL,
    ENTITIES_MODES,
    KIND_OFFICE,
    MAX_TOLERANCE_SECONDS,
    MIN_TOLERANCE_SECONDS,
    is_office_options,
)

STEP_HOUSEHOLD: Final = "household"
STEP_OFFICE: Final = "office"
MENU: Final = SchemaFlowMenuStep([STEP_HOUSEHOLD, STEP_OFFICE])


def _duration(seconds: float) -> dict[str, int]:
    whole = round(seconds)
    return {"hours": whole // 3600, "minutes": whole % 3600 // 60, "seconds": whole % 60}


_TOLERANCE_SELECTOR: Final = selector.DurationSelector(
    selector.DurationSelectorConfig(enable_day=False, allow_negative=False)
)
OFFICE_OPTIONS_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required(CONF_ROOT, default=DEFAULT_ROOT): selector.TextSelector(),
        probatio.Required(
            CONF_TOLERANCE, default=_duration(DEFAULT_TOLERANCE_SECONDS)
        ): _TOLERANCE_SELECTOR,
        probatio.Required(CONF_ENTITIES, default=ENTITIES_FULL): selector.SelectSelector(
            selector.SelectSelectorConfig(
                options=list(ENTITIES_MODES),
                mode=selector.SelectSelectorMode.LIST,
                translation_key="office_entities",
            )
        ),
    }
)
OFFICE_SCHEMA: Final = probatio.Schema(
    {probatio.Required(CONF_NAME): selector.TextSelector()}
).extend(OFFICE_OPTIONS_SCHEMA.schema)


def _entities(user_input: dict[str, Any]) -> str:
    """The entities per household asked for (the schema allows only the known modes)."""
    value = user_input.get(CONF_ENTITIES, ENTITIES_FULL)
    return value if value in ENTITIES_MODES else ENTITIES_FULL


def _other_offices_roots(handler: SchemaCommonFlowHandler) -> set[str]:
    """The roots of the other offices (in an options flow, not the entry being changed)."""
    parent = handler.parent_handler
    own = parent.config_entry.entry_id if isinstance(parent, SchemaOptionsFlowHandler) else None
    return {
        str(entry.options.get(CONF_ROOT, DEFAULT_ROOT))
        for entry in parent.hass.config_entries.async_entries(DOMAIN)
        if is_office_options(entry.options) and entry.entry_id != own
    }


def _root_and_tolerance(user_input: dict[str, Any]) -> tuple[str, float]:
    """The topic root and tolerance (seconds) entered, checked; SchemaFlowError if not."""
    root = str(user_input[CONF_ROOT]).strip()
    if ROOT_PATTERN.fullmatch(root) is None:
        raise SchemaFlowError("invalid_office_root")
    seconds = cv.positive_time_period_dict(user_input[CONF_TOLERANCE]).total_seconds()
    if not MIN_TOLERANCE_SECONDS <= seconds <= MAX_TOLERANCE_SECONDS:
        raise SchemaFlowError("tolerance_out_of_range")
    return root, seconds


async def validate_office(
    handler: SchemaCommonFlowHandler, user_input: dict[str, Any]
) -> dict[str, Any]:
    """A name, a root no other office uses, a tolerance in bounds; the entry is an office."""
    name = str(user_input[CONF_NAME]).strip()
    if not name:
        raise SchemaFlowError("name_empty")
    root, seconds = _root_and_tolerance(user_input)
    if root in _other_offices_roots(handler):
        raise AbortFlow("already_configured")
    return {
        CONF_KIND: KIND_OFFICE,
        CONF_NAME: name,
        CONF_ROOT: root,
        CONF_TOLERANCE: _duration(seconds),
        CONF_ENTITIES: _entities(user_input),
    }


async def validate_office_options(
    handler: SchemaCommonFlowHandler, user_input: dict[str, Any]
) -> dict[str, Any]:
    """A valid root no other office uses, and a tolerance in bounds."""
    root, seconds = _root_and_tolerance(user_input)
    if root in _other_offices_roots(handler):
        raise SchemaFlowError("root_in_use")
    return {
        CONF_ROOT: root,
        CONF_TOLERANCE: _duration(seconds),
        CONF_ENTITIES: _entities(user_input),
    }


OFFICE_STEP: Final = SchemaFlowFormStep(OFFICE_SCHEMA, validate_user_input=validate_office)
OFFICE_OPTIONS_STEP: Final = SchemaFlowFormStep(
    OFFICE_OPTIONS_SCHEMA, validate_user_input=validate_office_options
)


def office_aware_init(step: SchemaFlowFormStep) -> SchemaFlowFormStep:
    """The household's first options step, passed over for an office (to `office`)."""
    household_schema = step.schema
    household_next = step.next_step

    async def schema(handler: SchemaCommonFlowHandler) -> probatio.Schema | None:
        if is_office_options(handler.options):
            return None
        if household_schema is None or isinstance(household_schema, probatio.Schema):
            return household_schema
        return await household_schema(handler)

    async def next_step(options: dict[str, Any]) -> str | None:
        if is_office_options(options):
            return STEP_OFFICE
        if callable(household_next):
            return await cast(Callable[[dict[str, Any]], Awaitable[str | None]], household_next)(
                options
            )
        return household_next

    return SchemaFlowFormStep(
        schema,
        validate_user_input=step.validate_user_input,
        next_step=next_step,
        suggested_values=step.suggested_values,
        description_placeholders=step.description_placeholders,
    )
