"""`scripts/develop`: a real Home Assistant with two simulated homes, their households and
the blueprints, on http://127.0.0.1:<port>. Ctrl-C stops everything it started.

    python -m demo [--port 8123] [--speed 10] [--fresh] [--state-dir .demo]
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import socket
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from .server import HOST, REPO, HassServer, ServerError, link, prepare_config

DEMO = Path(__file__).resolve().parent
STATE_DIR = REPO / ".demo"
USER = {"name": "Demo officer", "username": "demo", "password": "care-plug-demo"}
# Short enough to watch: with the default speed (10) these are 30, 50 and 80 simulated
# minutes, longer than the resident's usual daytime pauses.
THRESHOLDS = {
    "attention_after": {"hours": 0, "minutes": 3, "seconds": 0},
    "warning_after": {"hours": 0, "minutes": 5, "seconds": 0},
    "critical_after": {"hours": 0, "minutes": 8, "seconds": 0},
}
BLUEPRINTS = ("resident_check_in", "family_alert", "welfare_report", "maintenance")
PERSISTENT = "notify.persistent_notification"


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex((HOST, port)) != 0


def prepare(config_dir: Path, port: int, speed: float) -> None:
    configuration = (DEMO / "configuration.yaml").read_text().replace("__SPEED__", str(speed))
    prepare_config(config_dir, configuration, port)
    link(DEMO / "care_plug_demo", config_dir / "custom_components" / "care_plug_demo")
    link(DEMO / "dashboard.yaml", config_dir / "demo_dashboard.yaml")
    # Home Assistant puts the config directory on sys.path: the residents import it there.
    link(REPO / "simulator", config_dir / "simulator")
    automations = config_dir / "automations.yaml"
    if not automations.exists():
        automations.write_text("[]\n", encoding="utf-8")


def log_in(server: HassServer) -> None:
    """Onboard the demo user on the first start; log in as it afterwards."""
    status, steps = server.request("GET", "/api/onboarding", auth=False)
    if status == 200 and not next(s["done"] for s in steps if s["step"] == "user"):
        server.onboard(USER["name"], USER["username"], USER["password"])
    else:
        server.login(USER["username"], USER["password"])


def wait_for_homes(server: HassServer, timeout: float = 60) -> list[dict[str, Any]]:
    """The demo homes, as their incapacitate switches describe them, once every source
    has its first reading."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = server.call("GET", "/api/states")
        present = {s["entity_id"] for s in states}
        homes = [
            s["attributes"]
            for s in states
            if s["entity_id"].startswith("switch.incapacitate_") and "sources" in s["attributes"]
        ]
        sources = {e for home in homes for ids in home["sources"].values() for e in ids}
        if homes and sources <= present:
            return homes
        time.sleep(0.5)
    raise ServerError("the demo homes did not appear: is care_plug_demo set up?")


def ensure_household(server: HassServer, name: str, sources: dict[str, list[str]]) -> str:
    """The household's entry id, created through the config flow when missing."""
    entries = server.call("GET", "/api/config/config_entries/entry?domain=care_plug")
    for entry in entries:
        if entry["title"] == name:
            return str(entry["entry_id"])
    flow = server.call("POST", "/api/config/config_entries/flow", {"handler": "care_plug"})
    path = f"/api/config/config_entries/flow/{flow['flow_id']}"
    server.call("POST", path, {"next_step_id": "household"})  # the first step is a menu
    server.call("POST", path, {"name": name, "risk_group": "custom"})
    server.call("POST", path, THRESHOLDS)
    result = server.call("POST", path, {**sources, "advanced": {}})
    if result.get("type") != "create_entry":
        raise ServerError(f"household {name} not created: {result}")
    return str(result["result"]["entry_id"])


def notification(title: str, message: str) -> list[dict[str, Any]]:
    return [
        {"action": "persistent_notification.create", "data": {"title": title, "message": message}}
    ]


def automations(households: dict[str, str]) -> list[dict[str, Any]]:
    """The four blueprints for each household; every message becomes a notification."""
    result = []
    for name, entry_id in households.items():
        inputs: dict[str, dict[str, Any]] = {
            "resident_check_in": {"notify_services": [PERSISTENT]},
            "family_alert": {"notify_services": [PERSISTENT]},
            "welfare_report": {
                "office": "Demo welfare office, case 2026-001",
                "address": f"{name}'s flat, 12 Garden Road",
                "phone": "+82 10 0000 0000",
                "report_action": notification("{{ report_title }}", "{{ report_message }}"),
            },
            "maintenance": {
                "notice_action": notification("{{ notice_title }}", "{{ notice_message }}")
            },
        }
        for blueprint in BLUEPRINTS:
            slug = name.lower().replace(" ", "_")
            result.append(
                {
                    "id": f"care_plug_demo_{slug}_{blueprint}",
                    "alias": f"{name}: {blueprint.replace('_', ' ')}",
                    "use_blueprint": {
                        "path": f"care_plug/{blueprint}.yaml",
                        "input": {"household": entry_id, **inputs[blueprint]},
                    },
                }
            )
    return result


def banner(server: HassServer, speed: float) -> str:
    return f"""
Care Plug demo is running (Home Assistant on {HOST} only).

  Open      {server.url}/care-officer/households
  Log in    user {USER["username"]}, password {USER["password"]}

  Two simulated homes, Mrs Kim and Mr Park, live {speed:g} times faster than real time.
  Flip "Incapacitate" on the Demo homes dashboard ({server.url}/care-demo/homes):
  attention after 3 min, warning after 5, critical after 8; the blueprints' messages
  appear under Notifications. Log: {server.log_path}

Ctrl-C stops Home Assistant.
"""


def _stop_on_term(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/develop", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--speed", type=float, default=10, help="simulated seconds per second")
    parser.add_argument("--fresh", action="store_true", help="forget the previous demo state")
    parser.add_argument("--state-dir", type=Path, default=STATE_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    state_dir: Path = args.state_dir.resolve()
    if args.fresh:
        shutil.rmtree(state_dir, ignore_errors=True)
    if not port_free(args.port):
        print(f"Port {args.port} on {HOST} is in use: pass --port.", file=sys.stderr)
        return 2
    config_dir = state_dir / "config"
    prepare(config_dir, args.port, args.speed)
    server = HassServer(config_dir, args.port, state_dir / "hass.log")
    # Explicitly, also for SIGINT: a shell starts background jobs with SIGINT ignored.
    signal.signal(signal.SIGTERM, _stop_on_term)
    signal.signal(signal.SIGINT, _stop_on_term)
    try:
        print(f"Starting Home Assistant in {config_dir} ...", flush=True)
        server.start(timeout=180)
        log_in(server)
        server.wait_running(timeout=180)
        households = {
            home["household"]: ensure_household(server, home["household"], home["sources"])
            for home in wait_for_homes(server)
        }
        (config_dir / "automations.yaml").write_text(
            json.dumps(automations(households), indent=2) + "\n", encoding="utf-8"
        )
        server.call("POST", "/api/services/automation/reload", {})
        print(banner(server, args.speed), flush=True)
        while server.process is not None and server.process.poll() is None:
            time.sleep(1)
        print(f"Home Assistant exited; see {server.log_path}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping Home Assistant ...", flush=True)
        return 0
    except ServerError as err:
        print(f"Demo failed: {err}", file=sys.stderr)
        return 1
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
