"""The welfare office's entities: one device per remote household, and the office's own counter.

Each household's entities use the same translation keys as a household's own (`care_level`,
`monitoring`, `alert`, ...) with `box_offline` added, and every one carries the attribute
`office_id`, so a dashboard finds all households of an office by that attribute or by the
devices of the office's config entry. Entity ids follow the office id:
`sensor.<office_id>_care_level` (lower case, `-` as `_`).

Five entities per household are enabled: care level, monitoring, alert and the two
buttons. Last activity and last heard are disabled by default (their values are
attributes of the care level and, while the box is offline, of monitoring; the console
asks the office for last heard): an office entry holds up to 1,999 households under
Home Assistant's 10,000 enabled entities, and a heartbeat that changes nothing the
officer sees writes no state (docs/office.md, "What the office shows").

With the office option "Entities per household" set to `compact` only the care level
and the acknowledge button exist (the care level carries monitoring, last activity and,
while the box is offline, last heard): less than half the memory per household, and up
to 4,999 households per entry. The others are not created at all, and switching to
compact removes them from the entity registry (`remove_unused_entities`): a disabled
registry entry still costs memory (docs/performance.md, "The welfare office").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import slugify

from ..const import DOMAIN
from .contract import (
    AVAILABILITY_OFFLINE,
    AVAILABILITY_ONLINE,
    COMMAND_ACKNOWLEDGE,
    COMMAND_CHECK_IN,
)
from .hub_const import COMPACT_KEYS
from .hub_state import BOX_OFFLINE, DROP_REASONS, LEVELS, MONITORING_STATES, Remote

if TYPE_CHECKING:
    from .hub import OfficeHub

ATTR_OFFICE_ID: Final = "office_id"


def _hub(entry: ConfigEntry[Any]) -> OfficeHub:
    hub: OfficeHub = entry.runtime_data
    return hub


# ------------------------------------------------------------------ base


class OfficeHouseholdEntity(Entity):
    """One part of a remote household; written only when what it shows changed."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _unrecorded_attributes = frozenset({ATTR_OFFICE_ID, "household"})
    # A digest of the state and attributes last written, not a copy of them: thousands of
    # households keep one small number each (a collision, about 1 in 2**64, would skip
    # one write until the next change).
    _shown: int | None = None

    def __init__(
        self, hub: OfficeHub, office_id: str, description: EntityDescription, domain: str
    ) -> None:
        self.hub = hub
        self.office_id = office_id
        self.entity_description = description
        self._attr_unique_id = f"{hub.entry.entry_id}_{office_id}_{description.key}"
        self._attr_device_info = hub.device_info(office_id)
        # Predictable ids for dashboards; the registry keeps any id the user chose instead.
        self.entity_id = f"{domain}.{slugify(office_id)}_{description.key}"

    @property
    def remote(self) -> Remote | None:
        return self.hub.household(self.office_id)

    @property
    def available(self) -> bool:
        return self.remote is not None

    def attributes(self, remote: Remote) -> dict[str, Any]:
        """The entity's own attributes besides `office_id`."""
        return {}

    @property
    def extra_state_attributes(self) -> Mapping[str, Any]:
        remote = self.remote
        own = {} if remote is None else self.attributes(remote)
        return {ATTR_OFFICE_ID: self.office_id, **own}

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self._shown = self._shows()
        self.hub.async_add_view(self.office_id, self)

    async def async_will_remove_from_hass(self) -> None:
        self.hub.async_remove_view(self.office_id, self)
        await super().async_will_remove_from_hass()

    def _shows(self) -> int:
        return hash((self.state, *self.extra_state_attributes.items()))

    @callback
    def async_household_changed(self) -> None:
        """The hub heard from the household: write only what changed."""
        shown = self._shows()
        if shown != self._shown:
            self._shown = shown
            self.async_write_ha_state()


def _wanted[D: EntityDescription](hub: OfficeHub, descriptions: tuple[D, ...]) -> tuple[D, ...]:
    """The descriptions of the entities the office's mode gives each household."""
    if not hub.compact:
        return descriptions
    return tuple(description for description in descriptions if description.key in COMPACT_KEYS)


