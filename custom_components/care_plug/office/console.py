"""The office console: a Lovelace card the integration serves itself (README, "The office console").

`frontend/care-office-card.js` is plain JavaScript (no build step, nothing downloaded).
Once a welfare office is set up, Home Assistant serves the file and loads it in every
browser, so any dashboard can show `type: custom:care-office-card` (dashboards/office.yaml
does). A household-only installation loads nothing. The URL carries a digest of the file:
browsers keep the cached card until the file changes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_when_setup
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN

CARD_FILE: Final = Path(__file__).parent.parent / "frontend" / "care-office-card.js"
CARD_URL: Final = f"/{DOMAIN}/{CARD_FILE.name}"
# The URL the frontend loads (with the digest), once registered; set once per run.
DATA_CONSOLE: HassKey[str | None] = HassKey(f"{DOMAIN}_console")


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

    async_when_setup(hass, "frontend", register)
