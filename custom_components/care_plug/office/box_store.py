"""Where a household keeps its office link's outbox between runs (one Store per household).

Apart from the link itself (`box.py`), so that removing a household can delete the Store
without loading the MQTT integration.
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from ..const import DOMAIN

STORE_VERSION: Final = 1


def box_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """The office link's Store of household `entry_id`."""
    return Store(hass, STORE_VERSION, f"{DOMAIN}.{entry_id}.office", private=True)


async def async_remove_box_store(hass: HomeAssistant, entry_id: str) -> None:
    """Forget a deleted household's office outbox (nothing happens when it had none)."""
    await box_store(hass, entry_id).async_remove()
