"""The office console: a Lovelace card the integration serves itself (README, "The office console").

`frontend/care-office-card.js` is plain JavaScript (no build step, nothing downloaded).
Once a welfare office is set up, Home Assistant serves the file and loads it in every
browser, so any dashboard can show `type: custom:care-office-card` (dashboards/office.yaml
does). A household-only installation loads nothing. The URL carries a digest of the file:
browsers keep the cached card until the file changes.

With it comes one websocket command, `care_plug/office_last_heard` (once Home Assistant's
websocket API is set up): when each office last heard from each household's box, by
device id. The console asks for it as it redraws its relative times; no entity shows it
by default, since it changes with every heartbeat.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Final

import probatio as vol
from homeassistant.core import HomeAssistant, callback
from homeassistant.setup import async_when_setup
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN
from .hub_const import is_office

CARD_FILE: Final = Path(__file__).parent.parent / "frontend" / "care-office-card.js"
CARD_URL: Final = f"/{DOMAIN}/{CARD_FILE.name}"
# The URL the frontend loads (with the digest), once registered; set once per run.
DATA_CONSOLE: HassKey[str | None] = HassKey(f"{DOMAIN}_console")
WS_LAST_HEARD: Final = f"{DOMAIN}/office_last_heard"


def last_heard(hass: HomeAssistant, entry_id: str | None = None) -> dict[str, str | None]:
    """Each loaded office's households (or only `entry_id`'s): device id -> ISO time."""
    from .hub import OfficeHub  # noqa: PLC0415 (the hub imports Home Assistant's MQTT)

    heard: dict[str, str | None] = {}
    for entry in hass.config_entries.async_loaded_entries(DOMAIN):
        if not is_office(entry) or (entry_id is not None and entry.entry_id != entry_id):
            continue
        hub = entry.runtime_data
        if isinstance(hub, OfficeHub):
            for device_id, moment in hub.last_heard().items():
                heard[device_id] = None if moment is None else moment.isoformat()
    return heard


def _register_websocket(hass: HomeAssistant) -> None:
    # Only once an office is set up: a household-only installation never imports these.
    from homeassistant.components.websocket_api import async_register_command  # noqa: PLC0415
    from homeassistant.components.websocket_api.connection import (  # noqa: PLC0415
        ActiveConnection,
    )
    from homeassistant.components.websocket_api.decorators import (  # noqa: PLC0415
        websocket_command,
    )

    schema: dict[str | vol.Marker, Any] = {
        vol.Required("type"): WS_LAST_HEARD,
        vol.Optional("entry_id"): str,
    }

    @websocket_command(schema)
    @callback
    def ws_last_heard(
        hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
    ) -> None:
        connection.send_result(msg["id"], {"last_heard": last_heard(hass, msg.get("entry_id"))})

    async_register_command(hass, ws_last_heard)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


async def async_setup_console(hass: HomeAssistant) -> None:
    """Serve the console card and load it in the frontend (once; safe to call again).

    Waits for the frontend when it is not set up yet; without one (a headless
    installation) nothing happens.
    """
    if DATA_CONSOLE in hass.data:
        return
    hass.data[DATA_CONSOLE] = None

    async def register(hass: HomeAssistant, _component: str) -> None:
        # Only now: a household-only installation never imports the frontend's code here.
        from homeassistant.components.frontend import add_extra_js_url  # noqa: PLC0415
        from homeassistant.components.http.server import StaticPathConfig  # noqa: PLC0415

        version = await hass.async_add_executor_job(_digest, CARD_FILE)
        await hass.http.async_register_static_paths(
            [StaticPathConfig(CARD_URL, str(CARD_FILE), cache_headers=True)]
        )
        url = f"{CARD_URL}?v={version}"
        add_extra_js_url(hass, url)
        hass.data[DATA_CONSOLE] = url

    async def register_websocket(hass: HomeAssistant, _component: str) -> None:
        _register_websocket(hass)

    async_when_setup(hass, "websocket_api", register_websocket)
    async_when_setup(hass, "frontend", register)
