"""A Mosquitto broker for `scripts/develop office`, on 127.0.0.1 only, stopped by its PID.

Debian's `mosquitto` package provides the program (scripts/setup installs it); its own
daemon is never used. The demo's broker lets any local client in without a password: it
listens on the loopback address only. A real office's broker has a user per box, an
access list and TLS (docs/office.md).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import IO

from .server import HOST, ServerError

# Debian puts the broker in /usr/sbin, which is not on every user's PATH.
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex((HOST, port)) == 0


class DemoBroker:
    """`mosquitto -c FOLDER/mosquitto.conf` on HOST:port; retained messages kept in FOLDER."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.config_path = folder / "mosquitto.conf"
        self.log_path = folder / "mosquitto.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://{HOST}:{self.port}"

    def start(self, timeout: float = 10) -> None:
        """Start and wait until it accepts connections; ServerError if it cannot."""
        program = shutil.which("mosquitto", path=SEARCH_PATH)
        if program is None:
            raise ServerError("mosquitto not found: install Debian's mosquitto (scripts/setup)")
        if port_open(self.port):
            raise ServerError(f"port {self.port} on {HOST} is in use: pass --mqtt-port")
        data = self.folder / "data"
        data.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(
            "\n".join(
                [
                    "# Written by demo/broker.py on every start of `scripts/develop office`.",
                    # Run as root it would switch to the `mosquitto` user, who cannot read here.
                    f"user {pwd.getpwuid(os.getuid()).pw_name}",
                    f"listener {self.port} {HOST}",
                    "allow_anonymous true",
                    "persistence true",
                    f"persistence_location {data}/",
                    "log_dest stderr",
                    "log_type error",
                    "log_type warning",
                    "log_type notice",
                    "",
                ]
            ),
            encoding="utf-8",
        )
        command = [program, "-c", str(self.config_path)]
        # Dies with this process even when it is killed and cannot clean up.
        if (setpriv := shutil.which("setpriv")) is not None:
            command = [setpriv, "--pdeathsig", "KILL", *command]
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise ServerError(f"mosquitto exited; see {self.log_path}")
            if port_open(self.port):
                return
            time.sleep(0.05)
        self.stop()
        raise ServerError(f"mosquitto did not listen within {timeout:.0f} s; see {self.log_path}")

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM (it saves the retained messages), SIGKILL if it is still there."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        if self._log is not None:
            self._log.close()
            self._log = None
