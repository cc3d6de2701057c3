"""Turning raw state strings into trusted numbers, or into a reason they cannot be trusted."""

from __future__ import annotations

import math
from enum import StrEnum

from .model import OFFLINE_STATES


class Fault(StrEnum):
    """Why a reading says nothing about the resident."""

    UNAVAILABLE = "unavailable"  # the device or its integration says it has no value
    INVALID = "invalid"  # text, NaN, infinite, negative or absurd


def parse_number(state: str, maximum: float) -> float | Fault:
    """A finite, non-negative number no larger than `maximum`, or the fault it shows."""
    try:
        value = float(state)
    except ValueError:
        return Fault.UNAVAILABLE if state.strip().lower() in OFFLINE_STATES else Fault.INVALID
    if not math.isfinite(value) or value < 0.0 or value > maximum:
        return Fault.INVALID
    return value