def _add_per_household(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    async_add_entities: AddConfigEntryEntitiesCallback,
    make: Callable[[OfficeHub, str], list[Entity]],
) -> None:
    """Entities for every known household now, and for each one that appears later."""
    hub = _hub(entry)

    @callback
    def add(office_id: str) -> None:
        entities = make(hub, office_id)
        if entities:
            async_add_entities(entities)

    for office_id in list(hub.state.households):
        add(office_id)
    entry.async_on_unload(async_dispatcher_connect(hass, hub.signal_new, add))


# ------------------------------------------------------------------ sensors


@dataclass(frozen=True, kw_only=True)
class OfficeSensorDescription(SensorEntityDescription):
    """A household sensor at the office and how it reads the household."""

    value: Callable[[Remote], str | datetime | None]
    attributes: Callable[[Remote], dict[str, Any]] | None = None


def _care_level_attributes(remote: Remote) -> dict[str, Any]:
    status = remote.status
    return {
        "household": remote.name,
        "reported_level": None if status is None else status.level,
        "reason": None if status is None else status.reason,
        "since": remote.level_since,
        "last_activity": None if status is None else status.last_activity,
        "quiet_since": remote.quiet_since,
        "alert_id": None if status is None else status.alert_id,
        "acknowledged": None if status is None else status.acknowledged,
        "acknowledged_by": remote.acknowledged_by,
        "explanation": None if status is None else status.explanation,
        "next_escalation": None if status is None else status.next_escalation,
        "next_level": None if status is None else status.next_level,
        # For a compact office, where no monitoring sensor exists: `box_offline` included,
        # and when the office last heard from a silent box (never a heartbeat's write).
        "monitoring": remote.monitoring,
        "last_heard": remote.heard if remote.offline else None,
    }


def _monitoring_attributes(remote: Remote) -> dict[str, Any]:
    status = remote.status
    return {
        "reported_monitoring": None if status is None else status.monitoring,
        "availability": AVAILABILITY_ONLINE if remote.available else AVAILABILITY_OFFLINE,
        "away_until": None if status is None else status.away_until,
        "sources_online": None if status is None else status.sources_online,
        "sources_total": None if status is None else status.sources_total,
        # Only while the box is offline, when it no longer changes: a box that reports is
        # heard every heartbeat, which must not write a state (the console asks the office).
        "last_heard": remote.heard if remote.offline else None,
    }


SENSORS: Final[tuple[OfficeSensorDescription, ...]] = (
    OfficeSensorDescription(
        key="care_level",
        translation_key="care_level",
        device_class=SensorDeviceClass.ENUM,
        options=[*LEVELS, BOX_OFFLINE],
        value=lambda remote: remote.care_level,
        attributes=_care_level_attributes,
    ),
    OfficeSensorDescription(
        key="last_activity",
        translation_key="last_activity",
        device_class=SensorDeviceClass.TIMESTAMP,
        # The care level carries it (`last_activity`, `quiet_since`).
        entity_registry_enabled_default=False,
        value=lambda remote: None if remote.status is None else remote.status.last_activity,
        attributes=lambda remote: {"quiet_since": remote.quiet_since},
    ),
    OfficeSensorDescription(
        key="monitoring",
        translation_key="monitoring",
        device_class=SensorDeviceClass.ENUM,
        options=[*MONITORING_STATES, BOX_OFFLINE],
        value=lambda remote: remote.monitoring,
        attributes=_monitoring_attributes,
    ),
    OfficeSensorDescription(
        key="last_heard",
        translation_key="last_heard",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        # Changes with every heartbeat (a recorder row each): enabled only on purpose.
        entity_registry_enabled_default=False,
        value=lambda remote: remote.heard,
    ),
)

DROPPED_MESSAGES: Final = SensorEntityDescription(
    key="dropped_messages",
    translation_key="dropped_messages",
    entity_category=EntityCategory.DIAGNOSTIC,
    state_class=SensorStateClass.TOTAL_INCREASING,
)


