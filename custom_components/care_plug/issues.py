"""Repair issues a household raises: a source that disappeared, stored state that was lost,
an office link without MQTT."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN, ROLE_KEYS

MISSING_SOURCE = "missing_source"
STATE_RESET = "state_reset"
SOURCE_UNIT = "source_unit"
BOX_MQTT_MISSING = "box_mqtt_missing"


def missing_source_issue_id(entry_id: str, entity_id: str) -> str:
    """The repair issue id for `entity_id` missing from household `entry_id`."""
    return f"{MISSING_SOURCE}_{entry_id}_{entity_id}"


@callback
def async_source_missing(hass: HomeAssistant, entry: ConfigEntry, entity_id: str) -> None:
    """A watched entity no longer exists: the household cannot see through it."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        missing_source_issue_id(entry.entry_id, entity_id),
        is_fixable=True,
        is_persistent=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=MISSING_SOURCE,
        translation_placeholders={"entity_id": entity_id, "household": entry.title},
        data={"entry_id": entry.entry_id, "entity_id": entity_id},
    )


@callback
def async_source_back(hass: HomeAssistant, entry: ConfigEntry, entity_id: str) -> None:
    """The entity exists (again): its issue, if any, is solved."""
    ir.async_delete_issue(hass, DOMAIN, missing_source_issue_id(entry.entry_id, entity_id))


def source_unit_issue_id(entry_id: str, entity_id: str) -> str:
    """The repair issue id for `entity_id` of household `entry_id` in an unusable unit."""
    return f"{SOURCE_UNIT}_{entry_id}_{entity_id}"


@callback
def async_source_unit(
    hass: HomeAssistant, entry: ConfigEntry, entity_id: str, unit: str | None
) -> None:
    """A source reports in a unit its role cannot be read in (it changed since it was
    picked): the household cannot see through it until the unit or the source changes."""
    if unit is None:
        ir.async_delete_issue(hass, DOMAIN, source_unit_issue_id(entry.entry_id, entity_id))
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        source_unit_issue_id(entry.entry_id, entity_id),
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=SOURCE_UNIT,
        translation_placeholders={"entity_id": entity_id, "household": entry.title, "unit": unit},
    )


def _missing_source_issues(hass: HomeAssistant, entry: ConfigEntry) -> list[str]:
    """The ids of the household's missing-source issues."""
    prefix = missing_source_issue_id(entry.entry_id, "")
    return [
        issue_id
        for domain, issue_id in ir.async_get(hass).issues
        if domain == DOMAIN and issue_id.startswith(prefix)
    ]


@callback
def async_forget_unwatched(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Drop the missing-source issues of sources the household no longer watches.

    A source removed in the household's options (rather than through its repair) takes
    its issue with it: the household calls this each time it starts watching.
    """
    watched = {
        missing_source_issue_id(entry.entry_id, entity_id)
        for key in ROLE_KEYS.values()
        for entity_id in entry.options.get(key, [])
    }
    for issue_id in _missing_source_issues(hass, entry):
        if issue_id not in watched:
            ir.async_delete_issue(hass, DOMAIN, issue_id)


@callback
def async_state_reset(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """The stored state was unusable, so the household started afresh."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        f"{STATE_RESET}_{entry.entry_id}",
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=STATE_RESET,
        translation_placeholders={"household": entry.title},
    )


@callback
def async_box_mqtt_missing(hass: HomeAssistant, entry: ConfigEntry, office_id: str) -> None:
    """The household should report to a welfare office, but MQTT is not set up."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        f"{BOX_MQTT_MISSING}_{entry.entry_id}",
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=BOX_MQTT_MISSING,
        translation_placeholders={"household": entry.title, "office_id": office_id},
    )


@callback
def async_box_mqtt_ready(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """The office link works (or the household no longer reports): no MQTT issue."""
    ir.async_delete_issue(hass, DOMAIN, f"{BOX_MQTT_MISSING}_{entry.entry_id}")


@callback
def async_delete_entry_issues(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """The household is removed: none of its issues apply any more."""
    ir.async_delete_issue(hass, DOMAIN, f"{STATE_RESET}_{entry.entry_id}")
    async_box_mqtt_ready(hass, entry)
    for issue_id in _missing_source_issues(hass, entry):
        ir.async_delete_issue(hass, DOMAIN, issue_id)
    prefix = source_unit_issue_id(entry.entry_id, "")
    for domain, issue_id in list(ir.async_get(hass).issues):
        if domain == DOMAIN and issue_id.startswith(prefix):
            ir.async_delete_issue(hass, DOMAIN, issue_id)
