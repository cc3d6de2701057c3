"""Fix flows for the household's repair issues: replace or drop a source that disappeared."""

from __future__ import annotations

from typing import Any

import probatio as vol
from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.helpers import selector

from .coordinator import options_with_source_replaced
from .engine.settings import HouseholdSettings, SettingsError

CONF_REPLACEMENT = "replacement"


class MissingSourceFlow(RepairsFlow):
    """Pick an entity to take the missing source's place, or leave empty to drop it."""

    def __init__(self, entry_id: str, entity_id: str) -> None:
        self._entry_id = entry_id
        self._entity_id = entity_id

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        if user_input is not None and "issue_id" in user_input:
            # Home Assistant opens every fix flow with `{"issue_id": ...}` as the user
            # input of this first step (a compatibility fallback): that is no answer to
            # the form, which has not even been shown yet.
            user_input = None
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None:
            return self.async_abort(reason="household_removed")
        errors: dict[str, str] = {}
        if user_input is not None:
            replacement = user_input.get(CONF_REPLACEMENT) or None
            options = options_with_source_replaced(entry.options, self._entity_id, replacement)
            watched = HouseholdSettings.from_options(entry.options).sources
            if replacement is not None and replacement in watched:
                errors["base"] = "entity_in_two_roles"
            else:
                try:
                    HouseholdSettings.from_options(options)
                except SettingsError:
                    errors["base"] = "no_activity_source"
            if not errors:
                self.hass.config_entries.async_update_entry(entry, options=options)
                self.hass.config_entries.async_schedule_reload(entry.entry_id)
                return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="init",
            data_schema=vol.Schema({vol.Optional(CONF_REPLACEMENT): selector.EntitySelector()}),
            errors=errors,
            description_placeholders={"entity_id": self._entity_id, "household": entry.title},
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """The fix flow for `issue_id` (only missing sources are fixable)."""
    assert data is not None
    return MissingSourceFlow(str(data["entry_id"]), str(data["entity_id"]))
