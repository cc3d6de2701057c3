"""Learning a routine from recorded history, before the household has watched anything."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from .model import Reading
from .monitor import Household
from .settings import HouseholdSettings


def learn_from_history(
    settings: HouseholdSettings,
    readings: Iterable[Reading],
    start: datetime,
    end: datetime,
    *,
    location: tuple[float, float] | None = None,
    time_zone: str | None = None,
) -> Household:
    """A household that has lived through `readings` (in time order) from `start` to `end`.

    Only its routine is meant to be kept. A history holds state changes, not the
    reports in between, so its sources are never taken as stale: a quiet sensor in the
    record is not a dead one.
    """
    shadow = Household(
        replace(settings, tuning=replace(settings.tuning, stale_after_seconds=0.0)),
        start,
        location,
        time_zone,
    )
    for ts, entity_id, state in readings:
        shadow.observe_ts(entity_id, state, ts)
    shadow.advance(max(end, start))
    return shadow