class OfficeSensor(OfficeHouseholdEntity, SensorEntity):
    """A sensor showing one part of a remote household."""

    entity_description: OfficeSensorDescription

    @property
    def native_value(self) -> str | datetime | None:
        remote = self.remote
        return None if remote is None else self.entity_description.value(remote)

    def attributes(self, remote: Remote) -> dict[str, Any]:
        attributes = self.entity_description.attributes
        return {} if attributes is None else attributes(remote)


class DroppedMessagesSensor(SensorEntity):
    """Messages the office dropped since it started (malformed, oversized, forged...)."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, hub: OfficeHub) -> None:
        self.hub = hub
        self.entity_description = DROPPED_MESSAGES
        self._attr_unique_id = f"{hub.entry.entry_id}_{DROPPED_MESSAGES.key}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, hub.entry.entry_id)})

    @property
    def native_value(self) -> int:
        return sum(self.hub.state.dropped.values())

    @property
    def extra_state_attributes(self) -> Mapping[str, Any]:
        dropped = self.hub.state.dropped
        return {
            **{reason: dropped[reason] for reason in DROP_REASONS},
            "duplicates": self.hub.state.duplicates,
        }

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(self.hub.async_add_office_listener(self.async_write_ha_state))


async def async_setup_office_sensors(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """The office's counter, and each household's sensors."""
    async_add_entities([DroppedMessagesSensor(_hub(entry))])
    _add_per_household(
        hass,
        entry,
        async_add_entities,
        lambda hub, office_id: [
            OfficeSensor(hub, office_id, description, "sensor")
            for description in _wanted(hub, SENSORS)
        ],
    )


# ------------------------------------------------------------------ alert

ALERT: Final = BinarySensorEntityDescription(
    key="alert", translation_key="alert", device_class=BinarySensorDeviceClass.PROBLEM
)


class OfficeAlertBinarySensor(OfficeHouseholdEntity, BinarySensorEntity):
    """On at `warning` and `critical`, and while the box is offline: someone should act."""

    @property
    def is_on(self) -> bool | None:
        remote = self.remote
        return None if remote is None else remote.alert


async def async_setup_office_binary_sensors(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Each household's alert."""
    _add_per_household(
        hass,
        entry,
        async_add_entities,
        lambda hub, office_id: [
            OfficeAlertBinarySensor(hub, office_id, description, "binary_sensor")
            for description in _wanted(hub, (ALERT,))
        ],
    )


# ------------------------------------------------------------------ buttons

BUTTONS: Final = (
    ButtonEntityDescription(key=COMMAND_ACKNOWLEDGE, translation_key="acknowledge"),
    ButtonEntityDescription(key=COMMAND_CHECK_IN, translation_key="check_in"),
)


class OfficeCommandButton(OfficeHouseholdEntity, ButtonEntity):
    """Sends its command to the household's box; the box's reply is logged."""

    async def async_press(self) -> None:
        from .hub import async_user_name  # noqa: PLC0415 (the hub imports this module's users)

        by = await async_user_name(self.hass, self._context)
        await self.hub.async_command(self.office_id, self.entity_description.key, by=by)


async def async_setup_office_buttons(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Each household's acknowledge and check-in buttons."""
    _add_per_household(
        hass,
        entry,
        async_add_entities,
        lambda hub, office_id: [
            OfficeCommandButton(hub, office_id, description, "button")
            for description in _wanted(hub, BUTTONS)
        ],
    )


# ------------------------------------------------------------------ switching modes


def household_keys() -> tuple[str, ...]:
    """The keys of every entity a household can have at the office (full mode)."""
    return tuple(description.key for description in (*SENSORS, ALERT, *BUTTONS))


@callback
def remove_unused_entities(hass: HomeAssistant, entry: ConfigEntry[Any], compact: bool) -> int:
    """Registry entries of household entities the office's mode no longer creates: removed
    (switched to compact), so none is left orphaned; how many. The entities both modes share
    keep their unique ids, and so their entity ids and history."""
    if not compact:
        return 0
    unused = tuple(f"_{key}" for key in household_keys() if key not in COMPACT_KEYS)
    prefix = f"{entry.entry_id}_"
    registry = er.async_get(hass)
    removed = 0
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        if entity.unique_id.startswith(prefix) and entity.unique_id.endswith(unused):
            registry.async_remove(entity.entity_id)
            removed += 1
    return removed
