"""One household's glue: source states in, engine, then entities, events, timer and Store out.

All decisions, and everything the household shows, are the engine's: this module only
moves data between it and Home Assistant (docs/architecture.md, "The flow of a reading").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_HOMEASSISTANT_STOP, STATE_UNAVAILABLE
from homeassistant.core import (
    CALLBACK_TYPE,
    Context,
    Event,
    EventStateChangedData,
    EventStateReportedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.dispatcher import async_dispatcher_connect, async_dispatcher_send
from homeassistant.helpers.event import (
    async_track_entity_registry_updated_event,
    async_track_point_in_utc_time,
    async_track_state_change_event,
    async_track_state_report_event,
)
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from . import issues
from .const import DOMAIN, EVENT_CARE, SAVE_DELAY_SECONDS
from .engine.model import CareEvent, HouseholdStatus, Level
from .engine.monitor import Household, Output
from .engine.settings import HouseholdSettings, options_with_source_replaced
from .household_store import async_restore, document, household_store
from .presentation.events import event_payload
from .presentation.status import status_dict
from .routine_history import async_learn_from_recorder
from .units import UNIT_MARKER, engine_state

_LOGGER = logging.getLogger(__package__)

type CarePlugConfigEntry = ConfigEntry[CarePlugCoordinator]
type CareEventListener = Callable[[CareEvent, dict[str, Any]], None]


class CarePlugCoordinator(DataUpdateCoordinator[HouseholdStatus]):
    """Feeds one household's engine and publishes what it decides.

    `data` is the engine's status value; listeners hear of it only when it changed.
    Care events go to the bus and, with their payload, to the dispatcher signal
    `event_signal` (the event entity and the office link listen there).
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: CarePlugConfigEntry,
        settings: HouseholdSettings,
        device_id: str | None,
    ) -> None:
        super().__init__(hass, _LOGGER, config_entry=entry, name=f"{DOMAIN} {entry.entry_id}")
        self.entry = entry
        self.settings = settings
        self.device_id = device_id
        self.event_signal = f"{DOMAIN}_{entry.entry_id}_care_event"
        self._store = household_store(hass, entry.entry_id)
        self._location = (hass.config.latitude, hass.config.longitude)
        self._time_zone = hass.config.time_zone
        self.household = Household(settings, dt_util.utcnow(), self._location, self._time_zone)
        self.data = self.household.status
        self._down_since: datetime | None = None
        self._unsubs: list[CALLBACK_TYPE] = []
        self._timer: CALLBACK_TYPE | None = None
        self._timer_at = float("inf")
        self._stop_listener: CALLBACK_TYPE | None = None
        self._renamed: set[str] = set()
        self._missing: set[str] = set()
        self._bad_units: set[str] = set()
        self.started = False

    # ----------------------------------------------------------------- lifecycle

    async def async_load(self) -> None:
        """Restore the household as it was saved; a fresh one when nothing usable is stored."""
        restored = await async_restore(
            self.hass, self.entry, self._store, self.settings, self._location
        )
        if restored is not None:
            self.household = restored.household
            self._down_since = restored.saved_at
            self.data = self.household.status

    @callback
    def async_start(self) -> None:
        """Watch the sources once Home Assistant runs (entities settle during start-up)."""
        self._unsubs.append(async_at_started(self.hass, self._async_begin))
        self._stop_listener = self.hass.bus.async_listen_once(
            EVENT_HOMEASSISTANT_STOP, self._async_on_stop
        )

    async def _async_begin(self, hass: HomeAssistant) -> None:
        sources = list(self.settings.sources)
        self._unsubs += [
            async_track_state_change_event(hass, sources, self._on_state_changed),
            async_track_state_report_event(hass, sources, self._on_state_reported),
            async_track_entity_registry_updated_event(hass, sources, self._on_registry_updated),
        ]
        issues.async_forget_unwatched(hass, self.entry)
        now = dt_util.utcnow()
        outputs = self.household.resume(now, self._down_since)
        for entity_id in sources:
            source_state = hass.states.get(entity_id)
            if source_state is None:
                outputs += self.household.observe(entity_id, STATE_UNAVAILABLE, now)
                self._check_missing(entity_id)
            else:
                outputs += self.household.observe(entity_id, self._reading(source_state), now)
                issues.async_source_back(hass, self.entry, entity_id)
        outputs += self._watch_resident(hass, now)
        self.started = True
        self._apply(outputs, save=True)
        if not set(sources) <= self.household.routine_sources:
            # A new household, or a new source: learn the routine from what is recorded.
            self.entry.async_create_background_task(
                hass, self._async_seed_routine(), f"{DOMAIN} routine {self.entry.entry_id}"
            )

    async def _async_seed_routine(self) -> None:
        try:
            seeded = await async_learn_from_recorder(
                self.hass, self.settings, dt_util.utcnow(), self._location
            )
        except Exception:
            # An unreadable history only delays the routine: it learns from live readings,
            # and reading is tried again at the next start.
            _LOGGER.exception(
                "Care Plug household %s: the recorder's history could not be read",
                self.entry.entry_id,
            )
            return
        self.household.adopt_routine(seeded, self.settings.sources)
        self._apply(self.household.advance(dt_util.utcnow()), save=True)

    async def async_stop(self) -> None:
        """Unloading, or Home Assistant stopping: stop listening and save the household now."""
        if self._stop_listener is not None:
            self._stop_listener()
            self._stop_listener = None
        for unsub in self._unsubs:
            unsub()
        self._unsubs.clear()
        if self._timer is not None:
            self._timer()
            self._timer = None
            self._timer_at = float("inf")
        await self._store.async_save(self._data_to_save())

    async def _async_on_stop(self, _event: Event) -> None:
        self._stop_listener = None  # it has fired: removing it again would log an error
        await self.async_stop()

    @callback
    def async_add_event_listener(self, listener: CareEventListener) -> CALLBACK_TYPE:
        """Call `listener` with every care event and its bus payload."""
        return async_dispatcher_connect(self.hass, self.event_signal, listener)

    # ----------------------------------------------------------------- inputs

    def _reading(self, source_state: State) -> str:
        """The engine's reading of a source's state: power in W and light in lx."""
        entity_id = source_state.entity_id
        role = self.settings.sources.get(entity_id)
        if role is None:
            return source_state.state
        reading = engine_state(role, source_state)
        unusable = reading.startswith(UNIT_MARKER)
        if unusable != (entity_id in self._bad_units):
            # The unit changed since the source was picked (or back): say so, once.
            self._bad_units ^= {entity_id}
            unit = reading.removeprefix(UNIT_MARKER) if unusable else None
            issues.async_source_unit(self.hass, self.entry, entity_id, unit)
        return reading

    @callback
    def _on_state_changed(self, event: Event[EventStateChangedData]) -> None:
        entity_id = event.data["entity_id"]
        new_state = event.data["new_state"]
        if new_state is None:  # the entity was removed
            self._apply(self.household.observe(entity_id, STATE_UNAVAILABLE, dt_util.utcnow()))
            self._check_missing(entity_id)
            return
        if entity_id in self._missing:
            self._missing.discard(entity_id)
            issues.async_source_back(self.hass, self.entry, entity_id)
        self._apply(
            self.household.observe(entity_id, self._reading(new_state), new_state.last_updated)
        )

    @callback
    def _on_state_reported(self, event: Event[EventStateReportedData]) -> None:
        self._apply(self.household.report(event.data["entity_id"], event.data["last_reported"]))

    @callback
    def _on_registry_updated(self, event: Event[er.EventEntityRegistryUpdatedData]) -> None:
        data = event.data
        if data["action"] == "update" and "old_entity_id" in data:
            self._rename(data["old_entity_id"], data["entity_id"])
        elif data["action"] == "remove" and data["entity_id"] != self.household.settings.resident:
            # A removed tracker says nothing (watched as usual); a removed source is missing.
            self._check_missing(data["entity_id"])

    def _watch_resident(self, hass: HomeAssistant, now: datetime) -> list[Output]:
        """Follow the resident's tracker (and its renames), and take up where it is now.
        Without one (or after it was removed from the options) an away it began ends."""
        resident = self.household.settings.resident
        if resident is None:
            return self.household.resident_state(now, None)
        self._unsubs += [
            async_track_state_change_event(hass, resident, self._on_resident_changed),
            async_track_entity_registry_updated_event(hass, resident, self._on_registry_updated),
        ]
        tracker = hass.states.get(resident)
        return self.household.resident_state(now, None if tracker is None else tracker.state)

    @callback
    def _on_resident_changed(self, event: Event[EventStateChangedData]) -> None:
        old_state, new_state = event.data["old_state"], event.data["new_state"]
        if old_state is not None and new_state is not None and old_state.state == new_state.state:
            return  # only its attributes moved (a position within the same zone)
        state = None if new_state is None else new_state.state
        self._apply(self.household.resident_state(dt_util.utcnow(), state))

    @callback
    def _on_deadline(self, when: datetime) -> None:
        self._timer = None
        self._timer_at = float("inf")
        self._apply(self.household.advance(max(dt_util.utcnow(), when)))

    # ----------------------------------------------------------------- actions

    @callback
    def check_in(self, context: Context | None = None) -> None:
        """The resident is fine: back to `normal`, the inactivity clock restarts."""
        self._apply(self.household.check_in(dt_util.utcnow()), context=context)

    @callback
    def acknowledge(
        self, by: str | None, note: str | None = None, context: Context | None = None
    ) -> None:
        """Someone is handling the alert; reminders stop."""
        if self.household.level is Level.NORMAL:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="nothing_to_acknowledge",
                translation_placeholders={"household": self.entry.title},
            )
        outputs = self.household.acknowledge(dt_util.utcnow(), by)
        self._apply(outputs, context=context, note=note)

    @callback
    def set_away(self, until: datetime | None, context: Context | None = None) -> None:
        """No inactivity alerts until `until` (None: until `end_away`)."""
        try:
            outputs = self.household.set_away(dt_util.utcnow(), until)
        except ValueError as err:  # the engine refuses an end that is not in the future
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="away_end_in_past",
                translation_placeholders={"until": "" if until is None else until.isoformat()},
            ) from err
        self._apply(outputs, context=context)

    @callback
    def end_away(self, context: Context | None = None) -> None:
        """The resident is back; monitoring resumes with a fresh clock."""
        self._apply(self.household.end_away(dt_util.utcnow()), context=context)

    def as_dict(self) -> dict[str, Any]:
        """The household's status for `get_status` (JSON-able)."""
        return {
            "config_entry_id": self.entry.entry_id,
            "household": self.entry.title,
            **status_dict(self.data, dt_util.utcnow(), self.hass.config.language),
        }

    # ----------------------------------------------------------------- outputs

    @callback
    def _apply(
        self,
        outputs: list[Output],
        *,
        save: bool = False,
        context: Context | None = None,
        note: str | None = None,
    ) -> None:
        for output in outputs:
            if isinstance(output, CareEvent):
                self._fire(output, context, note)
        status = self.household.status
        changed = status is not self.data
        if outputs or changed or save:
            self._store.async_delay_save(self._data_to_save, SAVE_DELAY_SECONDS)
        if changed:
            self.async_set_updated_data(status)
        self._arm_timer()

    def _fire(self, event: CareEvent, context: Context | None, note: str | None) -> None:
        payload = event_payload(
            event,
            entry_id=self.entry.entry_id,
            device_id=self.device_id,
            household=self.entry.title,
            language=self.hass.config.language,
            note=note,
        )
        self.hass.bus.async_fire(EVENT_CARE, payload, context=context)
        async_dispatcher_send(self.hass, self.event_signal, event, payload)

    def _arm_timer(self) -> None:
        """One timer, at the engine's next deadline.

        A deadline that moved later keeps the armed timer: it fires early, finds nothing
        due and re-arms, which is cheaper than re-arming at every reading.
        """
        due = self.household.due
        if due >= self._timer_at:
            return
        if self._timer is not None:
            self._timer()
        when = self.household.next_deadline()  # exact, where `due` may lie early
        if when is None:
            self._timer, self._timer_at = None, float("inf")
            return
        self._timer_at = self.household.due
        self._timer = async_track_point_in_utc_time(self.hass, self._on_deadline, when)

    def _data_to_save(self) -> dict[str, Any]:
        return document(self.hass, self.entry, self.household)

    # ----------------------------------------------------------------- sources

    def _check_missing(self, entity_id: str) -> None:
        """Raise a repair issue when a source no longer exists (or is disabled)."""
        if entity_id in self._renamed or self.hass.states.get(entity_id) is not None:
            return
        registered = er.async_get(self.hass).async_get(entity_id)
        if registered is not None and not registered.disabled:
            return  # its integration is not loaded yet: unavailable, not gone
        self._missing.add(entity_id)
        issues.async_source_missing(self.hass, self.entry, entity_id)

    def _rename(self, old: str, new: str) -> None:
        """A source's entity id changed: follow it, keeping what the engine learned."""
        self._renamed.add(old)
        self.household.rename_source(old, new)
        options = options_with_source_replaced(self.entry.options, old, new)
        self.hass.config_entries.async_update_entry(self.entry, options=options)
        self.hass.config_entries.async_schedule_reload(self.entry.entry_id)
