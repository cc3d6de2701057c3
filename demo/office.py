"""`scripts/develop office`: a welfare office console with eight simulated boxes reporting to it.

Starts Mosquitto on 127.0.0.1 (demo/broker.py), eight simulated households' boxes
(demo/boxes.py: statuses, heartbeats, alerts as the silence grows, answers to the office's
commands) and a real Home Assistant with MQTT and a Welfare office entry, then prints
where to go. Ctrl-C stops everything it started.

    python -m demo.office [--port 8123] [--mqtt-port 18830] [--fresh]
"""

from __future__ import annotations

import argparse
import json
import queue
import random
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from custom_components.care_plug.office.contract import (
    AVAILABILITY_OFFLINE,
    AVAILABILITY_ONLINE,
    DEFAULT_ROOT,
    TOPIC_AVAILABILITY,
    TOPIC_COMMAND,
    TOPIC_EVENT,
    TOPIC_REPLY,
    TOPIC_STATUS,
    encode,
)

from .__main__ import USER, _stop_on_term, log_in, port_free
from .boxes import SimulatedBox, Thresholds
from .broker import DemoBroker
from .server import HOST, REPO, HassServer, ServerError, prepare_config

STATE_DIR: Final = REPO / ".demo" / "office"
CONFIGURATION: Final = Path(__file__).with_name("office.yaml")
OFFICE_NAME: Final = "Demo welfare office"
ROOT: Final = DEFAULT_ROOT
# Short enough to watch the whole chain in a few minutes, in real time.
THRESHOLDS: Final = Thresholds(
    attention=timedelta(minutes=2), warning=timedelta(minutes=4), critical=timedelta(minutes=6)
)
HEARTBEAT: Final = timedelta(seconds=20)
# The office's tolerance: a box silent this long is `box_offline` (the shortest allowed).
TOLERANCE: Final = {"hours": 0, "minutes": 1, "seconds": 0}
TICK_SECONDS: Final = 1.0
FLOWS: Final = "/api/config/config_entries/flow"

# Seconds until the next sign of life, given a random source; None: none to come.
type Habit = Callable[[random.Random], float | None]


def lively(rng: random.Random) -> float | None:
    return rng.uniform(20, 90)


def napper(rng: random.Random) -> float | None:
    """Usually busy, now and then a long nap that passes attention or even warning."""
    return rng.uniform(150, 330) if rng.random() < 0.25 else rng.uniform(20, 90)


def still(rng: random.Random) -> float | None:
    """Has stopped moving: only the office's check-in brings the level down."""
    return None


@dataclass
class Resident:
    """One home in the demo: its box, its habits, and whether its box is switched on."""

    box: SimulatedBox
    habit: Habit
    quiet_for: timedelta  # at the start
    first_gap: float | None = None  # seconds until the first sign of life, else the habit's
    flaky: bool = False  # the box drops off for two minutes every few minutes
    next_activity: float | None = None  # monotonic
    next_status: float = 0.0
    online: bool = True
    flip_at: float = 0.0
    client: mqtt.Client | None = field(default=None, repr=False)


def residents(now: datetime) -> list[Resident]:
    """Eight homes: most of them fine, one at each level at the start (the resident at
    critical has stopped moving; the ones at warning and attention are up again within
    two minutes), one whose box keeps dropping off. Two share their name."""

    def box(office_id: str, name: str | None = None) -> SimulatedBox:
        return SimulatedBox(office_id, thresholds=THRESHOLDS, last_activity=now, name=name)

    return [
        Resident(box("GN-0101", "Mrs Han"), lively, timedelta(seconds=30)),
        Resident(box("GN-0102"), still, timedelta(minutes=6, seconds=30)),
        Resident(box("GN-0103"), lively, timedelta(minutes=4, seconds=10), first_gap=90),
        Resident(box("GN-0104", "Mr Cho"), lively, timedelta(minutes=2, seconds=30), first_gap=70),
        Resident(box("GN-0105"), lively, timedelta(minutes=1)),
        Resident(box("GN-0106"), napper, timedelta(minutes=1, seconds=30)),
        Resident(box("GN-0107"), lively, timedelta(seconds=10), flaky=True),
        Resident(box("GN-0108"), napper, timedelta(seconds=50)),
    ]


