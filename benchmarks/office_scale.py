"""A welfare office at scale: N simulated boxes -> one Mosquitto -> a real office Home Assistant.

Run from the repo root: `.venv/bin/python -m benchmarks.office_scale` (N = 1,000 then
5,000; `--households 1000` for one size, `--quick` for 200 households and short windows,
`--profile` for cProfile of a start and a burst instead of the figures, `--memory-only`
for part 4 alone, `--entities compact` for a compact office: each household's care level
and acknowledge button only).

Parts, all real except the boxes:
- Mosquitto (Debian's package, started here on a free 127.0.0.1 port in a temporary
  folder through tests/broker.py, stopped by PID). `--max-queued` sets the broker's
  `max_queued_messages` (no limit by default; see docs/performance.md, "The welfare
  office", for what Mosquitto's own default of 1,000 does to an office).
- The boxes: one light process (`benchmarks/office_boxes.py`) publishing for all N
  households over one connection what their boxes would: retained status and
  availability, heartbeats, numbered events.
- The office: Home Assistant's core as in the other `ha_*` benchmarks, with the `mqtt`
  integration connected to the broker (set up as its config entry is; `--discovery off`
  turns its discovery option off) and one Care Plug "Welfare office" entry on the default
  root, or `--districts K` entries with roots `care_plug/d1`... sharing the households.
  The boxes run in their own process, so the office's CPU (`time.process_time`, all its
  threads) does not include them.

Figures, per size:
1. Start-up with N retained statuses: the boxes publish them first; then, with MQTT
   connected, the office entries are set up and timed until every household's enabled
   entities exist (5, or 2 when compact), or until no more appear for a few seconds
   (Home Assistant adds at most 10,000 enabled entities per config entry; the entities
   created are reported). Again after a restart (a new core in the same configuration
   directory, the office's Store on disk; the registries start empty as in every `ha_*`
   benchmark).
2. CPU at the steady rate: every heartbeat every 5 minutes and 5 events per household
   per day at random. Measured idle (nothing published) and at that traffic F times
   faster (by default about 100 messages a second), then scaled: idle + (accelerated -
   idle) / F. A window at the real rate is measured too, as a check. The office saves its
   Store 10 s after the first unsaved change; an accelerated stream makes that a save
   every 10 s, so one save is timed on its own and added at the rate a real day's random
   events call for (the few in the accelerated window, scaled down, add under 0.01 %).
3. A burst: 1,000 households raise a `warning` alert at once (event, then status, as a
   box sends them); for each event, the time from the boxes' publish call (`sent_at`)
   to the office's `care_plug_event`; p50, p99, max. Repeated; each burst is followed by
   an untimed burst of `resolved`.
4. Memory per remote household: a start-up as in 1 under tracemalloc, memory still
   allocated once the entities exist minus before the office entries were set up, / N,
   with the files that allocated most of it.

It prints a table and JSON; it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import math
import pstats
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from homeassistant.components import mqtt
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import frame
from homeassistant.helpers import json as json_helper
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.storage import Store
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.care_plug.const import EVENT_CARE
from custom_components.care_plug.office import hub_entities
from custom_components.care_plug.office.hub import SAVE_DELAY_SECONDS, OfficeHub
from custom_components.care_plug.office.hub_const import COMPACT_KEYS
from tests.broker import Broker

from .ha_harness import DOMAIN, running_hass, table
from .office_boxes import ROOT, district_root

REPO = Path(__file__).resolve().parents[1]
# Enabled, by the office's "Entities per household": full, care level, monitoring, the
# alert, 2 buttons (last activity and last heard are disabled by default: registry entries
# without a state); compact, care level and acknowledge, the others not created at all.
# `compact-disabled` is the alternative compact measured against it: a full office whose
# other five are created disabled (registry entries only), not an option of the office.
ENTITIES_PER_HOUSEHOLD = {"full": 5, "compact": 2, "compact-disabled": 2}
HEARTBEAT_SECONDS = 300.0
EVENTS_PER_DAY = 5.0
BURST = 1000
# Nothing new for this long: the rest is not coming (Home Assistant's entity limit, or
# messages the broker dropped).
STALL_SECONDS = 5.0
OFFICE_STORE_PREFIX = f"{DOMAIN}.office."
TARGETS = {
    "burst_p99_seconds": 1.0,
    "steady_cpu_share": 0.05,
    "memory_kb_per_household": 30.0,
    "startup_seconds": 10.0,
}


class OfficeBroker(Broker):
    """tests/broker.py's Mosquitto with extra lines in its configuration."""

    def __init__(self, folder: Path, extra: list[str]) -> None:
        super().__init__(folder)
        self.extra = extra

    def _write_config(self) -> None:
        super()._write_config()
        with self.config_path.open("a", encoding="utf-8") as config:
            config.write("".join(f"{line}\n" for line in self.extra))

    def cpu_seconds(self) -> float:
        """User + system CPU of the broker process so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])
        return ticks / 100  # USER_HZ

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def dropped_lines(self) -> int:
        """How often the broker logged that it dropped messages for a slow client."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return 0
        return text.count("dropped")


