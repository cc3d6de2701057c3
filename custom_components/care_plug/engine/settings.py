"""A household's settings, read and checked from its options dict.

The options keys are a contract: docs/architecture.md, "Options".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import DEFAULT_SENSITIVITY, SENSITIVITIES, Role

# Options keys that list a role's entities (contract).
ROLE_KEYS: dict[Role, str] = {
    Role.POWER: "power_sources",
    Role.BACKGROUND_POWER: "background_power_sources",
    Role.LIGHT: "light_sources",
    Role.PRESENCE: "presence_sources",
    Role.OTHER: "other_sources",
}
ACTIVITY_ROLES = frozenset({Role.POWER, Role.LIGHT, Role.PRESENCE, Role.OTHER})
# Options key of the presence sources that are the home's entrance door (contract).
ENTRANCE_KEY = "entrance_sources"
RESIDENT_KEY = "resident"
RESIDENT_DOMAINS = frozenset({"person", "device_tracker"})

MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0
MIN_THRESHOLD = MINUTE
MAX_THRESHOLD = 14 * DAY

RISK_GROUPS = ("high_risk", "at_risk", "general", "custom")
DEFAULT_RISK_GROUP = "at_risk"
# (attention, warning, critical) in hours. `critical` is the municipal smart-plug
# threshold for the group (24 / 36 / 50 h). `attention` at 12 h sits beyond a long night
# plus a slow morning, so a normal night never prompts anyone; `warning` lies between
# attention and critical so a family has hours to act before the office is told.
PRESETS: dict[str, tuple[float, float, float]] = {
    "high_risk": (12.0, 18.0, 24.0),
    "at_risk": (12.0, 24.0, 36.0),
    "general": (12.0, 30.0, 50.0),
}
THRESHOLD_KEYS = ("attention_after", "warning_after", "critical_after")


class SettingsError(ValueError):
    """Options that cannot describe a household; the message names the key."""


@dataclass(frozen=True, slots=True)
class Tuning:
    """Signal thresholds (seconds, watts, lux), each an options key of the same name.

    Defaults are chosen on real recordings; docs/tuning.md shows how.
    """

    power_standby_w: float = 5.0
    power_step_w: float = 30.0
    power_step_ratio: float = 0.8
    power_glitch_seconds: float = 120.0
    power_max_w: float = 10_000.0
    light_step_lx: float = 4.0
    light_step_ratio: float = 1.0
    light_dark_lx: float = 30.0
    light_max_gap_seconds: float = 1800.0
    light_sun_elevation: float = -6.0
    light_max_lx: float = 200_000.0
    stale_after_seconds: float = 6 * HOUR
    monitoring_lost_after_seconds: float = 15 * MINUTE
    reminder_interval_seconds: float = 30 * MINUTE


# Options keys of the tuning values given as HA duration dicts, and the field they fill.
DURATION_TUNING = {
    "power_glitch_window": "power_glitch_seconds",
    "light_max_gap": "light_max_gap_seconds",
    "stale_after": "stale_after_seconds",
    "monitoring_lost_after": "monitoring_lost_after_seconds",
    "reminder_interval": "reminder_interval_seconds",
}
NUMBER_TUNING = (
    "power_standby_w",
    "power_step_w",
    "power_step_ratio",
    "light_step_lx",
    "light_step_ratio",
    "light_dark_lx",
    "light_sun_elevation",
)


@dataclass(frozen=True, slots=True)
class HouseholdSettings:
    """Everything the engine needs to know about one household."""

    sources: dict[str, Role]
    attention_after: float
    warning_after: float
    critical_after: float
    risk_group: str = DEFAULT_RISK_GROUP
    tuning: Tuning = field(default_factory=Tuning)
    sensitivity: str = DEFAULT_SENSITIVITY
    # Presence sources that are the home's entrance door (options key `entrance_sources`).
    entrances: frozenset[str] = frozenset()
    # The resident's `person` or `device_tracker` (options key `resident`), if any.
    resident: str | None = None

    @property
    def thresholds(self) -> tuple[float, float, float]:
        """Seconds of inactivity to attention, warning and critical."""
        return (self.attention_after, self.warning_after, self.critical_after)

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> HouseholdSettings:
        """Read and check an options dict; SettingsError says what is wrong."""
        if not isinstance(options, Mapping):
            raise SettingsError("options must be a JSON object")
        sources = _read_sources(options)
        risk_group = options.get("risk_group", DEFAULT_RISK_GROUP)
        if risk_group not in RISK_GROUPS:
            raise SettingsError(f"risk_group must be one of {', '.join(RISK_GROUPS)}")
        if risk_group == "custom":
            missing = [key for key in THRESHOLD_KEYS if options.get(key) is None]
            if missing:
                raise SettingsError(f"risk_group custom needs {', '.join(missing)}")
        sensitivity = options.get("sensitivity", DEFAULT_SENSITIVITY)
        if sensitivity not in SENSITIVITIES:
            raise SettingsError(f"sensitivity must be one of {', '.join(SENSITIVITIES)}")
        preset = PRESETS.get(risk_group, PRESETS[DEFAULT_RISK_GROUP])
        thresholds: list[float] = []
        for key, hours in zip(THRESHOLD_KEYS, preset, strict=True):
            value = options.get(key)
            thresholds.append(hours * HOUR if value is None else parse_duration(value, key))
        check_thresholds(*thresholds)
        return cls(
            sources=sources,
            attention_after=thresholds[0],
            warning_after=thresholds[1],
            critical_after=thresholds[2],
            risk_group=risk_group,
            tuning=_read_tuning(options),
            sensitivity=sensitivity,
            entrances=_read_entrances(options, sources),
            resident=_read_resident(options, sources),
        )


def _read_resident(options: Mapping[str, Any], sources: Mapping[str, Role]) -> str | None:
    resident = options.get(RESIDENT_KEY)
    if resident is None:
        return None
    if not isinstance(resident, str):
        raise SettingsError("resident must be a person or device_tracker entity id")
    domain, _, object_id = resident.partition(".")
    if domain not in RESIDENT_DOMAINS or not object_id or resident in sources:
        raise SettingsError("resident must be a person or device_tracker entity id")
    return resident


def check_thresholds(attention: float, warning: float, critical: float) -> None:
    """Thresholds must rise strictly and lie between 1 minute and 14 days."""
    for key, value in zip(THRESHOLD_KEYS, (attention, warning, critical), strict=True):
        if not MIN_THRESHOLD <= value <= MAX_THRESHOLD:
            raise SettingsError(f"{key} must be between 1 minute and 14 days")
    if not attention < warning:
        raise SettingsError("warning_after must be longer than attention_after")
    if not warning < critical:
        raise SettingsError("critical_after must be longer than warning_after")


def parse_duration(value: Any, key: str) -> float:
    """Seconds from an HA duration dict (`{"hours": 12}`), a number of seconds or "HH:MM:SS"."""
    seconds: float
    if isinstance(value, bool):
        raise SettingsError(f"{key} must be a duration")
    if isinstance(value, int | float):
        seconds = _as_float(value, key)
    elif isinstance(value, Mapping):
        units = {"days": DAY, "hours": HOUR, "minutes": MINUTE, "seconds": 1.0}
        units["milliseconds"] = 0.001
        unknown = set(value) - set(units)
        if unknown or not value:
            raise SettingsError(f"{key} must be a duration like {{'hours': 12}}")
        seconds = 0.0
        for unit, amount in value.items():
            if isinstance(amount, bool) or not isinstance(amount, int | float):
                raise SettingsError(f"{key}.{unit} must be a number")
            seconds += _as_float(amount, f"{key}.{unit}") * units[unit]
    elif isinstance(value, str):
        parts = value.split(":")
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            raise SettingsError(f"{key} must be a duration like '12:00:00'") from None
        if not 1 <= len(numbers) <= 3 or any(number < 0 for number in numbers):
            raise SettingsError(f"{key} must be a duration like '12:00:00'")
        if len(numbers) == 2:
            numbers.append(0.0)  # "HH:MM", as Home Assistant reads it
        seconds = 0.0
        for number in numbers:
            seconds = seconds * 60.0 + number
    else:
        raise SettingsError(f"{key} must be a duration")
    if not math.isfinite(seconds) or seconds < 0:
        raise SettingsError(f"{key} must be a non-negative duration")
    return seconds


def _as_float(value: float, key: str) -> float:
    try:
        return float(value)
    except OverflowError:
        raise SettingsError(f"{key} is out of range") from None


def _read_sources(options: Mapping[str, Any]) -> dict[str, Role]:
    sources: dict[str, Role] = {}
    for role, key in ROLE_KEYS.items():
        entities = options.get(key, [])
        if isinstance(entities, str) or not isinstance(entities, list | tuple):
            raise SettingsError(f"{key} must be a list of entity ids")
        for entity_id in entities:
            if not isinstance(entity_id, str) or "." not in entity_id:
                raise SettingsError(f"{key} holds {entity_id!r}, which is not an entity id")
            if entity_id in sources:
                raise SettingsError(f"{entity_id} is listed in two roles")
            sources[entity_id] = role
    if not any(role in ACTIVITY_ROLES for role in sources.values()):
        raise SettingsError(
            "no activity source: name at least one entity in power_sources, light_sources, "
            "presence_sources or other_sources"
        )
    return sources


def _read_entrances(options: Mapping[str, Any], sources: dict[str, Role]) -> frozenset[str]:
    entities = options.get(ENTRANCE_KEY, [])
    if isinstance(entities, str) or not isinstance(entities, list | tuple):
        raise SettingsError(f"{ENTRANCE_KEY} must be a list of entity ids")
    for entity_id in entities:
        if not isinstance(entity_id, str) or sources.get(entity_id) is not Role.PRESENCE:
            raise SettingsError(f"{ENTRANCE_KEY} holds {entity_id!r}, not a presence source")
    return frozenset(entities)


def _read_tuning(options: Mapping[str, Any]) -> Tuning:
    values: dict[str, float] = {}
    for key in NUMBER_TUNING:
        if key in options:
            value = options[key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SettingsError(f"{key} must be a number")
            number = _as_float(value, key)
            if not math.isfinite(number) or (key != "light_sun_elevation" and number < 0):
                raise SettingsError(f"{key} must be a non-negative number")
            values[key] = number
    for key, name in DURATION_TUNING.items():
        if key in options:
            values[name] = parse_duration(options[key], key)
    return Tuning(**values)


def options_with_source_replaced(
    options: Mapping[str, Any], entity_id: str, replacement: str | None
) -> dict[str, Any]:
    """`options` with `entity_id` replaced by `replacement` in its role, or dropped
    (and so among the entrance doors, which must stay presence sources)."""
    result: dict[str, Any] = dict(options)
    if result.get(RESIDENT_KEY) == entity_id:  # the resident's tracker was renamed
        if replacement is None:
            del result[RESIDENT_KEY]
        else:
            result[RESIDENT_KEY] = replacement
    for key in (*ROLE_KEYS.values(), ENTRANCE_KEY):
        entities = result.get(key)
        if isinstance(entities, list) and entity_id in entities:
            kept = [replacement if e == entity_id else e for e in entities]
            result[key] = [e for e in kept if e is not None]
    return result
