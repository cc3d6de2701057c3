"""Fix flows for the household's repair issues: replace or drop a source that disappeared."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import probatio as vol
from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.core import HomeAssistant

from .config_flow import SourceError, checked_sources, source_entity_id, source_picker
from .const import ROLE_KEYS
from .engine.model import Role
from .engine.settings import options_with_source_replaced

CONF_REPLACEMENT = "replacement"


class MissingSourceFlow(RepairsFlow):
    """Pick an entity to take the missing source's place, or leave empty to drop it.

    The replacement is checked by the same rules as a source picked in the household's
    options (config_flow.checked_sources): a household must never watch its own alert.
    """

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
        role = next(
            (r for r, key in ROLE_KEYS.items() if self._entity_id in entry.options.get(key, [])),
            None,
        )
        if role is None:
            # Dropped in the household's options meanwhile: nothing is left to repair.
            return self.async_abort(reason="source_not_watched")
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                options = self._replaced(entry.options, role, user_input.get(CONF_REPLACEMENT))
            except SourceError as refused:
                # The form names no replacement: the user has just picked it.
                errors["base"] = refused.error
            else:
                self.hass.config_entries.async_update_entry(entry, options=options)
                self.hass.config_entries.async_schedule_reload(entry.entry_id)
                return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="init",
            data_schema=vol.Schema(
                {vol.Optional(CONF_REPLACEMENT): source_picker(self.hass, role, multiple=False)}
            ),
            errors=errors,
            description_placeholders={"entity_id": self._entity_id, "household": entry.title},
        )

    def _replaced(self, options: Mapping[str, Any], role: Role, chosen: Any) -> dict[str, Any]:
        """`options` with the missing source replaced by `chosen` (or dropped when empty).

        SourceError when the replacement breaks a rule of the household's options.
        """
        watched = {e for key in ROLE_KEYS.values() for e in options.get(key, [])}
        replacement = source_entity_id(self.hass, role, chosen) if chosen else None
        if replacement in watched:
            raise SourceError("entity_in_two_roles", entity_id=str(replacement))
        result = options_with_source_replaced(options, self._entity_id, replacement)
        # The other sources were accepted when they were chosen; one of them may be gone
        # too (with its own repair), which must not block this one.
        checked_sources(self.hass, result, accepted=watched)
        return result


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """The fix flow for `issue_id` (only missing sources are fixable)."""
    assert data is not None
    return MissingSourceFlow(str(data["entry_id"]), str(data["entity_id"]))
