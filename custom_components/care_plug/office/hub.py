"""A welfare office entry: every household under one topic root, over Home Assistant's MQTT.

The rules live in `hub_state.py`; this module moves data between them and Home Assistant:
MQTT messages in; devices, entity updates, `care_plug_event`s, commands, one timer and
a Store out. The wire contract is in docs/architecture.md ("The welfare office link").
"""

from __future__ import annotations

import logging
import uuid
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import CALLBACK_TYPE, Context, Event, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryNotReady, HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, EVENT_CARE
from .bounded_save import BoundedSave
from .contract import (
    COMMAND_RESEND,
    SCHEMA,
    TOPIC_AVAILABILITY,
    TOPIC_COMMAND,
    TOPIC_EVENT,
    TOPIC_REPLY,
    TOPIC_STATUS,
    encode,
    topic,
)
from .hub_const import (
    CONF_ROOT,
    DEFAULT_ROOT,
    ENTITIES_COMPACT,
    entities_mode,
    is_office,
    tolerance_seconds,
)
from .hub_entities import remove_unused_entities
from .hub_state import (
    BOX_OFFLINE,
    Appeared,
    Changed,
    Dropped,
    Fire,
    Lost,
    OfficeState,
    OfflineChanged,
    Output,
    Remote,
    Renumbered,
    ReplyReceived,
    Resend,
    Save,
)

if TYPE_CHECKING:
    from homeassistant.components.mqtt import ReceiveMessage

_LOGGER = logging.getLogger(__name__)

type OfficeConfigEntry = ConfigEntry[OfficeHub]

PLATFORMS: Final = [Platform.BINARY_SENSOR, Platform.BUTTON, Platform.SENSOR]
STORAGE_VERSION: Final = 1
# What the office remembers changes with events, not with heartbeats; one write at most
# this long after the first unsaved change keeps a burst of a thousand alerts to one write,
# and steady traffic cannot put the write off (office/bounded_save.py).
SAVE_DELAY_SECONDS: Final = 10
# Commands whose reply is still awaited, at most (older ones are forgotten).
MAX_PENDING_COMMANDS: Final = 1024
ISSUE_MQTT: Final = "office_needs_mqtt"

# The sentence of the office's own monitoring events, by language.
_OFFLINE_MESSAGE: Final = {
    "en": "{household}: the Care Plug box has stopped reporting; the office cannot see this home.",
    "ko": "{household}: 케어 플러그 기기의 보고가 끊겨 사무실에서 이 가정을 확인할 수 없습니다.",
}
_BACK_MESSAGE: Final = {
    "en": "{household}: the Care Plug box is reporting again.",
    "ko": "{household}: 케어 플러그 기기가 다시 보고하고 있습니다.",
}


def office_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Where an office keeps each household's last applied seq and removals between runs."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.office.{entry_id}", private=True)


def _language_of(hass: HomeAssistant) -> str:
    primary = hass.config.language.replace("_", "-").split("-", 1)[0].lower()
    return "ko" if primary == "ko" else "en"


async def async_user_name(hass: HomeAssistant, context: Context | None) -> str | None:
    """The name of the user behind `context`, or None (an automation, a script)."""
    if context is None or context.user_id is None:
        return None
    user = await hass.auth.async_get_user(context.user_id)
    return None if user is None else user.name


class HouseholdView(Protocol):
    """An entity showing part of a household: told when the household may have changed."""

    def async_household_changed(self) -> None: ...


