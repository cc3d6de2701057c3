"""The welfare office deployment of docs/office.md, for the tests that check it.

The configuration blocks that docs/office.md marks `<!-- tested: NAME -->` are read out
of the document itself, so the tests run exactly what it prints (with this machine's
paths, ports and host name put in): the certificate commands, the broker's conf.d file,
the access list and the box-side bridge. `tests/test_office_security.py` uses them with
plain MQTT clients, `tests/e2e/test_office.py` with two real Home Assistants.

Also here: Home Assistant's side of the set-up through its REST API (the MQTT config flow
with the CA uploaded as the UI does, a welfare office, a household reporting to it), the
events a server recorded, and a box that is only an MQTT client.
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import re
import shutil
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from demo.server import HassServer, ServerError
from tests.broker import Broker, MqttClient, TlsFiles

from .client import WebSocket

REPO = Path(__file__).resolve().parents[2]
OFFICE_DOC = REPO / "docs" / "office.md"

# What the documented blocks say, and what the tests put in its place.
DOC_HOST = "office-broker.example.org"
DOC_BOX = "GN-0142"
DOC_PASSWORD = "CHANGE-ME"
# The certificates are made for this name, which resolves to the loopback address the
# test brokers listen on.
TEST_HOST = "localhost"
ROOT = "care_plug"
OFFICE_USER = "care.office"
EVENT = "care_plug_event"


# ---------------------------------------------------------------------- the document


def doc_block(name: str) -> str:
    """The fenced block after `<!-- tested: NAME -->` in docs/office.md."""
    text = OFFICE_DOC.read_text(encoding="utf-8")
    pattern = rf"<!-- tested: {re.escape(name)} -->\n```[a-z]*\n(.*?)```"
    match = re.search(pattern, text, re.DOTALL)
    if match is None:
        raise LookupError(f"docs/office.md has no block marked 'tested: {name}'")
    return match.group(1)


def substitute(text: str, replacements: Mapping[str, str]) -> str:
    """`text` with each key replaced; LookupError when a key is not in it (the document
    changed, and the test must change with it)."""
    for old, new in replacements.items():
        if old not in text:
            raise LookupError(f"{old!r} is no longer in the documented block")
        text = text.replace(old, new)
    return text


def documented_acl(root: str = ROOT) -> str:
    """The access list exactly as documented (for another topic root: the root replaced)."""
    acl = doc_block("acl")
    return acl if root == ROOT else substitute(acl, {f"{ROOT}/": f"{root}/"})


def make_documented_certificates(folder: Path, host: str = TEST_HOST) -> TlsFiles:
    """Run the documented certificate commands in `folder`, for `host`."""
    if shutil.which("openssl") is None:
        raise RuntimeError("openssl not found: install Debian's openssl package")
    folder.mkdir(parents=True, exist_ok=True)
    script = substitute(doc_block("certificates"), {DOC_HOST: host})
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"the documented certificate commands failed: {done.stderr}")
    return TlsFiles(folder / "ca.crt", folder / "server.crt", folder / "server.key")


def _debian_main_config(broker: Broker, conf_d: Path) -> str:
    """Debian's /etc/mosquitto/mosquitto.conf as far as it matters here (persistence and
    conf.d), logging where tests/broker.py reads it."""
    lines = [
        "# Debian's main file: persistence, and every file in conf.d.",
        # Run as root, Mosquitto would switch to the `mosquitto` user, who cannot read here.
        f"user {pwd.getpwuid(os.getuid()).pw_name}",
        "persistence true",
        f"persistence_location {broker.data_dir}/",
        "log_dest stderr",
        "log_type error",
        "log_type warning",
        "log_type notice",
        "log_type information",
        "connection_messages true",
        "log_timestamp_format %H:%M:%S",
        f"include_dir {conf_d}",
    ]
    return "\n".join(lines) + "\n"


class DocumentedBroker(Broker):
    """The office's broker as docs/office.md sets it up: Debian's persistence, the
    documented conf.d file and access list, certificates from the documented commands
    (for `localhost`), and the given users (user name -> password).

    Clients reach it by the certificate's host name, `localhost`; it listens on
    127.0.0.1 only.
    """

    def __init__(self, folder: Path, *, users: Mapping[str, str]) -> None:
        super().__init__(folder, users=users, acl=documented_acl())
        self.host = TEST_HOST

    def _configure(self) -> None:
        super()._configure()  # the password file and the access list
        self.tls = make_documented_certificates(self.folder / "certs")

    def _write_config(self) -> None:
        assert self.tls is not None
        conf_d = self.folder / "conf.d"
        conf_d.mkdir(exist_ok=True)
        conf = substitute(
            doc_block("mosquitto.conf"),
            {
                "listener 8883": f"listener {self.port} 127.0.0.1",
                "/etc/mosquitto/certs/": f"{self.tls.ca_file.parent}/",
                "/etc/mosquitto/passwd": str(self.folder / "passwd"),
                "/etc/mosquitto/care_plug.acl": str(self.folder / "acl"),
            },
        )
        (conf_d / "care_plug.conf").write_text(conf, encoding="utf-8")
        self.config_path.write_text(_debian_main_config(self, conf_d), encoding="utf-8")


class BridgedBoxBroker(Broker):
    """A box's own Mosquitto with the documented bridge to `office` (its conf.d file as
    printed, with the office broker's address, CA and the box's password put in)."""

    def __init__(
        self,
        folder: Path,
        office: Broker,
        *,
        office_id: str,
        password: str,
        ca_file: Path | None = None,
    ) -> None:
        """`ca_file`: the CA the bridge trusts (default: the office broker's)."""
        super().__init__(folder)
        self.office = office
        self.office_id = office_id
        self.password = password
        self.trusted_ca = ca_file or office.ca_file

    def _write_config(self) -> None:
        assert self.trusted_ca is not None
        conf_d = self.folder / "conf.d"
        conf_d.mkdir(parents=True, exist_ok=True)
        conf = substitute(
            doc_block("bridge"),
            {
                "listener 1883 127.0.0.1": f"listener {self.port} 127.0.0.1",
                f"address {DOC_HOST}:8883": f"address {self.office.host}:{self.office.port}",
                "/etc/mosquitto/certs/ca.crt": str(self.trusted_ca),
                DOC_PASSWORD: self.password,
            },
        )
        if self.office_id != DOC_BOX:
            conf = substitute(conf, {DOC_BOX: self.office_id})
        (conf_d / "care_plug_bridge.conf").write_text(conf, encoding="utf-8")
        self.config_path.write_text(_debian_main_config(self, conf_d), encoding="utf-8")


# ---------------------------------------------------------------------- a box as a client


def status_payload(office_id: str, level: str, *, seq: int = 0) -> dict[str, Any]:
    """A status as a box publishes it (docs/architecture.md), sent now."""
    now = datetime.now(UTC)
    quiet = timedelta(hours=13)
    alerting = level != "normal"
    return {
        "schema": 1,
        "office_id": office_id,
        "name": None,
        "level": level,
        "reason": "inactivity" if alerting else "none",
        "alert_id": uuid.uuid5(uuid.NAMESPACE_OID, office_id).hex if alerting else None,
        "acknowledged": False,
        "monitoring": "ok",
        "last_activity": (now - quiet).isoformat(),
        "inactive_seconds": quiet.total_seconds(),
        "next_escalation": (now + timedelta(hours=11)).isoformat(),
        "next_level": "warning" if level == "attention" else None,
        "away_until": None,
        "sources_online": 3,
        "sources_total": 3,
        "routine_ready": False,
        "explanation": None,
        "seq": seq,
        "sent_at": now.isoformat(),
    }


class ClientBox:
    """A box that is only an MQTT client logged in as its office id: it publishes a
    retained status every `interval` seconds, connecting again after a broker restart.
    Started and stopped by the test (`with`)."""

    def __init__(self, broker: Broker, office_id: str, level: str, interval: float = 20) -> None:
        self.broker = broker
        self.office_id = office_id
        self.level = level
        self.interval = interval
        self.published = 0
        self._client: MqttClient | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"box {office_id}", daemon=True)

    def __enter__(self) -> ClientBox:
        self._publish()  # the first status is there before the test goes on
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)
        if self._client is not None:
            self._client.disconnect()

    def _publish(self) -> None:
        if self._client is None:
            client = self.broker.client(self.office_id)
            client.connect()
            self._client = client
        self._client.publish(
            f"{ROOT}/{self.office_id}/status",
            json.dumps(status_payload(self.office_id, self.level)),
            qos=1,
            retain=True,
        )
        self.published += 1

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._publish()
            except Exception:  # the broker is away: connect again next time
                if self._client is not None:
                    self._client.disconnect()
                self._client = None


