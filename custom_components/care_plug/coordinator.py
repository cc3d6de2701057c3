"""One household's glue: source states in, engine, then entities, events, timer and Store out.

All decisions are the engine's; this module only moves data between it and Home Assistant.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
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
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import (
    async_track_entity_registry_updated_event,
    async_track_point_in_utc_time,
    async_track_state_change_event,
    async_track_state_report_event,
)
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from . import issues
from .care_events import event_payload
from .const import DOMAIN, EVENT_CARE, ROLE_KEYS, SAVE_DELAY_SECONDS, STORAGE_VERSION
from .engine.model import Activity, CareEvent, Level, Monitoring, Reason
from .engine.monitor import Household, Output, StateError, rename_source
from .engine.settings import HouseholdSettings
from .messages import explain
from .routine_history import async_learn_from_recorder

_LOGGER = logging.getLogger(__package__)

type CarePlugConfigEntry = ConfigEntry[CarePlugCoordinator]
type CareEventListener = Callable[[CareEvent, dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class HouseholdStatus:
    """What the entities show; a new one is published only when something in it changed."""

    level: Level
    reason: Reason
    alert_id: str | None
    acknowledged: bool
    monitoring: Monitoring
    last_activity: datetime | None
    last_activity_entity: str | None
    quiet_since: datetime
    next_escalation: datetime | None
    next_level: Level | None
    away_until: datetime | None
    activity_today: int
    sources_online: int
    sources_total: int
    source_health: tuple[tuple[str, str], ...]
    routine_days: float
    routine_ready: bool
    explanation: str | None


def household_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Where one household's engine state is kept between runs."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}", private=True)


class CarePlugCoordinator:
    """Feeds one household's engine and publishes what it decides."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: CarePlugConfigEntry,
        settings: HouseholdSettings,
        device_id: str | None,
    ) -> None:
        self.hass = hass
        self.entry = entry
        self.settings = settings
        self.device_id = device_id
        self._store = household_store(hass, entry.entry_id)
        self._location = (hass.config.latitude, hass.config.longitude)
        self._time_zone = hass.config.time_zone
        self.household = Household(settings, dt_util.utcnow(), self._location, self._time_zone)
        # The sources whose recorded history the routine has already been seeded from.
        self._seeded: frozenset[str] = frozenset()
        self._down_since: datetime | None = None
        self._day: date = dt_util.now().date()
        self._activity_today = 0
        self._listeners: list[CALLBACK_TYPE] = []
        self._event_listeners: list[CareEventListener] = []
        self._unsubs: list[CALLBACK_TYPE] = []
        self._timer: CALLBACK_TYPE | None = None
        self._timer_at: datetime | None = None
        self._midnight: CALLBACK_TYPE | None = None
        self._stop_listener: CALLBACK_TYPE | None = None
        self._renames: dict[str, str] = {}
        self._health_epoch = -1
        self._missing: set[str] = set()
        self.started = False
        self.status = self._snapshot()

    # ----------------------------------------------------------------- lifecycle

    async def async_load(self) -> None:
        """Restore the household as it was saved; a fresh one when nothing usable is stored."""
        stored = await self._store.async_load()
        if stored is None:
            return
        try:
            if not isinstance(stored, dict):
                raise StateError("stored state is not an object")
            self.household = Household.from_dict(
                self.settings, stored.get("engine", {}), self._location, self._time_zone
            )
        except StateError as err:
            _LOGGER.warning(
                "Care Plug household %s: stored state could not be restored (%s); "
                "monitoring starts afresh",
                self.entry.entry_id,
                err,
            )
            issues.async_state_reset(self.hass, self.entry)
            return
        self._down_since = _saved_at(stored.get("saved_at"))
        seeded = stored.get("routine_sources")
        if isinstance(seeded, list):
            self._seeded = frozenset(item for item in seeded if isinstance(item, str))
        today = stored.get("activity_today")
        if isinstance(today, dict) and today.get("date") == self._day.isoformat():
            count = today.get("count")
            self._activity_today = count if isinstance(count, int) and count >= 0 else 0
        self.status = self._snapshot()

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
            state = hass.states.get(entity_id)
            if state is None:
                outputs += self.household.observe(entity_id, STATE_UNAVAILABLE, now)
                self._check_missing(entity_id)
            else:
                outputs += self.household.observe(entity_id, state.state, now)
                issues.async_source_back(hass, self.entry, entity_id)
        if self._activity_today:
            self._schedule_midnight()  # a count restored from earlier today
        self.started = True
        self._apply(outputs, save=True)
        if not set(self.settings.sources) <= self._seeded:
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
        if seeded is not None:
            self.household.adopt_routine(seeded)
            _LOGGER.debug(
                "Care Plug household %s: routine seeded with %.1f days of history",
                self.entry.entry_id,
                seeded.routine_days,
            )
        self._seeded = frozenset(self.settings.sources)
        self._apply(self.household.advance(dt_util.utcnow()), save=True)

    async def async_stop(self) -> None:
        """Unloading, or Home Assistant stopping: stop listening and save the household now."""
        if self._stop_listener is not None:
            self._stop_listener()
            self._stop_listener = None
        for unsub in self._unsubs:
            unsub()
        self._unsubs.clear()
        self._cancel_timers()
        await self._store.async_save(self._data_to_save())

    async def _async_on_stop(self, _event: Event) -> None:
        self._stop_listener = None  # it has fired: removing it again would log an error
        await self.async_stop()

    def _cancel_timers(self) -> None:
        if self._timer is not None:
            self._timer()
            self._timer = None
            self._timer_at = None
        if self._midnight is not None:
            self._midnight()
            self._midnight = None

    # ----------------------------------------------------------------- listeners

    @callback
    def async_add_listener(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `update` whenever the published status changes."""
        self._listeners.append(update)
        return lambda: self._listeners.remove(update)

    @callback
    def async_add_event_listener(self, listener: CareEventListener) -> CALLBACK_TYPE:
        """Call `listener` with every care event and its bus payload."""
        self._event_listeners.append(listener)
        return lambda: self._event_listeners.remove(listener)

    # ----------------------------------------------------------------- inputs

    @callback
    def _on_state_changed(self, event: Event[EventStateChangedData]) -> None:
        entity_id = event.data["entity_id"]
        new_state = event.data["new_state"]
        if new_state is None:  # the entity was removed
            self._apply(
                self.household.observe(entity_id, STATE_UNAVAILABLE, dt_util.utcnow()), reading=True
            )
            self._check_missing(entity_id)
            return
        if entity_id in self._missing:
            self._missing.discard(entity_id)
            issues.async_source_back(self.hass, self.entry, entity_id)
        self._apply(
            self.household.observe(entity_id, new_state.state, new_state.last_updated), reading=True
        )

    @callback
    def _on_state_reported(self, event: Event[EventStateReportedData]) -> None:
        self._apply(
            self.household.report(event.data["entity_id"], event.data["last_reported"]),
            reading=True,
        )

    @callback
    def _on_registry_updated(self, event: Event[er.EventEntityRegistryUpdatedData]) -> None:
        data = event.data
        if data["action"] == "update" and "old_entity_id" in data:
            self._rename(data["old_entity_id"], data["entity_id"])
        elif data["action"] == "remove":
            self._check_missing(data["entity_id"])

    @callback
    def _on_deadline(self, when: datetime) -> None:
        self._timer = None
        self._timer_at = None
        self._apply(self.household.advance(max(dt_util.utcnow(), when)))

    @callback
    def _on_midnight(self, _when: datetime) -> None:
        self._midnight = None
        self._roll_day(dt_util.now().date())
        self._apply([], save=True)

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
        status = self.status
        now = dt_util.utcnow()

        def iso(moment: datetime | None) -> str | None:
            return None if moment is None else moment.isoformat()

        return {
            "config_entry_id": self.entry.entry_id,
            "household": self.entry.title,
            "level": status.level.key,
            "reason": status.reason.value,
            "alert_id": status.alert_id,
            "acknowledged": status.acknowledged,
            "monitoring": status.monitoring.value,
            "last_activity": iso(status.last_activity),
            "last_activity_entity": status.last_activity_entity,
            "inactive_seconds": max(0, int((now - status.quiet_since).total_seconds())),
            "next_escalation": iso(status.next_escalation),
            "next_level": None if status.next_level is None else status.next_level.key,
            "away_until": iso(status.away_until),
            "activity_today": status.activity_today,
            "sources_online": status.sources_online,
            "sources_total": status.sources_total,
            "sources": dict(status.source_health),
            "routine_days": status.routine_days,
            "routine_ready": status.routine_ready,
            "explanation": status.explanation,
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
        reading: bool = False,
    ) -> None:
        for output in outputs:
            if isinstance(output, Activity):
                self._count_activity(output.time)
            else:
                self._fire(output, context, note)
        epoch = self.household.health_epoch
        if reading and not outputs and epoch == self._health_epoch:
            # A reading that changed nothing shown can only have moved deadlines later
            # (a report delays staleness); the armed timer stays.
            return
        self._health_epoch = epoch
        if outputs or save:
            self._store.async_delay_save(self._data_to_save, SAVE_DELAY_SECONDS)
        self._schedule_timer()
        status = self._snapshot()
        if status != self.status:
            self.status = status
            for update in list(self._listeners):
                update()

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
        for listener in list(self._event_listeners):
            listener(event, payload)

    def _schedule_timer(self) -> None:
        when = self.household.next_deadline()
        armed = self._timer_at
        if armed is not None and (when is None or when >= armed):
            # A deadline that moved later keeps the armed timer: it fires early, finds
            # nothing due and re-arms, which is cheaper than re-arming at every change.
            return
        if self._timer is not None:
            self._timer()
            self._timer = None
        self._timer_at = when
        if when is not None:
            self._timer = async_track_point_in_utc_time(self.hass, self._on_deadline, when)

    def _count_activity(self, at: datetime) -> None:
        day = dt_util.as_local(at).date()
        if day < self._day:
            return  # a late activity from a day already counted
        self._roll_day(day)
        self._activity_today += 1
        self._schedule_midnight()

    def _schedule_midnight(self) -> None:
        """Reset the day's count at the next local midnight."""
        if self._midnight is None:
            midnight = dt_util.start_of_local_day(self._day) + timedelta(days=1)
            self._midnight = async_track_point_in_utc_time(self.hass, self._on_midnight, midnight)

    def _roll_day(self, day: date) -> None:
        if day > self._day:
            self._day = day
            self._activity_today = 0

    def _snapshot(self) -> HouseholdStatus:
        household = self.household
        escalation = household.next_escalation()
        online, total = household.sources_online()
        return HouseholdStatus(
            level=household.level,
            reason=household.reason,
            alert_id=household.alert_id,
            acknowledged=household.acknowledged,
            monitoring=household.monitoring,
            last_activity=household.last_activity,
            last_activity_entity=household.last_activity_entity,
            quiet_since=household.quiet_since,
            next_escalation=None if escalation is None else escalation[0],
            next_level=None if escalation is None else escalation[1],
            away_until=household.away_until,
            activity_today=self._activity_today,
            sources_online=online,
            sources_total=total,
            source_health=tuple(household.source_health().items()),
            routine_days=round(household.routine_days, 1),
            routine_ready=household.routine_ready,
            explanation=None
            if household.explanation is None
            else explain(household.explanation, self.hass.config.language),
        )

    def _data_to_save(self) -> dict[str, Any]:
        engine = self.household.to_dict()
        seeded = set(self._seeded)
        for old, new in self._renames.items():
            engine = rename_source(engine, old, new)
            if old in seeded:
                seeded.discard(old)
                seeded.add(new)
        return {
            "engine": engine,
            "routine_sources": sorted(seeded),
            "saved_at": dt_util.utcnow().isoformat(),
            "activity_today": {"date": self._day.isoformat(), "count": self._activity_today},
        }

    # ----------------------------------------------------------------- sources

    def _check_missing(self, entity_id: str) -> None:
        """Raise a repair issue when a source no longer exists (or is disabled)."""
        if entity_id in self._renames or self.hass.states.get(entity_id) is not None:
            return
        registered = er.async_get(self.hass).async_get(entity_id)
        if registered is not None and not registered.disabled:
            return  # its integration is not loaded yet: unavailable, not gone
        self._missing.add(entity_id)
        issues.async_source_missing(self.hass, self.entry, entity_id)

    def _rename(self, old: str, new: str) -> None:
        """A source's entity id changed: follow it, keeping what the engine learned."""
        self._renames[old] = new
        options = options_with_source_replaced(self.entry.options, old, new)
        self.hass.config_entries.async_update_entry(self.entry, options=options)
        self.hass.config_entries.async_schedule_reload(self.entry.entry_id)


def _saved_at(value: Any) -> datetime | None:
    """When the stored state was saved; None when that cannot be read."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt_util.parse_datetime(value)
    except ValueError:  # the form of a time, but an impossible one
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def options_with_source_replaced(
    options: Mapping[str, Any], entity_id: str, replacement: str | None
) -> dict[str, Any]:
    """`options` with `entity_id` replaced by `replacement` in its role, or dropped."""
    result: dict[str, Any] = dict(options)
    for key in ROLE_KEYS.values():
        entities = result.get(key)
        if isinstance(entities, list) and entity_id in entities:
            kept = [replacement if e == entity_id else e for e in entities]
            result[key] = [e for e in kept if e is not None]
    return result