class Fleet:
    """The simulated boxes, each with its own MQTT connection and last will, driven by one
    thread; the office's commands arrive on paho's threads and are queued for it."""

    def __init__(self, broker: DemoBroker, state_file: Path, seed: int = 14) -> None:
        self.broker = broker
        self.state_file = state_file
        self.rng = random.Random(seed)
        now = datetime.now(UTC)
        self.homes = residents(now)
        numbered = self._load()
        for home in self.homes:
            # Numbering goes on from the last run, as a real box's does across restarts.
            home.box.seq = numbered.get(home.box.office_id, 0)
            home.box.last_activity = now - home.quiet_for
            home.box.advance(now)
        self.commands: queue.Queue[tuple[Resident, bytes]] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="care-plug-demo-boxes", daemon=True)

    def start(self) -> None:
        start = time.monotonic()
        for home in self.homes:
            gap = home.first_gap if home.first_gap is not None else home.habit(self.rng)
            home.next_activity = None if gap is None else start + gap
            home.flip_at = start + self.rng.uniform(150, 240) if home.flaky else 0.0
            self._connect(home)
        self._thread.start()

    def stop(self) -> None:
        """Every box says `offline` and disconnects, as a box does on a clean stop."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)
        for home in self.homes:
            self._disconnect(home)
        numbered = {home.box.office_id: home.box.seq for home in self.homes}
        self.state_file.write_text(json.dumps(numbered, indent=2) + "\n", encoding="utf-8")

    def _load(self) -> dict[str, int]:
        try:
            saved = json.loads(self.state_file.read_text(encoding="utf-8"))
        except OSError, ValueError:
            return {}
        if not isinstance(saved, dict):
            return {}
        return {key: value for key, value in saved.items() if isinstance(value, int)}

    # ------------------------------------------------------------------ MQTT

    def _connect(self, home: Resident) -> None:
        box = home.box
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"care-plug-demo-{box.office_id}"
        )
        # A box that dies without a word still says `offline`, through the broker.
        client.will_set(box.topic(TOPIC_AVAILABILITY), AVAILABILITY_OFFLINE, qos=1, retain=True)

        def on_connect(client: mqtt.Client, *_: Any) -> None:
            client.subscribe(box.topic(TOPIC_COMMAND), qos=1)
            client.publish(box.topic(TOPIC_AVAILABILITY), AVAILABILITY_ONLINE, qos=1, retain=True)
            home.next_status = 0.0  # a status at once

        def on_message(client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
            self.commands.put((home, bytes(message.payload)))

        client.on_connect = on_connect
        client.on_message = on_message
        client.connect(HOST, self.broker.port, keepalive=30)
        client.loop_start()
        home.client = client
        home.online = True

    def _disconnect(self, home: Resident) -> None:
        client, home.client = home.client, None
        home.online = False
        if client is None:
            return
        info = client.publish(
            home.box.topic(TOPIC_AVAILABILITY), AVAILABILITY_OFFLINE, qos=1, retain=True
        )
        info.wait_for_publish(2)
        client.disconnect()
        client.loop_stop()

    def _publish(self, home: Resident, kind: str, payload: dict[str, Any], retain: bool) -> None:
        if home.client is not None:
            home.client.publish(home.box.topic(kind), encode(payload), qos=1, retain=retain)

    def _events(self, home: Resident, events: list[dict[str, Any]]) -> None:
        for event in events:
            self._publish(home, TOPIC_EVENT, event, retain=False)
        if events:
            home.next_status = 0.0  # the status follows every change

    # ------------------------------------------------------------------ the story

    def _run(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            try:
                self._tick()
            except Exception as err:  # one bad tick must not end the demo
                print(f"Simulated boxes: {err!r}", file=sys.stderr, flush=True)

    def _tick(self) -> None:
        mono, now = time.monotonic(), datetime.now(UTC)
        while True:
            try:
                home, payload = self.commands.get_nowait()
            except queue.Empty:
                break
            reply, events = home.box.command(payload, now)
            if reply is not None:
                self._publish(home, TOPIC_REPLY, reply, retain=False)
            self._events(home, events)
        for home in self.homes:
            if home.flaky and mono >= home.flip_at:
                if home.online:
                    self._disconnect(home)
                    home.flip_at = mono + self.rng.uniform(100, 140)
                else:
                    self._connect(home)
                    home.flip_at = mono + self.rng.uniform(180, 300)
            box = home.box
            if home.next_activity is not None and mono >= home.next_activity:
                self._events(home, box.activity(now))
                gap = home.habit(self.rng)
                home.next_activity = None if gap is None else mono + gap
            self._events(home, box.advance(now))
            if home.online and mono >= home.next_status:
                self._publish(home, TOPIC_STATUS, box.status(now), retain=True)
                home.next_status = mono + HEARTBEAT.total_seconds()


# ---------------------------------------------------------------------- Home Assistant


def ensure_mqtt(server: HassServer, broker: DemoBroker) -> bool:
    """Home Assistant's MQTT integration on the demo's broker, through its config flow.
    True when it was (re)created."""
    for entry in server.call("GET", "/api/config/config_entries/entry?domain=mqtt"):
        # The broker's port is the one thing that can differ from the last run.
        if entry["state"] == "loaded" and entry_port(server) == broker.port:
            return False
        server.call("DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}")
    flow = server.call("POST", FLOWS, {"handler": "mqtt", "show_advanced_options": False})
    result = server.call(
        "POST",
        f"{FLOWS}/{flow['flow_id']}",
        {
            "broker": HOST,
            "port": broker.port,
            "other_settings": {"set_ca_cert": "off", "set_client_cert": False, "transport": "tcp"},
        },
    )
    if result.get("type") != "create_entry":
        raise ServerError(f"MQTT not set up: {result}")
    return True


def entry_port(server: HassServer) -> int | None:
    """The port the MQTT entry connects to, from the saved config entries."""
    path = server.config_dir / ".storage" / "core.config_entries"
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["data"]["entries"]
    except OSError, ValueError, KeyError:
        return None
    for entry in entries:
        if entry.get("domain") == "mqtt":
            port = entry.get("data", {}).get("port")
            return port if isinstance(port, int) else None
    return None


def ensure_office(server: HassServer, reload: bool) -> None:
    """The Welfare office entry, created through Care Plug's config flow when missing."""
    for entry in server.call("GET", "/api/config/config_entries/entry?domain=care_plug"):
        if entry["title"] == OFFICE_NAME:
            if reload or entry["state"] != "loaded":
                server.call("POST", f"/api/config/config_entries/entry/{entry['entry_id']}/reload")
            return
    flow = server.call("POST", FLOWS, {"handler": "care_plug", "show_advanced_options": False})
    path = f"{FLOWS}/{flow['flow_id']}"
    server.call("POST", path, {"next_step_id": "office"})
    result = server.call("POST", path, {"name": OFFICE_NAME, "root": ROOT, "tolerance": TOLERANCE})
    if result.get("type") != "create_entry":
        raise ServerError(f"office not created: {result}")