def retained_status(broker: Broker, office_id: str, timeout: float = 5) -> dict[str, Any]:
    """The status the broker keeps for `office_id`, read with the office's rights."""
    with broker.client(OFFICE_USER) as office:
        office.subscribe(f"{ROOT}/{office_id}/status")
        message = office.receive(timeout)
    assert message.retain
    result: dict[str, Any] = json.loads(message.payload)
    return result


# ---------------------------------------------------------------------- Home Assistant


def upload_file(server: HassServer, path: Path) -> str:
    """Upload a file as the frontend's file selector does; its `file_id`."""
    boundary = uuid.uuid4().hex
    body = b"".join(
        [
            f"--{boundary}\r\n".encode(),
            f'Content-Disposition: form-data; name="file"; filename="{path.name}"\r\n'.encode(),
            b"Content-Type: application/x-x509-ca-cert\r\n\r\n",
            path.read_bytes(),
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    # Always http://127.0.0.1:<port>.
    request = urllib.request.Request(
        f"{server.url}/api/file_upload",
        data=body,
        headers={
            "Authorization": f"Bearer {server.token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            result = json.loads(response.read())
    except urllib.error.HTTPError as err:
        raise ServerError(f"file upload failed: {err.code} {err.read()!r}") from err
    return str(result["file_id"])


def setup_mqtt(server: HassServer, broker: Broker, user: str) -> str:
    """Home Assistant's MQTT integration through its config flow, as the UI does it:
    broker, port, user, password, and the broker's CA uploaded ("custom" validation).
    The entry's id."""
    assert broker.ca_file is not None
    flow = server.call(
        "POST",
        "/api/config/config_entries/flow",
        {"handler": "mqtt", "show_advanced_options": False},
    )
    assert flow["step_id"] == "broker", flow
    # The flow loaded MQTT's dependencies, file_upload among them.
    certificate = upload_file(server, broker.ca_file)
    flow = server.call(
        "POST",
        f"/api/config/config_entries/flow/{flow['flow_id']}",
        {
            **broker.connection(user),
            "other_settings": {
                "set_ca_cert": "custom",
                "certificate": certificate,
                "set_client_cert": False,
                "transport": "tcp",
            },
        },
    )
    assert flow["type"] == "create_entry", flow
    return str(flow["result"]["entry_id"])


def care_plug_flow(server: HassServer, choice: str) -> tuple[str, dict[str, Any]]:
    """Start Care Plug's config flow and pick `household` or `office` in its first menu."""
    flow: dict[str, Any] = server.call(
        "POST",
        "/api/config/config_entries/flow",
        {"handler": "care_plug", "show_advanced_options": False},
    )
    path = f"/api/config/config_entries/flow/{flow['flow_id']}"
    assert flow["type"] == "menu", flow
    assert choice in flow["menu_options"], flow
    flow = server.call("POST", path, {"next_step_id": choice})
    return path, flow


def duration(seconds: int) -> dict[str, int]:
    """A duration as the UI's duration selector sends it."""
    return {"hours": seconds // 3600, "minutes": seconds % 3600 // 60, "seconds": seconds % 60}


def create_office(server: HassServer, name: str, tolerance_s: int) -> str:
    """A "Welfare office" entry under the default root; its entry id."""
    path, flow = care_plug_flow(server, "office")
    assert flow["step_id"] == "office", flow
    flow = server.call(
        "POST", path, {"name": name, "root": ROOT, "tolerance": duration(tolerance_s)}
    )
    assert flow["type"] == "create_entry", flow
    return str(flow["result"]["entry_id"])


def create_household(
    server: HassServer,
    name: str,
    thresholds: Mapping[str, dict[str, int]],
    sources: Mapping[str, list[str]],
    *,
    advanced: Mapping[str, Any],
    office: Mapping[str, Any],
) -> str:
    """A household with custom thresholds, its sources, tuning and office section; its
    entry id."""
    path, flow = care_plug_flow(server, "household")
    assert flow["step_id"] == "household", flow
    flow = server.call("POST", path, {"name": name, "risk_group": "custom"})
    assert flow["step_id"] == "thresholds", flow
    flow = server.call("POST", path, dict(thresholds))
    assert flow["step_id"] == "sources", flow
    flow = server.call("POST", path, {**sources, "advanced": advanced, "office": office})
    assert flow["type"] == "create_entry", flow
    return str(flow["result"]["entry_id"])


def entries(server: HassServer, domain: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = server.call(
        "GET", f"/api/config/config_entries/entry?domain={domain}"
    )
    return result


def state(server: HassServer, entity_id: str) -> dict[str, Any]:
    result: dict[str, Any] = server.call("GET", f"/api/states/{entity_id}")
    return result


def wait_until[T](
    probe: Callable[[], T | None], timeout: float, what: str, interval: float = 0.25
) -> T:
    """The first truthy `probe()`; AssertionError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = probe()
        except ServerError, OSError:  # a server still starting
            value = None
        if value:
            return value
        assert time.monotonic() < deadline, f"{what}: not within {timeout:.0f} s"
        time.sleep(interval)


def wait_for_state(
    server: HassServer, entity_id: str, expected: str, timeout: float
) -> dict[str, Any]:
    """The entity's state once it is `expected`."""
    return wait_until(
        lambda: found if (found := state(server, entity_id))["state"] == expected else None,
        timeout,
        f"{entity_id} to be {expected}",
    )


@dataclass(frozen=True)
class Recorded:
    """One event as the server's recorder stored it."""

    time_fired: float  # Unix seconds
    data: dict[str, Any]


def recorded_events(server: HassServer, event_type: str = EVENT) -> list[Recorded]:
    """Every `event_type` the server fired, oldest first, from its recorder's database
    (also those fired before anyone could listen, as at start-up)."""
    database = server.config_dir / "home-assistant_v2.db"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10) as db:
        rows = db.execute(
            "SELECT e.time_fired_ts, d.shared_data FROM events e "
            "JOIN event_types t ON e.event_type_id = t.event_type_id "
            "LEFT JOIN event_data d ON e.data_id = d.data_id "
            "WHERE t.event_type = ? ORDER BY e.time_fired_ts, e.event_id",
            (event_type,),
        ).fetchall()
    return [Recorded(float(fired), json.loads(data or "{}")) for fired, data in rows]


def fired_at(event: Mapping[str, Any]) -> float:
    """A WebSocket event's `time_fired`, in Unix seconds."""
    return datetime.fromisoformat(event["time_fired"]).timestamp()


async def next_matching(
    ws: WebSocket,
    match: Callable[[dict[str, Any]], bool],
    timeout: float,
    seen: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The next event whose data `match`es (others are kept in `seen`), within `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"no matching event within {timeout:.0f} s; saw {seen}")
        try:
            event = await ws.next_event(remaining)
        except TimeoutError:
            raise AssertionError(f"no matching event within {timeout:.0f} s; saw {seen}") from None
        if seen is not None:
            seen.append(event)
        if match(event["data"]):
            return event


async def sleep_until(moment: float) -> None:
    """Sleep until `time.monotonic()` reaches `moment` (at once when it has)."""
    await asyncio.sleep(max(0.0, moment - time.monotonic()))
