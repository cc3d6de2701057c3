"""Buttons: `check_in` (the resident is fine) and `acknowledge` (someone is on it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import CarePlugConfigEntry, CarePlugCoordinator
from .entity import CarePlugEntity
from .office.hub_const import is_office
from .office.hub_entities import async_setup_office_buttons
from .services import async_user_name

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class CarePlugButtonDescription(ButtonEntityDescription):
    """A button and what pressing it does."""

    press: Callable[[CarePlugCoordinator, str | None, Context], None]


BUTTONS: tuple[CarePlugButtonDescription, ...] = (
    CarePlugButtonDescription(
        key="check_in",
        translation_key="check_in",
        press=lambda coordinator, _by, context: coordinator.check_in(context),
    ),
    CarePlugButtonDescription(
        key="acknowledge",
        translation_key="acknowledge",
        press=lambda coordinator, by, context: coordinator.acknowledge(by, context=context),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CarePlugConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Both buttons per household."""
    if is_office(entry):
        await async_setup_office_buttons(hass, entry, async_add_entities)
        return
    async_add_entities(CarePlugButton(entry, description) for description in BUTTONS)


class CarePlugButton(CarePlugEntity, ButtonEntity):
    """A button that acts on the household."""

    entity_description: CarePlugButtonDescription

    async def async_press(self) -> None:
        by = await async_user_name(self.hass, self._context)
        context = self._context or Context()
        self.entity_description.press(self.coordinator, by, context)
