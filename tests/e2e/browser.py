"""The officer dashboard in headless Chromium, logged in through Home Assistant's form."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Page, async_playwright

from demo.server import HassServer

# Debian's package, installed by scripts/setup: playwright never downloads a browser here.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # running as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DASHBOARD = "/care-officer/households"
# The text a card renders lives in shadow roots, which innerText does not enter.
DEEP_TEXT = """el => {
  const parts = [];
  const walk = node => {
    if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent);
    if (node.shadowRoot) walk(node.shadowRoot);
    node.childNodes.forEach(walk);
  };
  walk(el);
  return parts.join(" ").replace(/\\s+/g, " ").trim();
}"""


@asynccontextmanager
async def chromium_page() -> AsyncIterator[Page]:
    """A page in headless Chromium, 1400 x 1000; every wait on it is bounded (30 s)."""
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000
        )
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(30_000)
            yield page
        finally:
            await browser.close()


async def officer_dashboard(
    server: HassServer, username: str, password: str, household: str, screenshot: Path
) -> str:
    """Log in, open the dashboard, screenshot it; return the household's tile text.

    Every wait is bounded: playwright's timeouts raise instead of hanging.
    """
    async with chromium_page() as page:
        await page.goto(server.url + DASHBOARD)
        # The login form: the same fields a person fills in (selectors pierce shadow DOM).
        await page.locator("input[name=username]").fill(username)
        await page.locator("input[name=password]").fill(password)
        await page.get_by_role("button", name="Log in").click()
        await page.wait_for_url(f"**{DASHBOARD}*")
        tile = page.locator("hui-tile-card", has_text=household).first
        await tile.wait_for(state="visible")
        # Let the history graph and the overview table finish drawing.
        await page.locator("hui-markdown-card", has_text=household).wait_for()
        await page.wait_for_timeout(2_000)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(screenshot), full_page=True)
        text: str = await tile.evaluate(DEEP_TEXT)
        return text