class Boxes:
    """The boxes' process, driven one command at a time."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, port: int, households: int, districts: int) -> Boxes:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.office_boxes",
            "--port",
            str(port),
            "--households",
            str(households),
            "--districts",
            str(districts),
            cwd=REPO,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        return cls(process)

    async def ask(self, **command: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write((json.dumps({"do": command.pop("do"), **command}) + "\n").encode())
        await self.process.stdin.drain()
        line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError("the boxes' process ended")
        answer: dict[str, Any] = json.loads(line)
        return answer

    async def quit(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b'{"do": "quit"}\n')
        await self.process.stdin.drain()
        await self.process.wait()


class Watch:
    """What the office fires and writes: remote care events (with when) and state writes."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.events: list[tuple[float, dict[str, Any]]] = []
        self.state_writes = 0

        @callback
        def on_event(event: Event[dict[str, Any]]) -> None:
            if event.data.get("remote"):
                self.events.append((time.time(), event.data))

        @callback
        def on_state(_event: Event[Any]) -> None:
            self.state_writes += 1

        self._unsubs = [
            hass.bus.async_listen(EVENT_CARE, on_event),
            # Counted, and a real office has such listeners anyway (recorder, frontend).
            hass.bus.async_listen(EVENT_STATE_CHANGED, on_state),
        ]

    def close(self) -> None:
        for unsub in self._unsubs:
            unsub()


def count_office_writes() -> Callable[[], int]:
    """Count the office's Store writes (every Store, filtered by key)."""
    writes = [0]
    original = Store._async_write_data

    async def counted(self: Store[Any], data: dict[str, Any]) -> None:
        if self.key.startswith(OFFICE_STORE_PREFIX):
            writes[0] += 1
        await original(self, data)

    Store._async_write_data = counted  # type: ignore[method-assign]
    return lambda: writes[0]


@contextmanager
def scratch_dirs(count: int) -> Iterator[tuple[str, ...]]:
    """Temporary configuration directories, removed afterwards. Use them around
    `asyncio.run`: a stopped core may still be writing its registries in a thread, and
    `asyncio.run` waits for those threads before it returns."""
    paths = tuple(tempfile.mkdtemp(prefix="careplug-office-") for _ in range(count))
    try:
        yield paths
    finally:
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)


