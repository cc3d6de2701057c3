"""Seeding a household's routine from the recorder's history of its sources.

Read day by day in the recorder's own executor (never on the event loop), at most
`HISTORY_DAYS` days and `MAX_READINGS` readings, so a busy sensor cannot hold a large
history in memory or keep the worker busy for long.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

from homeassistant.const import COMPRESSED_STATE_LAST_UPDATED, COMPRESSED_STATE_STATE
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance

from .engine.model import Reading
from .engine.monitor import Household
from .engine.seed import learn_from_history
from .engine.settings import HouseholdSettings

_LOGGER = logging.getLogger(__package__)

HISTORY_DAYS = 28
MAX_READINGS = 2_000_000


async def async_learn_from_recorder(
    hass: HomeAssistant,
    settings: HouseholdSettings,
    end: datetime,
    location: tuple[float, float],
) -> Household | None:
    """A household that lived through the recorded history; None without a recorder."""
    if "recorder" not in hass.config.components:
        return None

    start = end - timedelta(days=HISTORY_DAYS)
    time_zone = hass.config.time_zone

    def learn() -> Household:
        readings = _recorded(hass, list(settings.sources), start, end)
        return learn_from_history(
            settings, readings, start, end, location=location, time_zone=time_zone
        )

    return await get_instance(hass).async_add_executor_job(learn)


def _recorded(
    hass: HomeAssistant, entity_ids: list[str], start: datetime, end: datetime
) -> Iterator[Reading]:
    from homeassistant.components.recorder import history  # noqa: PLC0415

    count = 0
    day = start
    while day < end:
        until = min(day + timedelta(days=1), end)
        found = history.get_significant_states(
            hass,
            day,
            until,
            entity_ids,
            include_start_time_state=False,
            significant_changes_only=False,
            no_attributes=True,
            compressed_state_format=True,
        )
        readings: list[Reading] = []
        for entity_id, rows in found.items():
            for row in rows:
                if isinstance(row, dict):
                    ts = row[COMPRESSED_STATE_LAST_UPDATED]
                    readings.append((float(ts), entity_id, str(row[COMPRESSED_STATE_STATE])))
        readings.sort()
        count += len(readings)
        if count > MAX_READINGS:
            _LOGGER.info("Care Plug stopped reading history at %s: too many readings", day)
            return
        yield from readings
        day = until
