"""A Store saved at most a fixed time after its first unsaved change.

Home Assistant's `Store.async_delay_save` starts its delay again on every call, so under
steady traffic (an office hearing from thousands of boxes, a box confirming a long
resend) the save could wait for ever. Here the delay is armed only when no save is
pending, and what is saved is read when the Store writes: every change made in the
meantime goes into that one write.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.core import callback
from homeassistant.helpers.storage import Store


class BoundedSave[T: Mapping[str, Any]]:
    """Saves `store` with `data()` no later than `delay` seconds after `schedule()`.

    The Store must serialize in the event loop (Home Assistant's default), where `data`
    is then called. Saves made outside this object would leave it waiting for a write
    that was cancelled: save through `async_save_now` instead.
    """

    __slots__ = ("_data", "_delay", "_pending", "_store")

    def __init__(self, store: Store[T], data: Callable[[], T], delay: float) -> None:
        self._store = store
        self._data = data
        self._delay = delay
        self._pending = False

    @property
    def pending(self) -> bool:
        """Whether a save is armed and has not been written yet."""
        return self._pending

    @callback
    def schedule(self) -> None:
        """Something to save changed: save within the delay (a pending save takes it)."""
        if self._pending:
            return
        self._pending = True
        self._store.async_delay_save(self._read, self._delay)

    def _read(self) -> T:
        # Called by the Store as it writes: later changes need a new save.
        self._pending = False
        return self._data()

    async def async_save_now(self) -> None:
        """Write now; a pending delayed save is replaced by this one."""
        self._pending = False
        await self._store.async_save(self._data())