def wait_for_households(server: HassServer, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = server.call("GET", "/api/states")
        found = [s for s in states if "office_id" in s["attributes"]]
        if len({s["attributes"]["office_id"] for s in found}) >= count:
            return
        time.sleep(0.5)
    raise ServerError(f"the office did not hear the {count} boxes within {timeout:.0f} s")


def banner(server: HassServer, broker: DemoBroker, fleet: Fleet) -> str:
    ids = [home.box.office_id for home in fleet.homes]
    return f"""
Care Plug office demo is running (Home Assistant and Mosquitto on {HOST} only).

  Open      {server.url}/care-office/console
  Log in    user {USER["username"]}, password {USER["password"]}

  {len(ids)} simulated boxes ({ids[0]} to {ids[-1]}) report to "{OFFICE_NAME}" over MQTT
  ({broker.url}, topic root {ROOT}), in real time: attention after 2 minutes without a
  sign of life, warning after 4, critical after 6. GN-0102's resident has stopped moving;
  GN-0107's box drops off for two minutes now and then (box offline after the office's
  tolerance of one minute). Acknowledge or check in from the console: the boxes answer.
  Logs: {server.log_path}, {broker.log_path}

Ctrl-C stops Home Assistant, the boxes and the broker.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/develop office", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--mqtt-port", type=int, default=18830)
    parser.add_argument("--fresh", action="store_true", help="forget the previous office demo")
    parser.add_argument("--state-dir", type=Path, default=STATE_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    state_dir: Path = args.state_dir.resolve()
    if args.fresh:
        shutil.rmtree(state_dir, ignore_errors=True)
    if not port_free(args.port):
        print(f"Port {args.port} on {HOST} is in use: pass --port.", file=sys.stderr)
        return 2
    config_dir = state_dir / "config"
    prepare_config(config_dir, CONFIGURATION.read_text(encoding="utf-8"), args.port)
    broker = DemoBroker(state_dir / "mosquitto", args.mqtt_port)
    server = HassServer(config_dir, args.port, state_dir / "hass.log")
    fleet: Fleet | None = None
    signal.signal(signal.SIGTERM, _stop_on_term)
    signal.signal(signal.SIGINT, _stop_on_term)
    try:
        print(f"Starting Mosquitto on {broker.url} ...", flush=True)
        broker.start()
        print(f"Starting Home Assistant in {config_dir} ...", flush=True)
        server.start(timeout=180)
        log_in(server)
        server.wait_running(timeout=180)
        recreated = ensure_mqtt(server, broker)
        # The boxes start now, so the console opens on a household at each level.
        fleet = Fleet(broker, state_dir / "boxes.json")
        fleet.start()
        ensure_office(server, reload=recreated)
        wait_for_households(server, len(fleet.homes))
        print(banner(server, broker, fleet), flush=True)
        while server.process is not None and server.process.poll() is None:
            time.sleep(1)
        print(f"Home Assistant exited; see {server.log_path}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping Home Assistant, the boxes and Mosquitto ...", flush=True)
        return 0
    except ServerError as err:
        print(f"Office demo failed: {err}", file=sys.stderr)
        return 1
    finally:
        if fleet is not None:
            fleet.stop()
        server.stop()
        broker.stop()


if __name__ == "__main__":
    sys.exit(main())
