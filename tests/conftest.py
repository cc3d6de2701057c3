"""Shared fixtures. Home Assistant tests need the custom integration enabled."""

from __future__ import annotations

import pytest

# Imported early so phcc's own `custom_components` package does not shadow ours.
import custom_components.care_plug  # noqa: F401


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Let Home Assistant load custom integrations in tests that use `hass`.

    Engine tests take no `hass` fixture and so start no Home Assistant.
    """
    if "hass" in request.fixturenames:
        request.getfixturevalue("enable_custom_integrations")