class OfficeHub:
    """One welfare office: its households, as their boxes report them."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
        self.hass = hass
        self.entry = entry
        self.root: str = entry.options.get(CONF_ROOT) or DEFAULT_ROOT
        self.tolerance = timedelta(seconds=tolerance_seconds(entry.options))
        # Compact: each household's care level and acknowledge button only (hub_entities.py).
        self.compact: bool = entities_mode(entry.options) == ENTITIES_COMPACT
        self.state = OfficeState(self.root, self.tolerance, dt_util.utcnow())
        self.signal_new = f"{DOMAIN}_{entry.entry_id}_new_household"
        self.device_ids: dict[str, str] = {}
        self.office_device_id: str | None = None
        self._device_names: dict[str, str] = {}
        self._device_infos: dict[str, DeviceInfo] = {}
        self._store = office_store(hass, entry.entry_id)
        self._save = BoundedSave(self._store, self.state.to_dict, SAVE_DELAY_SECONDS)
        # The entities of each household, told directly: no listener closure per entity.
        self._views: dict[str, list[HouseholdView]] = {}
        self._office_listeners: list[CALLBACK_TYPE] = []
        self._pending: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self._unsubs: list[CALLBACK_TYPE] = []
        self._stop_unsub: CALLBACK_TYPE | None = None
        self._timer: CALLBACK_TYPE | None = None
        self._timer_at: datetime | None = None

    # ------------------------------------------------------------ lifecycle

    def device_identifier(self, office_id: str) -> tuple[str, str]:
        """The device registry identifier of a household's device at this office."""
        return (DOMAIN, f"{self.entry.entry_id}_{office_id}")

    def device_info(self, office_id: str) -> DeviceInfo:
        """The device info every entity of a household shares (one copy per household)."""
        info = self._device_infos.get(office_id)
        if info is None:
            info = self._device_infos[office_id] = DeviceInfo(
                identifiers={self.device_identifier(office_id)}
            )
        return info

    async def async_load(self) -> None:
        """Take back what the office saved, and the devices of the households it knows."""
        data = await self._store.async_load()
        if data is not None:
            self.state.restore(data)
        device = dr.async_get(self.hass).async_get_or_create(
            config_entry_id=self.entry.entry_id,
            identifiers={(DOMAIN, self.entry.entry_id)},
            entry_type=dr.DeviceEntryType.SERVICE,
            name=self.entry.title,
            manufacturer="Care Plug",
            model="Welfare office",
        )
        self.office_device_id = device.id
        for office_id in self.state.households:
            self._ensure_device(office_id)
        self._forget_unknown_devices()

    def _forget_unknown_devices(self) -> None:
        """Devices of households the office no longer knows (another root, a lost Store)."""
        registry = dr.async_get(self.hass)
        prefix = f"{self.entry.entry_id}_"
        for device in dr.async_entries_for_config_entry(registry, self.entry.entry_id):
            office_ids = [
                ident[len(prefix) :]
                for domain, ident in device.identifiers
                if domain == DOMAIN and ident.startswith(prefix)
            ]
            if office_ids and not any(o in self.state.households for o in office_ids):
                registry.async_update_device(device.id, remove_config_entry_id=self.entry.entry_id)

    async def async_start(self) -> None:
        """Subscribe to every household under the root; retained statuses arrive first."""
        from homeassistant.components import mqtt  # noqa: PLC0415 (only offices need MQTT)

        if not mqtt.is_connected(self.hass):
            self.state.connection_lost()
        self._unsubs.append(mqtt.async_subscribe_connection_status(self.hass, self._on_connection))
        for kind in (TOPIC_STATUS, TOPIC_EVENT, TOPIC_AVAILABILITY, TOPIC_REPLY):
            self._unsubs.append(
                await mqtt.async_subscribe(
                    self.hass, topic(self.root, "+", kind), self._on_message, qos=1, encoding=None
                )
            )
        self._stop_unsub = self.hass.bus.async_listen_once(
            EVENT_HOMEASSISTANT_STOP, self._async_on_stop
        )
        self._schedule()

    async def async_stop(self) -> None:
        """Unsubscribe and save what the office remembers."""
        for unsub in self._unsubs:
            unsub()
        self._unsubs.clear()
        if self._stop_unsub is not None:
            self._stop_unsub()
            self._stop_unsub = None
        self._cancel_timer()
        await self._save.async_save_now()

    async def _async_on_stop(self, _event: Event) -> None:
        # Home Assistant does not unload entries when it stops: save the last heard times.
        self._stop_unsub = None
        await self._save.async_save_now()

    # ------------------------------------------------------------ listeners

    @callback
    def async_add_view(self, office_id: str, view: HouseholdView) -> None:
        """Tell `view` whenever what household `office_id`'s entities show may have changed."""
        self._views.setdefault(office_id, []).append(view)

    @callback
    def async_remove_view(self, office_id: str, view: HouseholdView) -> None:
        """Stop telling `view` (its entity is being removed)."""
        views = self._views.get(office_id)
        if views is None or view not in views:
            return
        views.remove(view)
        if not views:
            del self._views[office_id]

    @callback
    def async_add_office_listener(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `update` whenever the office's own counters changed."""
        self._office_listeners.append(update)
        return lambda: self._office_listeners.remove(update)

    def household(self, office_id: str) -> Remote | None:
        """The household as the office sees it, or None once removed."""
        return self.state.households.get(office_id)

    # ------------------------------------------------------------ inputs

    @callback
    def _on_message(self, msg: ReceiveMessage) -> None:
        payload = msg.payload
        raw = payload.encode() if isinstance(payload, str) else bytes(payload)
        self._handle(self.state.receive(msg.topic, raw, dt_util.utcnow(), retained=msg.retain))

    @callback
    def _on_connection(self, connected: bool) -> None:
        if connected:
            self.state.connection_back(dt_util.utcnow())
        else:
            self.state.connection_lost()
        self._schedule()

    @callback
    def _on_timer(self, now: datetime) -> None:
        self._timer = self._timer_at = None
        self._handle(self.state.on_deadline(dt_util.utcnow()))

    # ------------------------------------------------------------ outputs

    @callback
    def _handle(self, outputs: list[Output]) -> None:
        changed: dict[str, None] = {}
        save = counters = False
        for output in outputs:
            match output:
                case Changed(office_id):
                    changed[office_id] = None
                case Appeared(office_id):
                    self._ensure_device(office_id)
                    async_dispatcher_send(self.hass, self.signal_new, office_id)
                case Fire(office_id, payload):
                    self._fire_remote(office_id, payload)
                case OfflineChanged():
                    self._fire_offline(output)
                case Resend(office_id, since):
                    self.entry.async_create_task(
                        self.hass, self._async_resend(office_id, since), eager_start=True
                    )
                case ReplyReceived(reply):
                    self._on_reply(reply.office_id, reply.command_id, reply.ok, reply.error)
                case Dropped(name, reason, detail):
                    counters = True
                    _LOGGER.warning("Dropped a message on %s (%s): %s", name, reason, detail)
                case Lost(office_id, after, upto, missing):
                    _LOGGER.warning(
                        "%s did not resend %s event%s after %s (up to %s); the office goes on",
                        office_id,
                        missing,
                        "" if missing == 1 else "s",
                        after,
                        upto,
                    )
                case Renumbered(office_id, previous, seq):
                    _LOGGER.warning(
                        "%s numbers its events from %s though the office had seen %s "
                        "(reinstalled?): the office follows the new numbers",
                        office_id,
                        seq,
                        previous,
                    )
                case Save():
                    save = True
        if save:
            self._save.schedule()
        for office_id in changed:
            self._update_device_name(office_id)
            for view in list(self._views.get(office_id, ())):
                view.async_household_changed()
        if counters:
            for update in list(self._office_listeners):
                update()
        self._schedule()

    def _schedule(self) -> None:
        when = self.state.next_deadline()
        armed = self._timer_at
        if armed is not None and when is not None and armed <= when:
            return  # the armed timer comes first; it re-arms for later deadlines
        self._cancel_timer()
        if when is not None:
            self._timer_at = when
            self._timer = async_track_point_in_utc_time(self.hass, self._on_timer, when)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer()
        self._timer = self._timer_at = None

    def _ensure_device(self, office_id: str) -> None:
        remote = self.state.households.get(office_id)
        name = (remote.name if remote is not None else None) or office_id
        device = dr.async_get(self.hass).async_get_or_create(
            config_entry_id=self.entry.entry_id,
            identifiers={self.device_identifier(office_id)},
            name=name,
            manufacturer="Care Plug",
            model="Remote household",
            serial_number=office_id,
            via_device_id=self.office_device_id,
        )
        self.device_ids[office_id] = device.id
        self._device_names[office_id] = name

    def _update_device_name(self, office_id: str) -> None:
        """The device is named after the household when its box shares the name."""
        remote = self.state.households.get(office_id)
        if remote is None or remote.status is None:
            return
        name = remote.name or office_id
        if self._device_names.get(office_id) == name or office_id not in self.device_ids:
            return
        self._device_names[office_id] = name
        dr.async_get(self.hass).async_update_device(self.device_ids[office_id], name=name)

    def _household_name(self, office_id: str, payload: dict[str, Any] | None = None) -> str:
        shared = payload.get("name") if payload is not None else None
        remote = self.state.households.get(office_id)
        if isinstance(shared, str) and shared:
            return shared
        return (remote.name if remote is not None else None) or office_id

    def _fire_remote(self, office_id: str, payload: dict[str, Any]) -> None:
        """A box's care event, on the office's bus: as received, plus where it belongs."""
        self.hass.bus.async_fire(
            EVENT_CARE,
            {
                **payload,
                "entry_id": self.entry.entry_id,
                "device_id": self.device_ids.get(office_id),
                "household": self._household_name(office_id, payload),
                "office_id": office_id,
                "remote": True,
            },
        )

    def _fire_offline(self, change: OfflineChanged) -> None:
        """The office's own monitoring event: a box went silent, or reports again."""
        office_id = change.office_id
        remote = self.state.households.get(office_id)
        if remote is None:
            return
        now = dt_util.utcnow()
        status = remote.status
        household = self._household_name(office_id)
        reported = None if status is None else status.monitoring
        message = _OFFLINE_MESSAGE if change.offline else _BACK_MESSAGE
        payload: dict[str, Any] = {
            "entry_id": self.entry.entry_id,
            "device_id": self.device_ids.get(office_id),
            "household": household,
            "office_id": office_id,
            "remote": True,
            "type": "monitoring",
            "level": None if status is None else status.level,
            "previous_level": None if status is None else status.level,
            "reason": "none" if status is None else status.reason,
            "alert_id": None if status is None else status.alert_id,
            "last_activity": None
            if status is None or status.last_activity is None
            else status.last_activity.isoformat(),
            "last_activity_entity": None,
            "inactive_seconds": None
            if status is None
            else max(0, int((now - status.quiet_since).total_seconds())),
            "monitoring": BOX_OFFLINE if change.offline else reported,
            "previous_monitoring": reported if change.offline else BOX_OFFLINE,
            "message": message[_language_of(self.hass)].format(household=household),
            "last_heard": None if remote.heard is None else remote.heard.isoformat(),
        }
        if not change.offline:
            payload["downtime_seconds"] = max(0, int((now - change.since).total_seconds()))
        self.hass.bus.async_fire(EVENT_CARE, payload)

    # ------------------------------------------------------------ commands

    async def async_command(
        self, office_id: str, command: str, *, by: str | None = None, **fields: Any
    ) -> str:
        """Publish a command to the household's box (QoS 1, not retained); its id."""
        from homeassistant.components import mqtt  # noqa: PLC0415

        command_id = uuid.uuid4().hex
        payload: dict[str, Any] = {
            "schema": SCHEMA,
            "office_id": office_id,
            "command_id": command_id,
            "command": command,
        }
        if by is not None:
            payload["by"] = by
        payload.update(fields)
        self._pending[command_id] = (office_id, command)
        while len(self._pending) > MAX_PENDING_COMMANDS:
            self._pending.popitem(last=False)
        await mqtt.async_publish(
            self.hass,
            topic(self.root, office_id, TOPIC_COMMAND),
            encode(payload),
            qos=1,
            retain=False,
        )
        _LOGGER.info("Sent %s to %s (command %s)", command, office_id, command_id)
        return command_id

    async def _async_resend(self, office_id: str, since: int) -> None:
        try:
            await self.async_command(office_id, COMMAND_RESEND, since=since)
        except HomeAssistantError as err:
            # The gap stays open: the next status asks again after the timeout.
            _LOGGER.warning("Could not ask %s to resend events after %s: %s", office_id, since, err)

    def _on_reply(self, office_id: str, command_id: str, ok: bool, error: str | None) -> None:
        sent = self._pending.pop(command_id, None)
        if sent is None or sent[0] != office_id:
            _LOGGER.debug("%s answered an unknown command %s", office_id, command_id)
            return
        command = sent[1]
        if ok:
            _LOGGER.info("%s carried out %s (command %s)", office_id, command, command_id)
            return
        _LOGGER.warning("%s refused %s (command %s): %s", office_id, command, command_id, error)
        if command == COMMAND_RESEND:
            self._handle(self.state.resend_refused(office_id))

    # ------------------------------------------------------------ the officer

    def remove_household(self, office_id: str) -> None:
        """Forget a retired household (its device goes); it returns only with a newer status."""
        self.state.remove(office_id, dt_util.utcnow())
        self.device_ids.pop(office_id, None)
        self._device_names.pop(office_id, None)
        self._device_infos.pop(office_id, None)
        self._views.pop(office_id, None)
        self._save.schedule()

    def last_heard(self) -> dict[str, datetime | None]:
        """When the office last heard from each household's box, by device id.

        For the console: this changes with every heartbeat, so no entity shows it by
        default (docs/office.md, "What the office shows").
        """
        households = self.state.households
        return {
            device_id: None if (remote := households.get(office_id)) is None else remote.heard
            for office_id, device_id in self.device_ids.items()
        }

    def diagnostics(self) -> dict[str, Any]:
        """Counts for support: no names, no payloads."""
        households = self.state.households.values()
        return {
            "root": self.root,
            "tolerance_seconds": self.tolerance.total_seconds(),
            "households": len(self.state.households),
            "box_offline": sum(1 for remote in households if remote.offline),
            "removed": len(self.state.removed),
            "dropped": dict(self.state.dropped),
            "duplicates": self.state.duplicates,
        }


# ------------------------------------------------------------------ entry points


async def async_setup_office(hass: HomeAssistant, entry: ConfigEntry[Any]) -> bool:
    """Start watching every household under the office's root (MQTT must be set up)."""
    from homeassistant.components import mqtt  # noqa: PLC0415

    if not await mqtt.async_wait_for_mqtt_client(hass):
        ir.async_create_issue(
            hass,
            DOMAIN,
            f"{ISSUE_MQTT}_{entry.entry_id}",
            is_fixable=False,
            is_persistent=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key="office_needs_mqtt",
            translation_placeholders={"office": entry.title},
        )
        raise ConfigEntryNotReady(translation_domain=DOMAIN, translation_key="office_needs_mqtt")
    ir.async_delete_issue(hass, DOMAIN, f"{ISSUE_MQTT}_{entry.entry_id}")
    hub = OfficeHub(hass, entry)
    await hub.async_load()
    entry.runtime_data = hub
    # After a switch to compact, before the platforms add what the mode still uses.
    remove_unused_entities(hass, entry, hub.compact)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    await hub.async_start()
    return True


async def async_unload_office(hass: HomeAssistant, entry: ConfigEntry[Any]) -> bool:
    """Stop watching; what the office remembers is saved."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        hub: OfficeHub = entry.runtime_data
        await hub.async_stop()
    return unloaded


async def async_remove_office(hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
    """A deleted office: forget what it remembered, and its repair issue."""
    await office_store(hass, entry.entry_id).async_remove()
    ir.async_delete_issue(hass, DOMAIN, f"{ISSUE_MQTT}_{entry.entry_id}")


async def async_remove_office_device(
    hass: HomeAssistant, entry: ConfigEntry[Any], device: dr.DeviceEntry
) -> bool:
    """Whether the device may be deleted: only a household's at an office (it is forgotten)."""
    if not is_office(entry):
        return False
    prefix = f"{entry.entry_id}_"
    office_ids = [
        ident[len(prefix) :]
        for domain, ident in device.identifiers
        if domain == DOMAIN and ident.startswith(prefix)
    ]
    if not office_ids:
        return False  # the office's own device
    hub: OfficeHub | None = getattr(entry, "runtime_data", None)
    if hub is None:
        return False  # not loaded: nothing would remember the removal
    for office_id in office_ids:
        hub.remove_household(office_id)
    return True


__all__ = [
    "PLATFORMS",
    "OfficeConfigEntry",
    "OfficeHub",
    "async_remove_office",
    "async_remove_office_device",
    "async_setup_office",
    "async_unload_office",
    "async_user_name",
]
