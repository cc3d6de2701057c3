"""The household's link to its welfare office, over Home Assistant's own MQTT integration.

One link per household that has an `office_id` (docs/architecture.md, "The welfare office
link"). It publishes the household's status (retained, on every change and every
heartbeat), its care events (numbered, kept in the household's office Store until the
broker confirms them, re-sent in order after a reconnect or a restart), and its
availability; and it runs the office's commands after checking them, replying to each.

Delivery and Home Assistant's MQTT client: `mqtt.async_publish` raises when MQTT is not set
up, and when the client is not connected (the message then also waits in the client's own
queue and goes out at the next connect: the office may get it twice and drops the copy by
`seq`). When the broker does not acknowledge in time, the client only logs and returns as
if all went well; the link therefore stops waiting a little earlier and counts the message
as undelivered. Nothing is published while the client is disconnected, so no copies pile
up; everything goes through one sender, one message at a time, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.components import mqtt
from homeassistant.core import CALLBACK_TYPE, Context, HassJob, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.event import async_call_later, async_track_time_interval
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .. import issues
from ..const import DOMAIN
from ..coordinator import CarePlugConfigEntry
from ..engine.model import CareEvent
from ..engine.settings import SettingsError
from .bounded_save import BoundedSave
from .box_commands import Command, CommandRefusedError, command_failed, parse_command
from .box_options import BoxSettings, box_settings
from .box_outbox import Outbox, OutboxError
from .box_payloads import event_payload, status_payload
from .box_store import box_store
from .contract import (
    AVAILABILITY_OFFLINE,
    AVAILABILITY_ONLINE,
    COMMAND_ACKNOWLEDGE,
    COMMAND_CHECK_IN,
    COMMAND_END_AWAY,
    COMMAND_RESEND,
    COMMAND_SET_AWAY,
    SCHEMA,
    TOPIC_AVAILABILITY,
    TOPIC_COMMAND,
    TOPIC_EVENT,
    TOPIC_REPLY,
    TOPIC_STATUS,
    encode,
    topic,
)

_LOGGER = logging.getLogger(__name__)

DATA_BOX_LINKS: HassKey[dict[str, BoxLink]] = HassKey(f"{DOMAIN}_box_links")

QOS: Final = 1
# Home Assistant's MQTT client waits 10 s for the broker's acknowledgement, then returns
# as if the message was delivered; stop waiting before that (see the module docstring).
CONFIRM_SECONDS: Final = 8.0
# After a failed publish while the client says it is connected, try again this much later.
RETRY_SECONDS: Final = 30.0
# A clean stop tries this long to deliver what is pending and say `offline`.
STOP_SECONDS: Final = 5.0
# Confirmed deliveries are saved at most this long after the first unsaved one, however
# long deliveries go on (a crash in between only re-sends a confirmed event, which the
# office drops by `seq`).
CONFIRM_SAVE_DELAY: Final = 5.0
# Replies waiting for the broker; beyond this the oldest are dropped (and counted).
MAX_REPLIES: Final = 100


# The reply's error for a valid command whose action failed unexpectedly.
_FAILED: Final = str(command_failed(None).translation_key)


class _UndeliveredError(Exception):
    """The broker did not confirm a message."""


async def async_setup_box(hass: HomeAssistant, entry: CarePlugConfigEntry) -> None:
    """Start the household's office link when it has an `office_id` (call after the
    household's coordinator is in `entry.runtime_data`); it stops when the entry unloads."""
    try:
        settings = box_settings(entry.options)
    except SettingsError as err:
        # The household keeps watching; only the report to the office is off.
        _LOGGER.error(
            "Care Plug household %s: the welfare office link is off, its options cannot "
            "be used (%s); open the household's options and save them again",
            entry.entry_id,
            err,
        )
        settings = None
    if settings is None:
        return
    link = BoxLink(hass, entry, settings)
    await link.async_load()
    hass.data.setdefault(DATA_BOX_LINKS, {})[entry.entry_id] = link
    entry.async_on_unload(link.async_stop)
    link.async_start()


