"""Simulated Care Plug boxes for the office benchmarks: many households, one light process.

`python -m benchmarks.office_boxes --port PORT --households N` connects to a broker on
127.0.0.1 and publishes for N households exactly what their boxes would, as
docs/architecture.md ("The welfare office link") says: a retained `status` (every change
and every heartbeat), a retained `availability` `online`, and numbered `event`s (an event
is followed by the status it changed, as a box sends them). Households are `BX-00000`,
`BX-00001`... and share no name. With `--districts K` they are spread over K topic roots
(`care_plug/d1`..., one office entry each), household i in district i mod K.

It is driven by the benchmark through stdin, one JSON command a line, and answers each on
stdout with one JSON line when done:

- `{"do": "retained"}`: every household's availability and status, retained.
- `{"do": "steady", "factor": F, "seconds": S}`: S seconds of the steady traffic of a
  whole day, F times faster: every household's heartbeat every 300/F s (spread evenly)
  and 5 events per household per day at random (F times as many per second).
- `{"do": "burst", "count": C, "type": "alert" | "resolved"}`: households 0..C-1 each
  raise one event at once (a new `warning` alert, or back to `normal`), each followed by
  its status.
- `{"do": "quit"}`.

Every event's `sent_at` is the wall-clock time just before its publish call, so the
office can time it. The process waits for the broker's PUBACK of everything it sent
before it answers. It answers no command of the office (no `resend`), so a gap the
office sees is reported, never filled.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

HOST = "127.0.0.1"
ROOT = "care_plug"
HEARTBEAT_SECONDS = 300.0
EVENTS_PER_DAY = 5.0
DAY_SECONDS = 86400.0
# Long enough that an alert message has the size of a real one.
ALERT_TEXT = (
    "{office_id}: no sign of life for {hours} hours (last activity at {last}); "
    "the care level is now {level}. Please check on the household."
)
RESOLVED_TEXT = "{office_id}: activity again ({entity}); the care level is back to normal."


def office_id(index: int) -> str:
    """The pseudonymous case id of household `index`."""
    return f"BX-{index:05d}"


def district_root(root: str, district: int, districts: int) -> str:
    """The topic root of a district's households: `root` alone when there is one office,
    else `root/d1`, `root/d2`... (household i is in district i mod `districts`)."""
    return root if districts == 1 else f"{root}/d{district + 1}"


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


class Household:
    """What one box knows: its level, its episode, and the seq of its last event."""

    __slots__ = ("alert_id", "index", "last_activity", "level", "seq")

    def __init__(self, index: int, start: datetime) -> None:
        self.index = index
        self.level = "normal"
        self.alert_id: str | None = None
        self.seq = 0
        self.last_activity = start - timedelta(minutes=index % 240)

    def status(self) -> dict[str, Any]:
        """The status payload, keys in the contract's order."""
        sent = datetime.now(UTC)
        quiet = max(0.0, (sent - self.last_activity).total_seconds())
        escalate = self.level != "critical"
        return {
            "schema": 1,
            "office_id": office_id(self.index),
            "name": None,
            "level": self.level,
            "reason": "none" if self.level == "normal" else "inactivity",
            "alert_id": self.alert_id,
            "acknowledged": False,
            "monitoring": "ok",
            "last_activity": self.last_activity.isoformat(),
            "inactive_seconds": round(quiet, 3),
            "next_escalation": (self.last_activity + timedelta(hours=12)).isoformat()
            if escalate
            else None,
            "next_level": {"normal": "attention", "attention": "warning"}.get(
                self.level, "critical" if escalate else None
            ),
            "away_until": None,
            "sources_online": 3,
            "sources_total": 3,
            "routine_ready": True,
            "explanation": None,
            "seq": self.seq,
            "sent_at": sent.isoformat(),
        }

    def event(self, kind: str) -> dict[str, Any]:
        """The next event of type `kind` (`alert` to `warning`, or `resolved`), numbered;
        `sent_at` is set when it is published."""
        previous = self.level
        self.seq += 1
        if kind == "alert":
            self.level = "warning" if previous != "warning" else "critical"
            self.alert_id = uuid.uuid4().hex
            reason = "inactivity"
            message = ALERT_TEXT.format(
                office_id=office_id(self.index),
                hours=24,
                last=self.last_activity.isoformat(timespec="minutes"),
                level=self.level,
            )
        else:
            self.level = "normal"
            self.last_activity = datetime.now(UTC)
            reason = "none"
            message = RESOLVED_TEXT.format(office_id=office_id(self.index), entity="sensor")
        payload: dict[str, Any] = {
            "schema": 1,
            "office_id": office_id(self.index),
            "type": kind,
            "level": self.level,
            "previous_level": previous,
            "reason": reason,
            "alert_id": self.alert_id,
            "last_activity": self.last_activity.isoformat(),
            "last_activity_entity": None,
            "inactive_seconds": 86400,
            "monitoring": "ok",
            "message": message,
            "occurred_at": now_iso(),
            "seq": self.seq,
        }
        if kind == "resolved":
            payload["resolved_by"] = "activity"
            payload["inactive_seconds"] = 0
            self.alert_id = None
        return payload


