"""scripts/develop's demo starts, sets everything up, and leaves nothing behind on Ctrl-C."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
from pathlib import Path

import pytest

from demo.__main__ import USER
from demo.server import REPO, HassServer, free_port

pytestmark = pytest.mark.timeout(300)

HOUSEHOLDS = {"Mrs Kim": "kim", "Mr Park": "park"}


def read_until(process: subprocess.Popen[str], marker: str, timeout: float) -> str:
    """The runner's output up to the line containing `marker` (bounded by `timeout`)."""
    assert process.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    stdout = process.stdout

    def pump() -> None:  # a thread: a pipe read cannot time out by itself
        for line in stdout:
            lines.put(line)
        lines.put(None)  # the runner exited

    threading.Thread(target=pump, daemon=True).start()
    out: list[str] = []
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line is None:
            break
        out.append(line)
        if marker in line:
            return "".join(out)
    raise AssertionError(f"no {marker!r} within {timeout} s:\n{''.join(out)}")


def processes_using(argument: str) -> list[int]:
    """Processes whose command line has `argument` (from /proc: no procps needed)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if argument.encode() in args:
            found.append(int(cmdline.parent.name))
    return found


def test_demo_starts_with_households_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    runner = subprocess.Popen(
        [sys.executable, "-m", "demo", "--port", str(port), "--state-dir", str(tmp_path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    server = HassServer(tmp_path / "config", port, tmp_path / "hass.log")
    try:
        banner = read_until(runner, "Ctrl-C", 240)
        assert f"http://127.0.0.1:{port}/care-officer/households" in banner
        assert f"user {USER['username']}, password {USER['password']}" in banner

        server.login(USER["username"], USER["password"])
        entries = server.call("GET", "/api/config/config_entries/entry?domain=care_plug")
        assert sorted(e["title"] for e in entries) == sorted(HOUSEHOLDS)
        assert {e["state"] for e in entries} == {"loaded"}
        states = {s["entity_id"]: s for s in server.call("GET", "/api/states")}
        for name, prefix in HOUSEHOLDS.items():
            slug = name.lower().replace(" ", "_")
            assert states[f"sensor.{slug}_monitoring"]["state"] == "ok"
            assert float(states[f"sensor.{prefix}_fridge_plug_power"]["state"]) >= 0
            assert states[f"switch.incapacitate_{prefix}"]["state"] == "off"
            automations = [e for e in states if e.startswith(f"automation.{slug}_")]
            assert len(automations) == 4
            assert all(states[e]["state"] == "on" for e in automations)

        # Ctrl-C: the runner stops Home Assistant and exits.
        os.kill(runner.pid, signal.SIGINT)
        assert runner.wait(90) == 0
        with pytest.raises(urllib.error.URLError):
            server.request("GET", "/auth/providers", auth=False, timeout=2)
    finally:
        if runner.poll() is None:
            os.killpg(runner.pid, signal.SIGKILL)
            runner.wait(10)
        # Home Assistant runs in a session of its own: find it by its config directory.
        leftover = processes_using(str(tmp_path / "config"))
        for pid in leftover:
            os.kill(pid, signal.SIGKILL)
        assert not leftover, "the demo left Home Assistant running"
