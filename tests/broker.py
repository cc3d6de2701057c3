"""A real Mosquitto broker for tests, and a small synchronous MQTT client to talk to it.

`Broker(folder)` writes a Mosquitto configuration into `folder` (users, ACL, persistence,
optional TLS with a throwaway CA), runs `mosquitto -c` on a free 127.0.0.1 port and stops
it by PID. `restart()` keeps the port and the persisted state, as a broker that reboots
does: retained messages and the queues of persistent sessions survive.

`Brokers(root)` starts any number of them and stops them all on close; the `mosquitto`
fixtures (tests/conftest.py for in-process tests, tests/e2e/conftest.py for end-to-end
tests) are such a factory. Debian's `mosquitto` package provides the binaries
(scripts/setup installs it); the package's own daemon is never used.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
import pwd
import queue
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import paho.mqtt.client as mqtt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

HOST = "127.0.0.1"
# Debian puts the broker in /usr/sbin, which is not on every user's PATH.
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])


class BrokerError(RuntimeError):
    """Mosquitto is missing, or did not start or stop as expected."""


def executable(name: str) -> str:
    """The absolute path of a Mosquitto program (`mosquitto`, `mosquitto_passwd`)."""
    found = shutil.which(name, path=SEARCH_PATH)
    if found is None:
        raise BrokerError(f"{name} not found: install Debian's mosquitto package (scripts/setup)")
    return found


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex((HOST, port)) == 0


@dataclass(frozen=True)
class TlsFiles:
    """A throwaway CA and a server certificate for 127.0.0.1 and localhost, signed by it."""

    ca_file: Path
    cert_file: Path
    key_file: Path


def make_tls_files(folder: Path) -> TlsFiles:
    """Generate the CA and the server key and certificate into `folder` (valid two days)."""
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Care Plug test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.IPAddress(ipaddress.ip_address(HOST)), x509.DNSName("localhost")]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    files = TlsFiles(folder / "ca.crt", folder / "server.crt", folder / "server.key")
    files.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key_file.touch(mode=0o600)
    files.key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=not cert_sign,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


class Broker:
    """One `mosquitto -c FOLDER/mosquitto.conf` on 127.0.0.1, in `folder` of its own.

    users: user name -> password; when given, anonymous clients are refused (unless
        `allow_anonymous`), otherwise anyone may connect.
    acl: the text of a Mosquitto ACL file (`user`, `topic`, `pattern` lines with `%u` and
        `%c`); without it every client may read and write every topic.
    tls: the one listener speaks TLS only, with a certificate from a CA made for this
        broker (`ca_file`).

    Use it as a context manager (or through the `mosquitto` fixture): it is always
    stopped, even when a test fails. Start and stop it from the test's own thread: the
    broker also dies with the thread that started it, so a test run that is killed leaves
    no broker behind.
    """

    def __init__(
        self,
        folder: Path,
        *,
        users: Mapping[str, str] | None = None,
        acl: str | None = None,
        tls: bool = False,
        allow_anonymous: bool | None = None,
    ) -> None:
        self.folder = folder
        self.users = dict(users or {})
        self.acl = acl
        self.tls: TlsFiles | None = None
        self._want_tls = tls
        self.allow_anonymous = not self.users if allow_anonymous is None else allow_anonymous
        self.host = HOST
        self.port = 0
        self.config_path = folder / "mosquitto.conf"
        self.log_path = folder / "mosquitto.log"
        self.data_dir = folder / "data"
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._launched_at = 0  # where the log of the latest start begins

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def ca_file(self) -> Path | None:
        """The CA certificate clients verify the broker with (TLS only)."""
        return self.tls.ca_file if self.tls is not None else None

    def start(self, timeout: float = 10) -> None:
        """Start on a free port (the same port again after a stop) and wait until it
        accepts connections."""
        if self.running:
            raise BrokerError("already running")
        if not self.port:
            self._configure()
            for _attempt in range(3):
                self.port = free_port()
                self._write_config()
                if self._launch(timeout):
                    return
                # The port was free a moment ago; another process may have taken it.
                if not self._logged_since(self._launched_at, b"Address already in use"):
                    break
            raise BrokerError(f"mosquitto did not start: {self.tail()}")
        if not self._launch(timeout):
            raise BrokerError(f"mosquitto did not start again on port {self.port}: {self.tail()}")

    def stop(self, timeout: float = 10) -> None:
        """Stop by PID: SIGTERM (Mosquitto saves its persistence file), SIGKILL if it
        has not exited within `timeout`."""
        process, self._process = self._process, None
        try:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout)
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None

    def kill(self) -> None:
        """Stop at once with SIGKILL, as a power cut would: nothing is saved."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
        self.stop()

    def restart(self, timeout: float = 10) -> None:
        """Stop and start again on the same port with the same persisted state."""
        self.stop(timeout)
        self.start(timeout)

    def tail(self, lines: int = 30) -> str:
        """The end of the broker's log (a failing test shows it)."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    # ------------------------------------------------------------------ clients

    def connection(self, user: str | None = None) -> dict[str, Any]:
        """What Home Assistant's MQTT config flow asks for (broker, port, user, password)."""
        data: dict[str, Any] = {"broker": self.host, "port": self.port}
        if user is not None:
            data |= {"username": user, "password": self.users[user]}
        return data

    def client(
        self,
        user: str | None = None,
        *,
        client_id: str = "",
        clean_session: bool = True,
        tls: bool | None = None,
    ) -> MqttClient:
        """A client for this broker, logged in as `user` (connect it with `with`)."""
        return MqttClient(
            self.host,
            self.port,
            username=user,
            password=self.users[user] if user is not None else None,
            client_id=client_id,
            clean_session=clean_session,
            ca_file=self.ca_file if (self.tls is not None if tls is None else tls) else None,
        )

    # ------------------------------------------------------------------ internals

    def _configure(self) -> None:
        """Write the files that stay the same across restarts."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(exist_ok=True)
        if self.users:
            passwd = self.folder / "passwd"
            passwd.unlink(missing_ok=True)
            for user, password in self.users.items():
                create = [] if passwd.exists() else ["-c"]
                subprocess.run(
                    [executable("mosquitto_passwd"), "-b", *create, str(passwd), user, password],
                    check=True,
                    capture_output=True,
                )
        if self.acl is not None:
            (self.folder / "acl").write_text(self.acl, encoding="utf-8")
        if self._want_tls:
            self.tls = make_tls_files(self.folder / "tls")

    def _write_config(self) -> None:
        lines = [
            "# Written by tests/broker.py for one test broker.",
            # Run as root it would switch to the `mosquitto` user, who cannot read here.
            f"user {pwd.getpwuid(os.getuid()).pw_name}",
            f"listener {self.port} {HOST}",
            f"allow_anonymous {str(self.allow_anonymous).lower()}",
            "persistence true",
            f"persistence_location {self.data_dir}/",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "connection_messages true",
            "log_timestamp_format %H:%M:%S",
        ]
        if self.users:
            lines.append(f"password_file {self.folder / 'passwd'}")
        if self.acl is not None:
            lines.append(f"acl_file {self.folder / 'acl'}")
        if self.tls is not None:
            lines += [
                f"cafile {self.tls.ca_file}",
                f"certfile {self.tls.cert_file}",
                f"keyfile {self.tls.key_file}",
            ]
        self.config_path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def _launch(self, timeout: float) -> bool:
        """Run mosquitto; True once its port accepts connections, False if it exited
        (its log says why), BrokerError if it neither listens nor exits in time."""
        command = [executable("mosquitto"), "-c", str(self.config_path)]
        # Dies with the thread that started it, even if this process is killed and
        # cannot run its clean-up.
        if (setpriv := shutil.which("setpriv")) is not None:
            command = [setpriv, "--pdeathsig", "KILL", *command]
        self._log = self.log_path.open("ab")
        self._launched_at = offset = self._log.tell()
        self._process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if self._process.poll() is not None:
                    self.stop()
                    return False
                # Mosquitto listens a moment before it handles SIGTERM (and so before a
                # stop would save its state); it logs "running" once it does both.
                if self._logged_since(offset, b" running") and port_open(self.port):
                    return True
                time.sleep(0.02)
        except BaseException:
            self.stop()
            raise
        self.stop()
        raise BrokerError(f"mosquitto did not listen within {timeout} s: {self.tail()}")

    def _logged_since(self, offset: int, text: bytes) -> bool:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return text in log.read()


class Brokers:
    """Starts brokers in folders of their own under `root` and stops all of them on
    `close()` (the `mosquitto` fixtures are one of these)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.started: list[Broker] = []

    def __call__(
        self,
        *,
        users: Mapping[str, str] | None = None,
        acl: str | None = None,
        tls: bool = False,
        allow_anonymous: bool | None = None,
    ) -> Broker:
        """A started broker (see `Broker` for the arguments)."""
        broker = Broker(
            self.root / f"broker{len(self.started)}",
            users=users,
            acl=acl,
            tls=tls,
            allow_anonymous=allow_anonymous,
        )
        self.started.append(broker)
        broker.start()
        return broker

    def close(self) -> None:
        errors: list[BaseException] = []
        for broker in reversed(self.started):
            try:
                broker.stop()
            except BaseException as err:  # stop the others first, then raise
                errors.append(err)
        self.started.clear()
        if errors:
            raise errors[0]

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