class Boxes:
    """N households behind one MQTT connection (QoS 1, as boxes publish)."""

    def __init__(self, port: int, households: int, root: str, districts: int, seed: int) -> None:
        start = datetime.now(UTC)
        self.households = [Household(i, start) for i in range(households)]
        self.roots = [district_root(root, d, districts) for d in range(districts)]
        self.random = random.Random(seed)
        self._unacked = 0
        self._lock = threading.Condition()
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"boxes-{uuid.uuid4().hex[:8]}"
        )
        # A box has its own connection; all of them together send without waiting for
        # each other, so this one connection does not hold messages back either.
        self._client.max_inflight_messages_set(0)
        self._client.on_publish = self._on_publish
        connected = threading.Event()
        self._client.on_connect = lambda *_args: connected.set()
        self._client.connect(HOST, port, keepalive=60)
        self._client.loop_start()
        if not connected.wait(10):
            raise ConnectionError(f"no broker on {HOST}:{port}")

    def _on_publish(self, *_args: Any) -> None:
        with self._lock:
            self._unacked -= 1
            if self._unacked == 0:
                self._lock.notify_all()

    def publish(self, household: Household, kind: str, payload: str, retain: bool) -> None:
        with self._lock:
            self._unacked += 1
        root = self.roots[household.index % len(self.roots)]
        topic = f"{root}/{office_id(household.index)}/{kind}"
        self._client.publish(topic, payload, qos=1, retain=retain)

    def publish_status(self, household: Household) -> None:
        self.publish(household, "status", json.dumps(household.status()), True)

    def publish_event(self, household: Household, kind: str) -> None:
        """An event, then the status it changed (a box sends both)."""
        payload = household.event(kind)
        payload["sent_at"] = now_iso()
        self.publish(household, "event", json.dumps(payload), False)
        self.publish_status(household)

    def wait_acked(self, timeout: float = 300) -> bool:
        with self._lock:
            return self._lock.wait_for(lambda: self._unacked == 0, timeout)

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    # -------------------------------------------------------------- commands

    def retained(self) -> dict[str, Any]:
        begin = time.perf_counter()
        for household in self.households:
            self.publish(household, "availability", "online", True)
            self.publish_status(household)
        acked = self.wait_acked()
        return {
            "messages": 2 * len(self.households),
            "seconds": round(time.perf_counter() - begin, 3),
            "acked": acked,
        }

    def steady(self, factor: float, seconds: float) -> dict[str, Any]:
        """Heartbeats and events on schedule for `seconds`, `factor` times a real day."""
        count = len(self.households)
        heartbeat_gap = HEARTBEAT_SECONDS / factor / count
        event_gap = DAY_SECONDS / (EVENTS_PER_DAY * count * factor)
        begin = time.monotonic()
        end = begin + seconds
        # Events come at random (a Poisson stream), as many boxes' events would.
        next_heartbeat, next_event = begin, begin + self.random.expovariate(1 / event_gap)
        turn = self.random.randrange(count)  # where in the round the heartbeats start
        statuses = events = 0
        late = 0.0
        while (now := time.monotonic()) < end:
            while next_heartbeat <= now and next_heartbeat < end:
                late = max(late, now - next_heartbeat)
                self.publish_status(self.households[turn])
                turn = (turn + 1) % count
                statuses += 1
                next_heartbeat += heartbeat_gap
            while next_event <= now and next_event < end:
                late = max(late, now - next_event)
                household = self.households[self.random.randrange(count)]
                self.publish_event(
                    household, "alert" if household.level == "normal" else "resolved"
                )
                events += 1
                statuses += 1
                next_event += self.random.expovariate(1 / event_gap)
            time.sleep(max(0.0, min(next_heartbeat, next_event, end) - time.monotonic()))
        acked = self.wait_acked()
        return {
            "statuses": statuses,
            "events": events,
            "seconds": round(time.monotonic() - begin, 3),
            "late_max_ms": round(late * 1000, 1),
            "acked": acked,
        }

    def burst(self, count: int, kind: str) -> dict[str, Any]:
        begin = time.perf_counter()
        for household in self.households[:count]:
            self.publish_event(household, kind)
        published = time.perf_counter() - begin
        acked = self.wait_acked()
        return {
            "events": count,
            "publish_seconds": round(published, 4),
            "acked_seconds": round(time.perf_counter() - begin, 4),
            "acked": acked,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--households", type=int, required=True)
    parser.add_argument("--root", default=ROOT)
    parser.add_argument("--districts", type=int, default=1)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    boxes = Boxes(args.port, args.households, args.root, args.districts, args.seed)
    try:
        for line in sys.stdin:
            command = json.loads(line)
            action = command["do"]
            if action == "quit":
                break
            if action == "retained":
                answer = boxes.retained()
            elif action == "steady":
                answer = boxes.steady(float(command["factor"]), float(command["seconds"]))
            elif action == "burst":
                answer = boxes.burst(int(command["count"]), str(command.get("type", "alert")))
            else:
                answer = {"error": f"unknown command {action!r}"}
            print(json.dumps({"done": action, **answer}), flush=True)
    finally:
        boxes.close()


if __name__ == "__main__":
    main()
