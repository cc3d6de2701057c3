"""The household actions (DESIGN section 8), registered once for every household."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import probatio as vol
from homeassistant.core import (
    Context,
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import service
from homeassistant.util import dt as dt_util

from .const import (
    ATTR_BY,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DURATION,
    ATTR_NOTE,
    ATTR_UNTIL,
    DOMAIN,
    SERVICE_ACKNOWLEDGE,
    SERVICE_CHECK_IN,
    SERVICE_END_AWAY,
    SERVICE_GET_STATUS,
    SERVICE_SET_AWAY,
)
from .coordinator import CarePlugConfigEntry, CarePlugCoordinator

_TARGET: dict[Any, Any] = {vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string}
CHECK_IN_SCHEMA = vol.Schema(_TARGET)
ACKNOWLEDGE_SCHEMA = vol.Schema(
    {**_TARGET, vol.Optional(ATTR_NOTE): cv.string, vol.Optional(ATTR_BY): cv.string}
)
SET_AWAY_SCHEMA = vol.Schema(
    {
        **_TARGET,
        vol.Optional(ATTR_UNTIL): cv.datetime,
        vol.Optional(ATTR_DURATION): cv.positive_time_period,
    }
)
GET_STATUS_SCHEMA = vol.Schema({vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string})


async def async_user_name(hass: HomeAssistant, context: Context | None) -> str | None:
    """The name of the user behind `context`, or None (an automation, a device)."""
    if context is None or context.user_id is None:
        return None
    user = await hass.auth.async_get_user(context.user_id)
    return None if user is None else user.name


def _household(call: ServiceCall) -> CarePlugCoordinator:
    entry: CarePlugConfigEntry = service.async_get_config_entry(
        call.hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID]
    )
    return entry.runtime_data


def _away_until(call: ServiceCall) -> datetime | None:
    until: datetime | None = call.data.get(ATTR_UNTIL)
    duration: timedelta | None = call.data.get(ATTR_DURATION)
    if until is not None and duration is not None:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="until_and_duration"
        )
    if duration is not None:
        if duration <= timedelta(0):
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="duration_not_positive"
            )
        return dt_util.utcnow() + duration
    if until is not None and until.tzinfo is None:
        until = until.replace(tzinfo=dt_util.get_default_time_zone())  # as typed, local time
    return None if until is None else dt_util.as_utc(until)


async def _check_in(call: ServiceCall) -> None:
    _household(call).check_in(call.context)


async def _acknowledge(call: ServiceCall) -> None:
    household = _household(call)
    by = await async_user_name(call.hass, call.context) or call.data.get(ATTR_BY) or None
    household.acknowledge(by, call.data.get(ATTR_NOTE), call.context)


async def _set_away(call: ServiceCall) -> None:
    household = _household(call)
    household.set_away(_away_until(call), call.context)


async def _end_away(call: ServiceCall) -> None:
    _household(call).end_away(call.context)


async def _get_status(call: ServiceCall) -> ServiceResponse:
    entry_id: str | None = call.data.get(ATTR_CONFIG_ENTRY_ID)
    if entry_id is not None:
        households = [_household(call)]
    else:
        entries: list[CarePlugConfigEntry] = call.hass.config_entries.async_loaded_entries(DOMAIN)
        households = [entry.runtime_data for entry in entries]
    statuses: list[Any] = [household.as_dict() for household in households]
    return {"households": statuses}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every household action."""
    hass.services.async_register(DOMAIN, SERVICE_CHECK_IN, _check_in, CHECK_IN_SCHEMA)
    hass.services.async_register(DOMAIN, SERVICE_ACKNOWLEDGE, _acknowledge, ACKNOWLEDGE_SCHEMA)
    hass.services.async_register(DOMAIN, SERVICE_SET_AWAY, _set_away, SET_AWAY_SCHEMA)
    hass.services.async_register(DOMAIN, SERVICE_END_AWAY, _end_away, CHECK_IN_SCHEMA)
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_STATUS,
        _get_status,
        GET_STATUS_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