@pytest.fixture
def mosquitto(tmp_path: Path, socket_enabled: None) -> Iterator[Brokers]:
    """A factory of real Mosquitto brokers for in-process tests, all stopped after the test.

    `socket_enabled` lifts the test plugin's block on network sockets, which the clients
    (and Home Assistant's MQTT client) need to reach the broker on 127.0.0.1.
    """
    with Brokers(tmp_path / "mosquitto") as brokers:
        yield brokers


# ---------------------------------------------------------------------- client


@dataclass(frozen=True)
class Message:
    topic: str
    payload: bytes
    qos: int
    retain: bool


class MqttClient:
    """A paho-mqtt client with blocking calls, for tests: `connect` waits for the broker's
    answer, `subscribe` and `publish` for its acknowledgement, `receive` for the next
    message. It never reconnects by itself."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str | None = None,
        password: str | None = None,
        client_id: str = "",
        clean_session: bool = True,
        ca_file: Path | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.messages: queue.Queue[Message] = queue.Queue()
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=clean_session,
            reconnect_on_failure=False,
        )
        if username is not None:
            self._client.username_pw_set(username, password)
        if ca_file is not None:
            self._client.tls_set(ca_certs=str(ca_file))
        self._connected = threading.Event()
        self._answered = threading.Event()
        self._connect_result: ReasonCode | None = None
        self._subacks: dict[int, list[ReasonCode]] = {}
        self._suback_event = threading.Condition()
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message
        self._client.on_subscribe = self._on_subscribe

    def __enter__(self) -> Self:
        self.connect()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.disconnect()

    def connect(self, timeout: float = 5) -> None:
        """Connect and wait for the broker to accept; ConnectionError otherwise."""
        self._answered.clear()
        try:
            self._client.connect(self.host, self.port, keepalive=30)
        except (OSError, ssl.SSLError) as err:
            raise ConnectionError(f"cannot reach {self.host}:{self.port}: {err}") from err
        self._client.loop_start()
        if not self._answered.wait(timeout) or not self._connected.is_set():
            result = self._connect_result
            self.disconnect()
            raise ConnectionError(f"broker refused or closed the connection: {result}")

    def disconnect(self) -> None:
        """Disconnect cleanly (a persistent session keeps its queue) and stop the loop."""
        with contextlib.suppress(Exception):
            self._client.disconnect()
        self._client.loop_stop()
        self._connected.clear()

    def subscribe(self, topic: str, qos: int = 1, timeout: float = 5) -> None:
        """Subscribe and wait for the broker's grant."""
        result, mid = self._client.subscribe(topic, qos)
        if result != mqtt.MQTT_ERR_SUCCESS or mid is None:
            raise ConnectionError(f"subscribe {topic}: {result}")
        with self._suback_event:
            if not self._suback_event.wait_for(lambda: mid in self._subacks, timeout):
                raise TimeoutError(f"no SUBACK for {topic}")
            codes = self._subacks.pop(mid)
        if any(code.is_failure for code in codes):
            raise PermissionError(f"subscribe {topic} refused: {codes}")

    def publish(self, topic: str, payload: str | bytes, qos: int = 1, retain: bool = False) -> None:
        """Publish and wait until the broker has it (QoS 1/2) or it was sent (QoS 0)."""
        info = self._client.publish(topic, payload, qos=qos, retain=retain)
        info.wait_for_publish(5)
        if not info.is_published():
            raise TimeoutError(f"publish {topic}: not acknowledged")

    def receive(self, timeout: float = 5) -> Message:
        """The next message; AssertionError when none arrives in time."""
        try:
            return self.messages.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no message within {timeout} s") from None

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: ReasonCode, props: Any
    ) -> None:
        self._connect_result = reason
        if not reason.is_failure:
            self._connected.set()
        self._answered.set()

    def _on_disconnect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: ReasonCode, props: Any
    ) -> None:
        self._connected.clear()
        self._answered.set()

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        self.messages.put(Message(message.topic, message.payload, message.qos, message.retain))

    def _on_subscribe(
        self, client: mqtt.Client, userdata: Any, mid: int, codes: list[ReasonCode], props: Any
    ) -> None:
        with self._suback_event:
            self._subacks[mid] = codes
            self._suback_event.notify_all()
