"""Names shared by the Home Assistant glue: the domain, the event, option and entity keys."""

from __future__ import annotations

from typing import Final

from .engine.settings import ENTRANCE_KEY, ROLE_KEYS, THRESHOLD_KEYS

DOMAIN: Final = "care_plug"

__all__ = ["DOMAIN", "ROLE_KEYS", "THRESHOLD_KEYS"]

# The bus event every care event is fired as (a contract: docs/architecture.md, "Events").
EVENT_CARE: Final = "care_plug_event"

# Options keys besides the role lists and thresholds (a contract: docs/architecture.md, "Options").
CONF_RISK_GROUP: Final = "risk_group"
CONF_SENSITIVITY: Final = "sensitivity"
# The presence sources that are the entrance door, and the resident's `person` or
# `device_tracker` (away from home: the household is away); both stored only when set.
CONF_ENTRANCE_SOURCES: Final = ENTRANCE_KEY
CONF_RESIDENT: Final = "resident"

# Action names (a contract: docs/architecture.md, "Actions").
SERVICE_CHECK_IN: Final = "check_in"
SERVICE_ACKNOWLEDGE: Final = "acknowledge"
SERVICE_SET_AWAY: Final = "set_away"
SERVICE_END_AWAY: Final = "end_away"
SERVICE_GET_STATUS: Final = "get_status"

ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_NOTE: Final = "note"
# Who acknowledged, when the call carries no user (an automation answering a phone's
# notification action runs in its own context); the caller's user name wins.
ATTR_BY: Final = "by"
ATTR_UNTIL: Final = "until"
ATTR_DURATION: Final = "duration"

# The event entity's event types (docs/architecture.md, "Events").
ALERT_EVENT_TYPES: Final = (
    "attention",
    "warning",
    "critical",
    "resolved",
    "acknowledged",
    "monitoring_lost",
    "monitoring_restored",
)

# Engine state is saved at most this often while things happen (and always on unload).
SAVE_DELAY_SECONDS: Final = 10
STORAGE_VERSION: Final = 1
# Set in a household's entry data once its state has been saved: a state file missing or
# empty after that was lost (Home Assistant reads an empty or corrupt file as nothing).
STATE_SAVED: Final = "state_saved"