def box_diagnostics(hass: HomeAssistant, entry_id: str) -> dict[str, Any] | None:
    """The household's office link as diagnostics show it; None when it has none."""
    link = hass.data.get(DATA_BOX_LINKS, {}).get(entry_id)
    return None if link is None else link.diagnostics()


class BoxLink:
    """One household's reports to its welfare office, and the office's commands."""

    def __init__(
        self, hass: HomeAssistant, entry: CarePlugConfigEntry, settings: BoxSettings
    ) -> None:
        self.hass = hass
        self.entry = entry
        self.settings = settings
        self._name = entry.title if settings.share_name else None
        self._topics = {
            kind: topic(settings.root, settings.office_id, kind)
            for kind in (TOPIC_STATUS, TOPIC_EVENT, TOPIC_AVAILABILITY, TOPIC_COMMAND, TOPIC_REPLY)
        }
        self._store = box_store(hass, entry.entry_id)
        self._save = BoundedSave(self._store, self._stored, CONFIRM_SAVE_DELAY)
        self.outbox = Outbox(0)
        self._unsaved = False
        self._online_due = True
        self._status_due = True
        self._replies: deque[dict[str, Any]] = deque()
        self._sender: asyncio.Task[None] | None = None
        self._retry: CALLBACK_TYPE | None = None
        self._unsubs: list[CALLBACK_TYPE] = []
        self._remove_shutdown_job: CALLBACK_TYPE | None = None
        self._event_unsub: CALLBACK_TYPE | None = None
        self._command_unsub: CALLBACK_TYPE | None = None
        self._subscribing = False
        self._from_office = False
        self._stopped = False
        # The client connected (again) while the sender was busy: a failure of that
        # round may be the old connection's, so it tries again at once.
        self._reconnected = False
        self.counters = {
            "commands": 0,
            "commands_refused": 0,
            "commands_failed": 0,
            "replies_dropped": 0,
            "publish_failures": 0,
        }

    # ------------------------------------------------------------------ lifecycle

    async def async_load(self) -> None:
        """Restore the outbox; a new or unreadable one numbers on from the present time.

        Starting from the Unix time (in seconds) keeps `seq` above anything the office
        saw from this `office_id` before, even when this box lost its storage or the
        household was created again: a household raises far fewer than one event a second.
        """
        try:
            stored = await self._store.async_load()
        except HomeAssistantError as err:
            stored = {}
            _LOGGER.warning(
                "Care Plug household %s: the office outbox could not be read (%s)",
                self.entry.entry_id,
                err,
            )
        fresh = int(dt_util.utcnow().timestamp())
        if stored is None:
            self.outbox = Outbox(fresh)
            self._unsaved = True
            return
        try:
            outbox = Outbox.from_dict(stored)
        except OutboxError as err:
            last = stored.get("last_seq") if isinstance(stored, dict) else None
            start = max(fresh, last if isinstance(last, int) and not isinstance(last, bool) else 0)
            _LOGGER.warning(
                "Care Plug household %s: the office outbox was unusable (%s); events not "
                "yet delivered to the office are lost, numbering goes on from %s",
                self.entry.entry_id,
                err,
                start,
            )
            self.outbox = Outbox(start)
            self._unsaved = True
            return
        if stored.get("office_id", self.settings.office_id) != self.settings.office_id:
            # The household reports under a new office id: the office knows nothing of the
            # old one's events (and would refuse them under the new topic). Numbering goes on.
            _LOGGER.info(
                "Care Plug household %s: office id changed; %s undelivered event(s) for the "
                "previous one are dropped",
                self.entry.entry_id,
                len(outbox.pending),
            )
            outbox = Outbox(outbox.last_seq)
            self._unsaved = True
        self.outbox = outbox

    @callback
    def async_start(self) -> None:
        """Listen to the household and to MQTT; publish once MQTT is there."""
        coordinator = self.entry.runtime_data
        self._event_unsub = coordinator.async_add_event_listener(self._on_event)
        self._unsubs += [
            coordinator.async_add_listener(self._on_status),
            mqtt.async_subscribe_connection_status(self.hass, self._on_connection),
            async_track_time_interval(
                self.hass,
                self._on_heartbeat,
                timedelta(seconds=self.settings.heartbeat_seconds),
                name=f"{DOMAIN} office heartbeat {self.entry.entry_id}",
            ),
        ]
        self._remove_shutdown_job = self.hass.async_add_shutdown_job(HassJob(self._async_shutdown))
        self.entry.async_create_background_task(
            self.hass, self._async_begin(), f"{DOMAIN} office link {self.entry.entry_id}"
        )

    async def _async_begin(self) -> None:
        if not await mqtt.async_wait_for_mqtt_client(self.hass):
            # The household keeps watching; the link starts when MQTT connects.
            issues.async_box_mqtt_missing(self.hass, self.entry, self.settings.office_id)
            return
        await self._async_subscribe()
        self._kick()

    async def async_stop(self) -> None:
        """The household unloads: deliver what is pending if the broker is there, say
        `offline`, save the outbox."""
        await self._async_close(shutting_down=False)

    async def _async_shutdown(self) -> None:
        # Home Assistant is stopping: MQTT still runs during shutdown jobs. Events raised
        # after this still enter the outbox (saved with Home Assistant's final write).
        # The job is not removed: Home Assistant is going through the list of jobs.
        self._remove_shutdown_job = None
        await self._async_close(shutting_down=True)

    async def _async_close(self, *, shutting_down: bool) -> None:
        if not shutting_down and self._event_unsub is not None:
            self._event_unsub()
            self._event_unsub = None
        if self._stopped:
            return
        self._stopped = True
        for unsub in self._unsubs:
            unsub()
        self._unsubs.clear()
        if self._remove_shutdown_job is not None:
            self._remove_shutdown_job()
            self._remove_shutdown_job = None
        if self._retry is not None:
            self._retry()
            self._retry = None
        if self._command_unsub is not None:
            with contextlib.suppress(HomeAssistantError):  # MQTT is gone, and the subscription
                self._command_unsub()
            self._command_unsub = None
        if self._sender is not None:
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sender
            self._sender = None
        if self._connected():
            self._online_due = False
            try:
                async with asyncio.timeout(STOP_SECONDS):
                    await self._async_deliver()
                    await self._async_publish(TOPIC_AVAILABILITY, AVAILABILITY_OFFLINE, True)
            except (_UndeliveredError, TimeoutError) as err:
                _LOGGER.debug("Care Plug office link %s: stop: %s", self.settings.office_id, err)
        await self._save.async_save_now()
        self._unsaved = False
        issues.async_box_mqtt_ready(self.hass, self.entry)
        links = self.hass.data.get(DATA_BOX_LINKS, {})
        if links.get(self.entry.entry_id) is self:
            del links[self.entry.entry_id]

    # ------------------------------------------------------------------ MQTT

    def _connected(self) -> bool:
        try:
            return mqtt.is_connected(self.hass)
        except KeyError:  # MQTT is not set up
            return False

    async def _async_subscribe(self) -> None:
        """Listen for the office's commands (once; MQTT keeps it across reconnects)."""
        if self._command_unsub is not None or self._subscribing or self._stopped:
            return
        self._subscribing = True
        try:
            self._command_unsub = await mqtt.async_subscribe(
                self.hass, self._topics[TOPIC_COMMAND], self._on_command, QOS, encoding=None
            )
        except HomeAssistantError as err:
            issues.async_box_mqtt_missing(self.hass, self.entry, self.settings.office_id)
            _LOGGER.warning(
                "Care Plug office link %s: cannot subscribe to commands: %s",
                self.settings.office_id,
                err,
            )
            return
        finally:
            self._subscribing = False
        issues.async_box_mqtt_ready(self.hass, self.entry)

    @callback
    def _on_connection(self, connected: bool) -> None:
        if not connected or self._stopped:
            return
        # A broker that restarted may have lost retained messages: say it all again.
        self._online_due = True
        self._status_due = True
        self._reconnected = True
        if self._command_unsub is None:
            self.entry.async_create_task(
                self.hass, self._async_subscribe(), f"{DOMAIN} office subscribe"
            )
        self._kick()

    # ------------------------------------------------------------------ the household

    @callback
    def _on_status(self) -> None:
        self._status_due = True
        self._kick()

    @callback
    def _on_heartbeat(self, _now: datetime) -> None:
        self._status_due = True
        self._kick()

    @callback
    def _on_event(self, event: CareEvent, payload: dict[str, Any]) -> None:
        try:
            self.outbox.add(
                event_payload(
                    event,
                    payload,
                    office_id=self.settings.office_id,
                    name=self._name,
                    language=self.hass.config.language,
                    from_office=self._from_office,
                )
            )
        except Exception:
            _LOGGER.exception(
                "Care Plug office link %s: a care event could not be queued",
                self.settings.office_id,
            )
            return
        self._unsaved = True
        if self._stopped:
            self._save.schedule()
        self._kick()

    # ------------------------------------------------------------------ commands

    @callback
    def _on_command(self, message: mqtt.ReceiveMessage) -> None:
        try:
            self._handle_command(message.payload)
        except Exception:
            # Never into MQTT's callback: log and count.
            self.counters["commands_failed"] += 1
            _LOGGER.exception(
                "Care Plug office link %s: a command could not be handled",
                self.settings.office_id,
            )

    def _handle_command(self, payload: str | bytes | bytearray) -> None:
        self.counters["commands"] += 1
        try:
            command = parse_command(payload, self.settings.office_id, dt_util.utcnow())
        except CommandRefusedError as err:
            self.counters["commands_refused"] += 1
            _LOGGER.warning(
                "Care Plug office link %s: command %s refused: %s",
                self.settings.office_id,
                err.command_id,
                err.translation_key,
            )
            self._reply(err.command_id, err.translation_key or _FAILED)
            return
        try:
            self._run(command)
        except ServiceValidationError as err:
            _LOGGER.info(
                "Care Plug office link %s: command %s (%s) not run: %s",
                self.settings.office_id,
                command.command_id,
                command.command,
                err.translation_key,
            )
            self._reply(command.command_id, err.translation_key or _FAILED)
            return
        except Exception:
            self.counters["commands_failed"] += 1
            _LOGGER.exception(
                "Care Plug office link %s: command %s (%s) failed",
                self.settings.office_id,
                command.command_id,
                command.command,
            )
            self._reply(command.command_id, _FAILED)
            return
        _LOGGER.debug(
            "Care Plug office link %s: command %s (%s) done",
            self.settings.office_id,
            command.command_id,
            command.command,
        )
        self._reply(command.command_id, None)

    def _run(self, command: Command) -> None:
        """The household's action for `command`; its events say they came from the office."""
        coordinator = self.entry.runtime_data
        context = Context()
        self._from_office = True
        try:
            if command.command == COMMAND_ACKNOWLEDGE:
                coordinator.acknowledge(command.by, command.note, context)
            elif command.command == COMMAND_CHECK_IN:
                coordinator.check_in(context)
            elif command.command == COMMAND_SET_AWAY:
                coordinator.set_away(command.until, context)
            elif command.command == COMMAND_END_AWAY:
                coordinator.end_away(context)
            elif command.command == COMMAND_RESEND and command.since is not None:
                self.outbox.request_resend(command.since)
                self._kick()
        finally:
            self._from_office = False

    def _reply(self, command_id: str | None, error: str | None) -> None:
        """Queue the reply to a command; `error` is a translation key, None for success."""
        if len(self._replies) >= MAX_REPLIES:
            self._replies.popleft()
            self.counters["replies_dropped"] += 1
        self._replies.append(
            {
                "schema": SCHEMA,
                "office_id": self.settings.office_id,
                "command_id": command_id,
                "ok": error is None,
                "error": error,
            }
        )
        self._kick()

    # ------------------------------------------------------------------ the sender

    @callback
    def _kick(self) -> None:
        """Make sure the sender runs (it handles everything due, then ends)."""
        if self._stopped or self._sender is not None:
            return
        self._sender = self.entry.async_create_task(
            self.hass,
            self._async_send(),
            f"{DOMAIN} office sender {self.settings.office_id}",
            eager_start=False,
        )

    async def _async_send(self) -> None:
        try:
            while True:
                self._reconnected = False
                try:
                    await self._async_deliver()
                except _UndeliveredError as err:
                    self.counters["publish_failures"] += 1
                    _LOGGER.debug(
                        "Care Plug office link %s: not delivered (%s); trying again",
                        self.settings.office_id,
                        err,
                    )
                    if self._reconnected and self._connected():
                        continue
                    self._schedule_retry()
                break
        except HomeAssistantError as err:  # the Store could not be written
            _LOGGER.warning("Care Plug office link %s: %s", self.settings.office_id, err)
            self._schedule_retry()
        finally:
            self._sender = None

    def _schedule_retry(self) -> None:
        if self._retry is None and not self._stopped:
            self._retry = async_call_later(self.hass, RETRY_SECONDS, self._on_retry)

    @callback
    def _on_retry(self, _now: datetime) -> None:
        self._retry = None
        self._kick()

    async def _async_deliver(self) -> None:
        """Publish everything due, in order; _UndeliveredError at the first failure."""
        await self._async_save_new_events()
        if not self._connected():
            return  # the connection callback starts the sender again
        if self._online_due:
            await self._async_publish(TOPIC_AVAILABILITY, AVAILABILITY_ONLINE, True)
            self._online_due = False
        outbox = self.outbox
        while True:
            await self._async_save_new_events()
            if (item := outbox.next_resend()) is not None:
                await self._async_publish_event(item)
                outbox.resent(item["seq"])
            elif (item := outbox.head()) is not None:
                await self._async_publish_event(item)
                outbox.confirm(item["seq"])
                self._save.schedule()
            elif self._replies:
                await self._async_publish(TOPIC_REPLY, encode(self._replies[0]), False)
                self._replies.popleft()
            elif self._status_due:
                self._status_due = False
                try:
                    await self._async_publish(TOPIC_STATUS, encode(self._status()), True)
                except _UndeliveredError:
                    self._status_due = True
                    raise
            else:
                return

    async def _async_save_new_events(self) -> None:
        """Persist before publishing, so a numbered event is never lost or renumbered."""
        if self._unsaved:
            self._unsaved = False
            try:
                await self._save.async_save_now()
            except Exception:
                self._unsaved = True
                raise

    async def _async_publish_event(self, item: dict[str, Any]) -> None:
        sent = {**item, "sent_at": dt_util.utcnow().isoformat()}
        await self._async_publish(TOPIC_EVENT, encode(sent), False)

    async def _async_publish(self, kind: str, payload: str, retain: bool) -> None:
        try:
            async with asyncio.timeout(CONFIRM_SECONDS):
                await mqtt.async_publish(self.hass, self._topics[kind], payload, QOS, retain)
        except (HomeAssistantError, TimeoutError) as err:
            raise _UndeliveredError(f"{kind}: {err or type(err).__name__}") from err

    def _status(self) -> dict[str, Any]:
        return status_payload(
            self.entry.runtime_data.as_dict(),
            office_id=self.settings.office_id,
            name=self._name,
            seq=self.outbox.delivered_seq,
            sent_at=dt_util.utcnow().isoformat(),
        )

    def _stored(self) -> dict[str, Any]:
        return {**self.outbox.to_dict(), "office_id": self.settings.office_id}

    # ------------------------------------------------------------------ diagnostics

    def diagnostics(self) -> dict[str, Any]:
        """The link's state and counters (no personal data)."""
        return {
            "office_id": self.settings.office_id,
            "root": self.settings.root,
            "share_name": self.settings.share_name,
            "heartbeat_seconds": self.settings.heartbeat_seconds,
            "connected": self._connected(),
            "commands_subscribed": self._command_unsub is not None,
            "last_seq": self.outbox.last_seq,
            "delivered_seq": self.outbox.delivered_seq,
            "pending_events": len(self.outbox.pending),
            "history_events": len(self.outbox.history),
            "replies_waiting": len(self._replies),
            **self.counters,
        }