async def until(condition: Callable[[], bool], timeout: float, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(step)
    return True


async def settle(count: Callable[[], int], target: int) -> tuple[int, float]:
    """Wait until `count()` reaches `target` or stops growing for STALL_SECONDS (what is
    missing is not coming: dropped, or refused); (the count, when it last grew)."""
    seen, last = count(), time.perf_counter()
    while seen < target and time.perf_counter() - last < STALL_SECONDS:
        await asyncio.sleep(0.02)
        if (now := count()) != seen:
            seen, last = now, time.perf_counter()
    return seen, last


async def connect_mqtt(hass: HomeAssistant, port: int, *, discovery: bool = True) -> float:
    """Set the `mqtt` integration up as its config entry would be; seconds to connected.

    `discovery` is the MQTT option "Enable discovery" (on by default in Home Assistant):
    with it on, MQTT subscribes to the discovery topics of every integration that has
    them, and every topic it has not seen yet is matched against all of them once.
    """
    # Home Assistant reports deprecated calls through its frame helper, which the test
    # plugin sets up for tests; without it such a report raises instead of logging.
    frame.async_setup(hass)
    # MQTT reads its YAML when its entry is set up: an empty configuration will do.
    (Path(hass.config.config_dir) / "configuration.yaml").touch()
    begin = time.perf_counter()
    entry = MockConfigEntry(
        domain=mqtt.DOMAIN,
        data={"broker": "127.0.0.1", "port": port},
        options={"discovery": discovery},
        version=2,
        minor_version=1,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert await until(lambda: mqtt.is_connected(hass), 30), "MQTT did not connect"
    return time.perf_counter() - begin


def disable_all_but_compact() -> None:
    """`compact-disabled`: every household entity but the compact ones created disabled
    (the office's descriptions replaced for this process only)."""
    for name in ("SENSORS", "BUTTONS"):
        descriptions: tuple[EntityDescription, ...] = getattr(hub_entities, name)
        setattr(
            hub_entities,
            name,
            tuple(
                d if d.key in COMPACT_KEYS else replace(d, entity_registry_enabled_default=False)
                for d in descriptions
            ),
        )
    alert = replace(hub_entities.ALERT, entity_registry_enabled_default=False)
    setattr(hub_entities, "ALERT", alert)  # noqa: B010 (a Final name, replaced on purpose)


async def start_office(
    hass: HomeAssistant,
    households: int,
    districts: int,
    *,
    trace: bool = False,
    entities: str = "full",
) -> dict[str, Any]:
    """Set the office entries up and wait until every household's entities exist (or no
    more appear: Home Assistant stops adding them at its limit per config entry)."""
    offices = [
        MockConfigEntry(
            domain=DOMAIN,
            title=f"District {district + 1}",
            options={
                "kind": "office",
                "name": f"District {district + 1}",
                "root": district_root(ROOT, district, districts),
                "entities": "compact" if entities == "compact" else "full",
            },
            entry_id=f"office{district:04d}",
        )
        for district in range(districts)
    ]
    for office in offices:
        office.add_to_hass(hass)
    baseline = hass.states.async_entity_ids_count()
    expected = households * ENTITIES_PER_HOUSEHOLD[entities] + districts  # + each office's counter
    await hass.async_block_till_done()
    gc.collect()
    if trace:
        tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0] if trace else 0
    snapshot = tracemalloc.take_snapshot() if trace else None
    cpu, begin = time.process_time(), time.perf_counter()
    # As Home Assistant starts: the integration, then every entry of it.
    assert await async_setup_component(hass, DOMAIN, {})
    assert await until(lambda: all(o.state is ConfigEntryState.LOADED for o in offices), 60)
    set_up = time.perf_counter() - begin
    hubs: list[OfficeHub] = [office.runtime_data for office in offices]

    def seen() -> int:
        return sum(len(hub.state.households) for hub in hubs)

    heard_count, heard = await settle(seen, households)
    created, last = await settle(lambda: hass.states.async_entity_ids_count() - baseline, expected)
    seconds = last - begin
    cpu = time.process_time() - cpu
    result: dict[str, Any] = {
        "seconds": round(seconds, 3),
        "entry_setup_seconds": round(set_up, 3),
        "all_households_seconds": round(heard - begin, 3),
        "cpu_seconds": round(cpu, 3),
        "households_seen": seen(),
        "entities": created,
        "entities_expected": expected,
        "complete": heard_count >= households and created >= expected,
    }
    if trace:
        await hass.async_block_till_done()
        gc.collect()
        result["memory_kb_per_household"] = round(
            (tracemalloc.get_traced_memory()[0] - before) / households / 1024, 2
        )
        assert snapshot is not None
        result["memory_by_file"] = memory_by_file(snapshot, tracemalloc.take_snapshot(), households)
        tracemalloc.stop()
    return result


def memory_by_file(
    before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, households: int, top: int = 12
) -> dict[str, float]:
    """KB per household still allocated, by the file that allocated it (the largest)."""
    sizes: dict[str, int] = {}
    for diff in after.compare_to(before, "filename"):
        name = diff.traceback[0].filename.split("site-packages/", 1)[-1]
        name = name.removeprefix(str(REPO) + "/")
        sizes[name] = sizes.get(name, 0) + diff.size_diff
    largest = sorted(sizes.items(), key=lambda item: -item[1])[:top]
    return {name: round(size / households / 1024, 2) for name, size in largest}


async def cpu_window(
    hass: HomeAssistant, work: Coroutine[Any, Any, dict[str, Any]] | float
) -> tuple[float, float, dict[str, Any]]:
    """(CPU seconds, wall seconds, the work's answer) over `work`, or over a pause."""
    cpu, begin = time.process_time(), time.perf_counter()
    if isinstance(work, float):
        await asyncio.sleep(work)
        answer: dict[str, Any] = {}
    else:
        answer = await work
    await hass.async_block_till_done()
    return time.process_time() - cpu, time.perf_counter() - begin, answer


async def steady(boxes: Boxes, watch: Watch, factor: float, seconds: float) -> dict[str, Any]:
    """The boxes' steady traffic; done once the office has fired every event sent (the
    boxes send in order, so the statuses before the last event are handled too)."""
    first = len(watch.events)
    sent = await boxes.ask(do="steady", factor=factor, seconds=seconds)
    sent["office_kept_up"] = await until(lambda: len(watch.events) - first >= sent["events"], 60)
    return sent


def save_cpu_seconds(hub: OfficeHub, repeats: int = 5) -> float:
    """CPU of one office Store save as Home Assistant makes it (build and encode the JSON;
    the file write happens in a thread and is small beside it)."""
    times = []
    for _ in range(repeats):
        begin = time.process_time()
        data = {"version": 1, "minor_version": 1, "key": "office", "data": hub.state.to_dict()}
        _mode, encoded = json_helper.prepare_save_json(data)
        times.append(time.process_time() - begin)
        assert encoded
    return statistics.median(times)


def saves_per_second(events_per_second: float) -> float:
    """Office saves per second when events arrive at random at this rate: a save happens
    SAVE_DELAY_SECONDS after the first event since the last save (office/bounded_save.py),
    so saves follow one another every 1 / rate + SAVE_DELAY_SECONDS on average."""
    return events_per_second / (1 + events_per_second * SAVE_DELAY_SECONDS)


def latencies(events: list[tuple[float, dict[str, Any]]]) -> list[float]:
    return [at - datetime.fromisoformat(data["sent_at"]).timestamp() for at, data in events]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


async def measure(
    broker: OfficeBroker,
    households: int,
    *,
    factor: float,
    window: float,
    real: float,
    bursts: int,
    discovery: bool,
    districts: int,
    dirs: tuple[str, str],
    entities: str,
) -> dict[str, Any]:
    """Every figure for one size; `dirs`: the configuration directories of the first start
    (and restart) and of the traced start."""
    writes = count_office_writes()
    boxes = await Boxes.start(broker.port, households, districts)
    result: dict[str, Any] = {
        "households": households,
        "districts": districts,
        "mqtt_discovery": discovery,
        "entities_per_household": entities,
    }
    try:
        retained = await boxes.ask(do="retained")
        result["retained_publish"] = retained
        config_dir, memory_dir = dirs
        # ---------------------------------------------------------- first start
        async with running_hass(config_dir) as hass:
            result["mqtt_connect_seconds"] = round(
                await connect_mqtt(hass, broker.port, discovery=discovery), 3
            )
            result["startup_first"] = await start_office(
                hass, households, districts, entities=entities
            )
            hubs: list[OfficeHub] = [
                entry.runtime_data for entry in hass.config_entries.async_entries(DOMAIN)
            ]
            watch = Watch(hass)
            # Let the first save and the start's grace pass before measuring.
            await asyncio.sleep(SAVE_DELAY_SECONDS + 2)

            idle_cpu, idle_wall, _ = await cpu_window(hass, float(window))
            idle = idle_cpu / idle_wall

            writes_before, states_before, events_before = (
                writes(),
                watch.state_writes,
                len(watch.events),
            )
            broker_cpu = broker.cpu_seconds()
            accel_cpu, accel_wall, sent = await cpu_window(
                hass, steady(boxes, watch, factor, window)
            )
            accel = accel_cpu / accel_wall
            steady_accel = {
                "factor": factor,
                "sent": sent,
                "cpu_seconds": round(accel_cpu, 3),
                "wall_seconds": round(accel_wall, 3),
                "cpu_per_second": round(accel, 5),
                "events_fired": len(watch.events) - events_before,
                "state_writes": watch.state_writes - states_before,
                "office_saves": writes() - writes_before,
                "broker_cpu_per_second": round((broker.cpu_seconds() - broker_cpu) / accel_wall, 5),
                "cpu_us_per_message": round(
                    (accel_cpu - idle * accel_wall)
                    / max(1, sent["statuses"] + sent["events"])
                    * 1e6,
                    1,
                ),
            }
            # Each office saves on its own, after a quiet spell of its own households.
            one_save = save_cpu_seconds(hubs[0])
            events_per_second = households * EVENTS_PER_DAY / 86400
            saves = districts * saves_per_second(events_per_second / districts)
            scaled = idle + (accel - idle) / factor + one_save * saves
            result["steady"] = {
                "idle_cpu_per_second": round(idle, 5),
                "accelerated": steady_accel,
                "save_cpu_ms": round(one_save * 1000, 2),
                "saves_per_hour": round(saves * 3600, 1),
                "scaled_cpu_per_second": round(scaled, 5),
                "statuses_per_second": round(households / HEARTBEAT_SECONDS, 3),
                "events_per_second": round(events_per_second, 4),
                "state_writes_per_second": round(
                    steady_accel["state_writes"] / accel_wall / factor, 3
                ),
            }
            if real > 0:
                writes_before, events_before = writes(), len(watch.events)
                real_cpu, real_wall, sent = await cpu_window(hass, steady(boxes, watch, 1.0, real))
                result["steady"]["real_rate"] = {
                    "sent": sent,
                    "cpu_per_second": round(real_cpu / real_wall, 5),
                    "events_fired": len(watch.events) - events_before,
                    "office_saves": writes() - writes_before,
                }

            # ---------------------------------------------------------- bursts
            runs = []
            count = min(BURST, households)
            for _ in range(bursts):
                for kind in ("alert", "resolved"):
                    first = len(watch.events)
                    cpu, begin = time.process_time(), time.perf_counter()
                    sent = await boxes.ask(do="burst", count=count, type=kind)
                    fired_count, _ = await settle(
                        lambda f=first: len(watch.events) - f,  # type: ignore[misc]
                        count,
                    )
                    done = fired_count >= count
                    wall = time.perf_counter() - begin
                    cpu = time.process_time() - cpu
                    fired = watch.events[first:]
                    if kind == "alert":
                        lat = latencies(fired) or [math.nan]
                        runs.append(
                            {
                                "fired": len(fired),
                                "complete": done,
                                "p50_seconds": round(percentile(lat, 0.5), 4),
                                "p99_seconds": round(percentile(lat, 0.99), 4),
                                "max_seconds": round(max(lat), 4),
                                "publish_seconds": sent["publish_seconds"],
                                "office_cpu_seconds": round(cpu, 3),
                                "wall_seconds": round(wall, 3),
                            }
                        )
                    await asyncio.sleep(2)
            result["burst"] = {
                "count": count,
                "runs": runs,
                "p50_seconds": round(statistics.median(r["p50_seconds"] for r in runs), 4),
                "p99_seconds": round(statistics.median(r["p99_seconds"] for r in runs), 4),
                "dropped_by_office": sum(sum(hub.state.dropped.values()) for hub in hubs),
                "duplicates": sum(hub.state.duplicates for hub in hubs),
            }
            watch.close()
        # ---------------------------------------------------------- restart
        async with running_hass(config_dir) as hass:
            await connect_mqtt(hass, broker.port, discovery=discovery)
            result["startup_restart"] = await start_office(
                hass, households, districts, entities=entities
            )
        # -------------------------------------------------------------- memory
        async with running_hass(memory_dir) as hass:
            await connect_mqtt(hass, broker.port, discovery=discovery)
            traced = await start_office(hass, households, districts, trace=True, entities=entities)
            result["memory_kb_per_household"] = traced["memory_kb_per_household"]
            result["memory_by_file_kb_per_household"] = traced["memory_by_file"]
            result["startup_traced_complete"] = traced["complete"]
        result["broker_rss_kb"] = broker.rss_kb()
        result["broker_dropped_log_lines"] = broker.dropped_lines()
    finally:
        await boxes.quit()
    return result


@asynccontextmanager
async def office_with_boxes(
    broker: OfficeBroker, households: int, districts: int, config_dir: str, *, discovery: bool
) -> AsyncIterator[tuple[Boxes, HomeAssistant]]:
    """Boxes that have published their retained messages, and a running Home Assistant
    connected to the broker (the office not set up yet)."""
    boxes = await Boxes.start(broker.port, households, districts)
    try:
        await boxes.ask(do="retained")
        async with running_hass(config_dir) as hass:
            await connect_mqtt(hass, broker.port, discovery=discovery)
            yield boxes, hass
    finally:
        await boxes.quit()


async def memory_only(
    broker: OfficeBroker,
    households: int,
    districts: int,
    config_dir: str,
    *,
    discovery: bool,
    entities: str,
) -> dict[str, Any]:
    """Part 4 alone: a traced start-up (memory per household, by file)."""
    async with office_with_boxes(
        broker, households, districts, config_dir, discovery=discovery
    ) as (_, hass):
        return await start_office(hass, households, districts, trace=True, entities=entities)


async def profile(
    broker: OfficeBroker,
    households: int,
    districts: int,
    config_dir: str,
    *,
    discovery: bool,
    entities: str,
    top: int = 30,
) -> None:
    """cProfile of a first start and of one alert burst (the event loop's thread), to stderr."""
    async with office_with_boxes(
        broker, households, districts, config_dir, discovery=discovery
    ) as (boxes, hass):
        profiler = cProfile.Profile()
        profiler.enable()
        started = await start_office(hass, households, districts, entities=entities)
        profiler.disable()
        print(f"## first start, {households} households: {started}", file=sys.stderr)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(top)
        await asyncio.sleep(SAVE_DELAY_SECONDS + 2)
        watch = Watch(hass)
        count = min(BURST, households)
        profiler = cProfile.Profile()
        profiler.enable()
        begin = time.perf_counter()
        await boxes.ask(do="burst", count=count, type="alert")
        await until(lambda: len(watch.events) >= count, 120)
        profiler.disable()
        print(
            f"## burst of {count} alerts: {time.perf_counter() - begin:.3f} s",
            file=sys.stderr,
        )
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(top)
        watch.close()


def summary(result: dict[str, Any]) -> list[Any]:
    steady = result["steady"]
    first = result["startup_first"]
    per_household = ENTITIES_PER_HOUSEHOLD[result["entities_per_household"]]
    shown = (first["entities"] - result["districts"]) // per_household
    return [
        f"{result['households']:,}",
        result["districts"],
        result["entities_per_household"],
        "on" if result["mqtt_discovery"] else "off",
        f"{shown:,}",
        first["seconds"],
        result["startup_restart"]["seconds"],
        f"{steady['scaled_cpu_per_second'] * 100:.2f} %",
        f"{steady.get('real_rate', {}).get('cpu_per_second', float('nan')) * 100:.2f} %",
        result["burst"]["p50_seconds"],
        result["burst"]["p99_seconds"],
        result["memory_kb_per_household"],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", default="1000,5000", help="sizes, comma-separated")
    parser.add_argument(
        "--districts",
        type=int,
        default=1,
        help="office entries in the one Home Assistant, each with a root of its own",
    )
    parser.add_argument(
        "--factor",
        type=float,
        default=0.0,
        help="steady-rate acceleration (default: about 100 messages a second, 30,000 / N)",
    )
    parser.add_argument("--window", type=float, default=60.0, help="seconds per CPU window")
    parser.add_argument("--real", type=float, default=120.0, help="seconds at the real rate")
    parser.add_argument("--bursts", type=int, default=3)
    parser.add_argument(
        "--max-queued",
        type=int,
        default=0,
        help="the broker's max_queued_messages (0: no limit; Mosquitto's default is 1000)",
    )
    parser.add_argument(
        "--discovery",
        choices=["on", "off"],
        default="on",
        help="the office's MQTT option 'Enable discovery' (on: Home Assistant's default)",
    )
    parser.add_argument(
        "--entities",
        choices=list(ENTITIES_PER_HOUSEHOLD),
        default="full",
        help="the office's 'Entities per household' (compact-disabled: the others created "
        "disabled instead of not at all, for comparison)",
    )
    parser.add_argument("--quick", action="store_true", help="200 households, short windows")
    parser.add_argument(
        "--profile", action="store_true", help="print cProfile of a start and a burst instead"
    )
    parser.add_argument(
        "--memory-only",
        action="store_true",
        help="only the traced start-up (4): memory per household and by file, as JSON",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.households.split(",")]
    discovery = args.discovery == "on"
    extra = [f"max_queued_messages {args.max_queued}"]
    if args.entities == "compact-disabled":
        disable_all_but_compact()
    if args.memory_only:
        with tempfile.TemporaryDirectory(prefix="careplug-mosquitto-") as folder:
            for size in sizes:
                with (
                    OfficeBroker(Path(folder) / f"broker{size}", extra) as broker,
                    scratch_dirs(1) as (config_dir,),
                ):
                    traced = asyncio.run(
                        memory_only(
                            broker,
                            size,
                            args.districts,
                            config_dir,
                            discovery=discovery,
                            entities=args.entities,
                        )
                    )
                print(
                    json.dumps(
                        {
                            "households": size,
                            "districts": args.districts,
                            "entities_per_household": args.entities,
                            **traced,
                        }
                    )
                )
        return
    if args.profile:
        with tempfile.TemporaryDirectory(prefix="careplug-mosquitto-") as folder:
            for size in sizes:
                with (
                    OfficeBroker(Path(folder) / f"broker{size}", extra) as broker,
                    scratch_dirs(1) as (config_dir,),
                ):
                    asyncio.run(
                        profile(
                            broker,
                            size,
                            args.districts,
                            config_dir,
                            discovery=discovery,
                            entities=args.entities,
                        )
                    )
        return
    if args.quick:
        sizes, args.window, args.real, args.bursts = [200], 10.0, 10.0, 1
    results = []
    with tempfile.TemporaryDirectory(prefix="careplug-mosquitto-") as folder:
        for size in sizes:
            # Faster messages are read several per wakeup and each costs less: the
            # acceleration stops where they still come one at a time.
            factor = args.factor or max(1.0, 100 * HEARTBEAT_SECONDS / size)
            with (
                OfficeBroker(Path(folder) / f"broker{size}", extra) as broker,
                scratch_dirs(2) as (config_dir, memory_dir),
            ):
                result = asyncio.run(
                    measure(
                        broker,
                        size,
                        factor=factor,
                        window=args.window,
                        real=args.real,
                        bursts=args.bursts,
                        discovery=discovery,
                        districts=args.districts,
                        dirs=(config_dir, memory_dir),
                        entities=args.entities,
                    )
                )
            result["broker_max_queued_messages"] = args.max_queued
            results.append(result)
    print(
        table(
            [
                "households",
                "office entries",
                "entities per household",
                "MQTT discovery",
                "households with entities",
                "start s",
                "restart s",
                "CPU, steady (scaled)",
                "CPU, real rate",
                "burst p50 s",
                "burst p99 s",
                "KB per household",
            ],
            [summary(result) for result in results],
        )
    )
    print(json.dumps({"benchmark": "office_scale", "targets": TARGETS, "results": results}))


if __name__ == "__main__":
    main()
