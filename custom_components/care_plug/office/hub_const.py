"""The welfare office entry's names: its options, their defaults, and how to tell it apart.

A Care Plug config entry is either a household (the default, options as documented in
the README) or a welfare office, whose options carry `kind: office`. Households stored
before offices existed have no `kind` and stay households.

No Home Assistant import here: the platform files ask `is_office` before anything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from .contract import DEFAULT_HEARTBEAT_SECONDS, DEFAULT_ROOT, OFFLINE_AFTER_HEARTBEATS

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

CONF_KIND: Final = "kind"
KIND_OFFICE: Final = "office"
CONF_ROOT: Final = "root"
CONF_TOLERANCE: Final = "tolerance"
# How many entities each household gets: `full` (the default) or `compact`, the care
# level and the acknowledge button only, for large districts (docs/office.md).
CONF_ENTITIES: Final = "entities"
ENTITIES_FULL: Final = "full"
ENTITIES_COMPACT: Final = "compact"
ENTITIES_MODES: Final = (ENTITIES_FULL, ENTITIES_COMPACT)
# The keys (office/hub_entities.py) of a compact household's entities: the care level
# carries the rest as attributes.
COMPACT_KEYS: Final = frozenset({"care_level", "acknowledge"})

# A box whose last status is older than this is `box_offline` (three missed heartbeats).
DEFAULT_TOLERANCE_SECONDS: Final = OFFLINE_AFTER_HEARTBEATS * DEFAULT_HEARTBEAT_SECONDS
MIN_TOLERANCE_SECONDS: Final = 60.0
MAX_TOLERANCE_SECONDS: Final = 24 * 3600.0

__all__ = [
    "COMPACT_KEYS",
    "CONF_ENTITIES",
    "CONF_KIND",
    "CONF_ROOT",
    "CONF_TOLERANCE",
    "DEFAULT_ROOT",
    "DEFAULT_TOLERANCE_SECONDS",
    "ENTITIES_COMPACT",
    "ENTITIES_FULL",
    "ENTITIES_MODES",
    "KIND_OFFICE",
    "MAX_TOLERANCE_SECONDS",
    "MIN_TOLERANCE_SECONDS",
    "entities_mode",
    "is_office",
    "is_office_options",
    "tolerance_seconds",
]


def is_office_options(options: Mapping[str, Any]) -> bool:
    """Whether these entry options are a welfare office's."""
    return options.get(CONF_KIND) == KIND_OFFICE


def is_office(entry: ConfigEntry[Any]) -> bool:
    """Whether the config entry is a welfare office (not a household)."""
    return is_office_options(entry.options)


def tolerance_seconds(options: Mapping[str, Any]) -> float:
    """The office's tolerance in seconds; the default when the option is missing or broken."""
    value = options.get(CONF_TOLERANCE)
    if not isinstance(value, Mapping):
        return DEFAULT_TOLERANCE_SECONDS
    try:
        seconds = (
            float(value.get("days", 0)) * 86400
            + float(value.get("hours", 0)) * 3600
            + float(value.get("minutes", 0)) * 60
            + float(value.get("seconds", 0))
        )
    except TypeError, ValueError:
        return DEFAULT_TOLERANCE_SECONDS
    return min(max(seconds, MIN_TOLERANCE_SECONDS), MAX_TOLERANCE_SECONDS)


def entities_mode(options: Mapping[str, Any]) -> str:
    """`compact` or `full` (also for an office saved before the option existed)."""
    value = options.get(CONF_ENTITIES)
    return value if value in ENTITIES_MODES else ENTITIES_FULL
