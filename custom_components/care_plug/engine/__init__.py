"""The Care Plug engine: pure Python, no Home Assistant import, time always passed in."""

from .model import (
    Activity,
    CareEvent,
    EventType,
    Level,
    Monitoring,
    Reason,
    ResolvedBy,
    Role,
)
from .monitor import Household
from .settings import HouseholdSettings, SettingsError

__all__ = [
    "Activity",
    "CareEvent",
    "EventType",
    "Household",
    "HouseholdSettings",
    "Level",
    "Monitoring",
    "Reason",
    "ResolvedBy",
    "Role",
    "SettingsError",
]
