"""The household actions (README, "Actions"), registered once for every household."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Final

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
from .office.hub_const import is_office

_TARGET: dict[Any, Any] = {vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string}
CHECK_IN_SCHEMA = vol.Schema(_TARGET)
ACKNOWLEDGE_SCHEMA = vol.Schema(
    {**_TARGET, vol.Optional(ATTR_NOTE): cv.string, vol.Optional(ATTR_BY): cv.string}
)
# The longest away period: a long hospital stay. Beyond it, an end date is far more likely
# a typing slip (a year too far) than a plan, and a household silenced by mistake watches
# nobody; an absence of unknown length is set without an end and ended with `end_away`.
MAX_AWAY: Final = timedelta(days=366)


def _valid(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`check`, with the `OverflowError` it lets escape for a period longer than a
    timedelta holds (e.g. 1e15 seconds) turned into a schema error."""

    def validate(value: Any) -> Any:
        try:
            return check(value)
        except OverflowError as err:
            raise vol.Invalid(f"out of range: {value!r}") from err

    return validate


SET_AWAY_SCHEMA = vol.Schema(
    {
        **_TARGET,
        vol.Optional(ATTR_UNTIL): _valid(cv.datetime),
        vol.Optional(ATTR_DURATION): _valid(cv.positive_time_period),
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
    if is_office(entry):
        # An office acts on a remote household through its device's buttons (commands).
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="office_is_no_household",
            translation_placeholders={"office": entry.title},
        )
    return entry.runtime_data


def _away_until(call: ServiceCall) -> datetime | None:
    until: datetime | None = call.data.get(ATTR_UNTIL)
    duration: timedelta | None = call.data.get(ATTR_DURATION)
    if until is not None and duration is not None:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="until_and_duration"
        )
    now = dt_util.utcnow()
    if duration is not None:
        if duration <= timedelta(0):
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="duration_not_positive"
            )
        _check_length(duration)
        return now + duration
    if until is None:
        return None
    if until.tzinfo is None:
        until = until.replace(tzinfo=dt_util.get_default_time_zone())  # as typed, local time
    # Compared before any conversion: an end near the ends of the calendar (9999-12-31 in
    # a time zone west of UTC) cannot even be converted to UTC.
    length = until - now
    if length <= timedelta(0):
        with contextlib.suppress(OverflowError):  # before year 1 in UTC: shown as given
            until = dt_util.as_utc(until)
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="away_end_in_past",
            translation_placeholders={"until": until.isoformat()},
        )
    _check_length(length)
    return dt_util.as_utc(until)


def _check_length(length: timedelta) -> None:
    if length > MAX_AWAY:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="away_too_long",
            translation_placeholders={"days": str(MAX_AWAY.days)},
        )


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
        households = [entry.runtime_data for entry in entries if not is_office(entry)]
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
