"""The household's "Report to a welfare office" options: keys, defaults, checks, flow section.

Stored flat in the household's options, like every other setting, and only when the
household reports to an office (an `office_id` is set); values left at their defaults are
not stored, so a household follows an improved default.

| key | default | meaning |
|---|---|---|
| `office_id` | (none: no link) | the case id the office gave this household |
| `share_name` | false | send the household's name to the office |
| `heartbeat` | 5 min | re-send the status this often even when nothing changed |
| `office_root` | `care_plug` | the MQTT topic root the office listens under |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, cast

import probatio
from homeassistant.data_entry_flow import section
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import selector
from homeassistant.helpers.schema_config_entry_flow import (
    SchemaCommonFlowHandler,
    SchemaFlowError,
    SchemaOptionsFlowHandler,
)

from ..const import DOMAIN
from ..engine.settings import SettingsError, parse_duration
from .contract import DEFAULT_HEARTBEAT_SECONDS, DEFAULT_ROOT, ROOT_PATTERN, valid_office_id

CONF_OFFICE_ID: Final = "office_id"
CONF_SHARE_NAME: Final = "share_name"
CONF_HEARTBEAT: Final = "heartbeat"
CONF_OFFICE_ROOT: Final = "office_root"
OFFICE_KEYS: Final = (CONF_OFFICE_ID, CONF_SHARE_NAME, CONF_HEARTBEAT, CONF_OFFICE_ROOT)
SECTION_OFFICE: Final = "office"

# A status at least every hour keeps the office's `box_offline` meaningful; more often
# than every minute only loads the broker.
MIN_HEARTBEAT_SECONDS: Final = 60.0
MAX_HEARTBEAT_SECONDS: Final = 3600.0


@dataclass(frozen=True, slots=True)
class BoxSettings:
    """How one household reports to its welfare office."""

    office_id: str
    share_name: bool = False
    heartbeat_seconds: float = DEFAULT_HEARTBEAT_SECONDS
    root: str = DEFAULT_ROOT


def box_settings(options: Mapping[str, Any]) -> BoxSettings | None:
    """The household's office settings; None when it reports to no office.

    SettingsError when a stored value cannot be used (options edited by hand).
    """
    office_id = options.get(CONF_OFFICE_ID)
    if office_id is None or office_id == "":
        return None
    if not valid_office_id(office_id):
        raise SettingsError(f"{CONF_OFFICE_ID} {office_id!r} is not 1 to 64 of A-Z a-z 0-9 _ -")
    share_name = options.get(CONF_SHARE_NAME, False)
    if not isinstance(share_name, bool):
        raise SettingsError(f"{CONF_SHARE_NAME} must be true or false")
    heartbeat = parse_duration(
        options.get(CONF_HEARTBEAT, DEFAULT_HEARTBEAT_SECONDS), CONF_HEARTBEAT
    )
    if not MIN_HEARTBEAT_SECONDS <= heartbeat <= MAX_HEARTBEAT_SECONDS:
        raise SettingsError(f"{CONF_HEARTBEAT} must be between 1 minute and 1 hour")
    root = options.get(CONF_OFFICE_ROOT, DEFAULT_ROOT)
    if not isinstance(root, str) or ROOT_PATTERN.fullmatch(root) is None:
        raise SettingsError(f"{CONF_OFFICE_ROOT} {root!r} is not an MQTT topic root")
    return BoxSettings(office_id, share_name, heartbeat, root)


# ------------------------------------------------------------------ the flow's section


def _duration(seconds: float) -> dict[str, int]:
    whole = round(seconds)
    return {"hours": whole // 3600, "minutes": whole % 3600 // 60, "seconds": whole % 60}


_DEFAULT_HEARTBEAT: Final = _duration(DEFAULT_HEARTBEAT_SECONDS)

OFFICE_SCHEMA: Final = probatio.Schema(
    {
        probatio.Optional(CONF_OFFICE_ID): selector.TextSelector(),
        probatio.Required(CONF_SHARE_NAME, default=False): selector.BooleanSelector(),
        probatio.Required(CONF_HEARTBEAT, default=_DEFAULT_HEARTBEAT): selector.DurationSelector(
            selector.DurationSelectorConfig(enable_day=False, allow_negative=False)
        ),
        probatio.Required(CONF_OFFICE_ROOT, default=DEFAULT_ROOT): selector.TextSelector(),
    }
)


def office_section() -> section:
    """The collapsed "Report to a welfare office" section of the sources step."""
    return section(OFFICE_SCHEMA, {"collapsed": True})


def suggested_office_values(options: Mapping[str, Any]) -> dict[str, Any]:
    """The section's fields as the household has them now."""
    return {key: options[key] for key in OFFICE_KEYS if key in options}


def validate_office_section(
    handler: SchemaCommonFlowHandler, values: Mapping[str, Any]
) -> dict[str, Any]:
    """The section's values as flat options: nothing without an office id, defaults left out.

    Refuses an office id or topic root the contract does not allow, a heartbeat outside
    1 minute to 1 hour, and an office id another household already reports under.
    """
    office_id = str(values.get(CONF_OFFICE_ID) or "").strip()
    if not office_id:
        return {}
    if not valid_office_id(office_id):
        raise SchemaFlowError("invalid_office_id")
    root = str(values.get(CONF_OFFICE_ROOT) or DEFAULT_ROOT).strip()
    if ROOT_PATTERN.fullmatch(root) is None:
        raise SchemaFlowError("invalid_office_root")
    heartbeat = cast(
        float,
        cv.positive_time_period_dict(
            values.get(CONF_HEARTBEAT) or _DEFAULT_HEARTBEAT
        ).total_seconds(),
    )
    if not MIN_HEARTBEAT_SECONDS <= heartbeat <= MAX_HEARTBEAT_SECONDS:
        raise SchemaFlowError("heartbeat_out_of_range")
    parent = handler.parent_handler
    own = parent.config_entry.entry_id if isinstance(parent, SchemaOptionsFlowHandler) else None
    for entry in parent.hass.config_entries.async_entries(DOMAIN):
        if entry.entry_id == own:
            continue
        other = entry.options
        if (
            other.get(CONF_OFFICE_ID) == office_id
            and other.get(CONF_OFFICE_ROOT, DEFAULT_ROOT) == root
        ):
            raise SchemaFlowError("office_id_taken")
    result: dict[str, Any] = {CONF_OFFICE_ID: office_id}
    if values.get(CONF_SHARE_NAME):
        result[CONF_SHARE_NAME] = True
    if heartbeat != DEFAULT_HEARTBEAT_SECONDS:
        result[CONF_HEARTBEAT] = _duration(heartbeat)
    if root != DEFAULT_ROOT:
        result[CONF_OFFICE_ROOT] = root
    return result
