"""Start, onboard and stop a real Home Assistant server (`hass`) on 127.0.0.1.

Shared by `scripts/develop` and the end-to-end tests, so both exercise the same start-up:
a config directory with the integration linked in, onboarding through the REST API, and
a stop by process group that leaves nothing running.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parent.parent
INTEGRATION = REPO / "custom_components" / "care_plug"
BLUEPRINTS = REPO / "blueprints" / "automation" / "care_plug"
DASHBOARDS = REPO / "dashboards"
HOST = "127.0.0.1"
# The `hass` to start instead of this interpreter's Home Assistant (an absolute path):
# scripts/test runs the end-to-end tests once more against the newest release this way.
HASS_ENV = "CARE_PLUG_HASS"


class ServerError(RuntimeError):
    """Home Assistant did not start, answer or stop as expected."""


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def hass_command() -> list[str]:
    """How to start Home Assistant: `$CARE_PLUG_HASS` when set, else this interpreter's."""
    if hass := os.environ.get(HASS_ENV):
        return [hass]
    return [sys.executable, "-m", "homeassistant"]


def link(target: Path, link_path: Path) -> None:
    """Point `link_path` at `target` (a symlink: edits in the repo show after a restart)."""
    link_path.parent.mkdir(parents=True, exist_ok=True)
    if link_path.is_symlink() or link_path.exists():
        if link_path.is_symlink() and link_path.resolve() == target.resolve():
            return
        if link_path.is_dir() and not link_path.is_symlink():
            raise ServerError(f"{link_path} is a directory, expected a link to {target}")
        link_path.unlink()
    link_path.symlink_to(target)


def write_store(config_dir: Path, key: str, version: int, data: Any) -> None:
    """Write one `.storage` file as Home Assistant's Store would."""
    path = config_dir / ".storage" / key
    path.parent.mkdir(parents=True, exist_ok=True)
    store = {"version": version, "minor_version": 1, "key": key, "data": data}
    path.write_text(json.dumps(store, indent=2), encoding="utf-8")


def prepare_config(config_dir: Path, configuration: str, port: int) -> None:
    """Write configuration.yaml and link the integration, blueprints and dashboards in.

    The HTTP settings go to storage, where Home Assistant 2026.10 keeps them: set in
    YAML they would be a trial that reverts after five minutes to the defaults (every
    interface, port 8123). Onboarding is pre-seeded as done except for the user step:
    the first user is still created through the REST API, while the core-config step
    (which would set up online weather and radio integrations) is skipped.
    """
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "configuration.yaml").write_text(configuration, encoding="utf-8")
    link(INTEGRATION, config_dir / "custom_components" / "care_plug")
    link(BLUEPRINTS, config_dir / "blueprints" / "automation" / "care_plug")
    link(DASHBOARDS, config_dir / "dashboards")
    # Version 1 is the plain settings dict; Home Assistant migrates it on load.
    write_store(config_dir, "http", 1, {"server_host": [HOST], "server_port": port})
    if not (config_dir / ".storage" / "onboarding").exists():
        write_store(
            config_dir, "onboarding", 4, {"done": ["core_config", "analytics", "integration"]}
        )


@dataclass
class HassServer:
    """One `hass -c CONFIG_DIR --skip-pip` process in its own process group."""

    config_dir: Path
    port: int
    log_path: Path
    token: str | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def client_id(self) -> str:
        return f"{self.url}/"

    def start(self, timeout: float = 120) -> None:
        """Start the server and wait until its HTTP API answers."""
        if self.process is not None and self.process.poll() is None:
            raise ServerError("already running")
        # Only the config directory on the path, never the repository (whose own
        # custom_components package would hide the config directory's): packages linked
        # into the config directory, such as the demo's `simulator`, import from there.
        env = {**os.environ, "PYTHONPATH": str(self.config_dir)}
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [*hass_command(), "-c", str(self.config_dir), "--skip-pip"],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=self.config_dir,
            # Its own process group, so a stop reaches every child it spawned.
            start_new_session=True,
        )
        self.wait_until_up(timeout)

    def wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise ServerError(f"hass exited with {self.process.returncode}: {self.tail()}")
            try:
                # Needs no login (an unauthenticated /api/ would be logged as a failed
                # one); any answer will do: before onboarding it is a 400.
                status, _ = self.request("GET", "/auth/providers", auth=False, timeout=2)
            except OSError:  # refused while starting (URLError is an OSError)
                status = 0
            if status:
                return
            time.sleep(0.25)
        raise ServerError(f"hass did not answer within {timeout:.0f} s: {self.tail()}")

    def stop(self, timeout: float = 60) -> None:
        """Stop gracefully (HA saves its stores on SIGTERM), then kill what is left."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
            except ProcessLookupError:
                pass
        if process is not None:
            # Children that outlived the server would keep the group alive.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        if self._log is not None:
            self._log.close()
            self._log = None

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    # ------------------------------------------------------------------ HTTP

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        auth: bool = True,
        form: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> tuple[int, Any]:
        """One REST call; returns the status and the decoded JSON body (or text)."""
        headers: dict[str, str] = {}
        data: bytes | None = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if auth:
            if self.token is None:
                raise ServerError("not onboarded: no access token")
            headers["Authorization"] = f"Bearer {self.token}"
        # Always http://127.0.0.1:<port>: no other scheme or host reaches here.
        req = urllib.request.Request(  # noqa: S310
            self.url + path, data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        text = raw.decode("utf-8", errors="replace")
        try:
            return status, json.loads(text) if text else None
        except json.JSONDecodeError:
            return status, text

    def call(self, method: str, path: str, body: Any = None, *, expect: int = 200) -> Any:
        """A REST call that must answer `expect`; returns the JSON body."""
        status, result = self.request(method, path, body)
        if status != expect:
            raise ServerError(f"{method} {path} -> {status}: {result}")
        return result

    def onboard(self, name: str, username: str, password: str) -> None:
        """Create the first (owner) user and log in as it (an access token for the APIs)."""
        status, result = self.request(
            "POST",
            "/api/onboarding/users",
            {
                "client_id": self.client_id,
                "name": name,
                "username": username,
                "password": password,
                "language": "en",
            },
            auth=False,
        )
        if status != 200:
            raise ServerError(f"onboarding failed: {status} {result}")
        self._token_from({"grant_type": "authorization_code", "code": result["auth_code"]})

    def login(self, username: str, password: str) -> None:
        """Log in through the login flow, as the frontend does (a server onboarded before)."""
        status, flow = self.request(
            "POST",
            "/auth/login_flow",
            {
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": self.client_id,
            },
            auth=False,
        )
        if status != 200:
            raise ServerError(f"login flow failed: {status} {flow}")
        status, result = self.request(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            {"client_id": self.client_id, "username": username, "password": password},
            auth=False,
        )
        if status != 200 or result.get("type") != "create_entry":
            raise ServerError(f"login failed: {status} {result}")
        self._token_from({"grant_type": "authorization_code", "code": result["result"]})

    def _token_from(self, grant: dict[str, str]) -> None:
        status, tokens = self.request(
            "POST", "/auth/token", form={**grant, "client_id": self.client_id}, auth=False
        )
        if status != 200:
            raise ServerError(f"token request failed: {status} {tokens}")
        self.token = tokens["access_token"]

    def wait_running(self, timeout: float = 120) -> None:
        """Wait until Home Assistant has finished starting (every integration set up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, config = self.request("GET", "/api/config", timeout=5)
            if status == 200 and config.get("state") == "RUNNING":
                return
            time.sleep(0.25)
        raise ServerError(f"hass not RUNNING within {timeout:.0f} s: {self.tail()}")
