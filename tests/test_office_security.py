"""The welfare office's broker as docs/office.md configures it, attacked by its own boxes.

A real Mosquitto runs Debian's persistence settings plus the documented conf.d file,
access list and certificates (tests/e2e/office.py reads them out of the document), with
the office's user and two boxes, `GN-0142` and `GN-0143`, whose user names are their
office ids. Plain MQTT clients act as the boxes and the office. The broker delivers one
client's messages in the order it received them, so a message a test sends last proves
that nothing sent before it was delivered when it arrives alone.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.broker import Broker, MqttClient, make_tls_files
from tests.e2e.office import (
    OFFICE_USER,
    TEST_HOST,
    BridgedBoxBroker,
    DocumentedBroker,
    doc_block,
    status_payload,
)

BOX_A, BOX_B = "GN-0142", "GN-0143"
USERS = {OFFICE_USER: "office-secret", BOX_A: "box-0142-secret", BOX_B: "box-0143-secret"}
KINDS = ("status", "event", "availability", "reply")


def topic(office_id: str, kind: str) -> str:
    return f"care_plug/{office_id}/{kind}"


def status(office_id: str) -> str:
    return json.dumps(status_payload(office_id, "warning"))


def nothing_more(*clients: MqttClient) -> None:
    """Nothing else was delivered to any of `clients`."""
    for client in clients:
        assert client.messages.empty(), client.messages.get_nowait()


@pytest.fixture
def broker(tmp_path: Path, socket_enabled: None) -> Iterator[DocumentedBroker]:
    """The office broker, stopped by PID after the test."""
    with DocumentedBroker(tmp_path / "office-broker", users=USERS) as office_broker:
        yield office_broker


def test_the_documented_files_are_what_runs(broker: DocumentedBroker) -> None:
    # The broker runs the document's access list byte for byte, and its listener file
    # with only paths and the port put in.
    assert (broker.folder / "acl").read_text() == doc_block("acl")
    listener = (broker.folder / "conf.d" / "care_plug.conf").read_text().splitlines()
    documented = doc_block("mosquitto.conf").splitlines()
    assert len(listener) == len(documented)
    assert [line.split()[0] for line in listener if line and not line.startswith("#")] == [
        "listener",
        "certfile",
        "keyfile",
        "allow_anonymous",
        "password_file",
        "acl_file",
        "max_queued_messages",
    ]
    assert "allow_anonymous false" in listener
    # The office is sent everything at once: Mosquitto's default queue of 1,000 drops it.
    assert "max_queued_messages 20000" in listener


def test_only_tls_with_the_pilots_ca_and_a_password_gets_in(
    broker: DocumentedBroker, tmp_path: Path
) -> None:
    assert broker.ca_file is not None
    with broker.client(OFFICE_USER) as office, broker.client(BOX_A) as box:
        office.subscribe(topic(BOX_A, "status"))
        box.publish(topic(BOX_A, "status"), status(BOX_A))
        assert json.loads(office.receive().payload)["office_id"] == BOX_A

    def refused(client: MqttClient) -> None:
        with pytest.raises(ConnectionError):
            client.connect(timeout=3)

    password = USERS[BOX_A]
    # Plain MQTT on the TLS port: no connection.
    refused(broker.client(BOX_A, tls=False))
    # A client that does not trust the pilot's CA (another CA's certificate).
    stranger = make_tls_files(tmp_path / "other-ca").ca_file
    refused(MqttClient(TEST_HOST, broker.port, username=BOX_A, password=password, ca_file=stranger))
    # The certificate names the broker's host, not its address: checked, so refused.
    refused(
        MqttClient(
            "127.0.0.1", broker.port, username=BOX_A, password=password, ca_file=broker.ca_file
        )
    )
    # No anonymous clients, no wrong passwords.
    refused(MqttClient(TEST_HOST, broker.port, ca_file=broker.ca_file))
    refused(
        MqttClient(TEST_HOST, broker.port, username=BOX_A, password="guess", ca_file=broker.ca_file)
    )


def test_a_box_cannot_speak_for_another_household(broker: DocumentedBroker) -> None:
    with broker.client(OFFICE_USER) as office, broker.client(BOX_A) as box:
        office.subscribe("care_plug/#")
        # Everything B's box may say, said by A's box: retained or not, nothing arrives.
        for kind in KINDS:
            box.publish(topic(BOX_B, kind), status(BOX_B), retain=kind == "status")
        # A's box speaks for its own household on all four topics.
        for kind in KINDS:
            box.publish(topic(BOX_A, kind), status(BOX_A), retain=kind == "status")
        received = [office.receive() for _kind in KINDS]
        nothing_more(office)
    assert [message.topic for message in received] == [topic(BOX_A, kind) for kind in KINDS]

    # Nor is a forged status kept for an office that connects later: only A's own.
    with broker.client(OFFICE_USER) as office, broker.client(BOX_B) as box_b:
        office.subscribe("care_plug/+/status")
        office.subscribe(topic(BOX_B, "event"))
        box_b.publish(topic(BOX_B, "event"), "from B itself")
        assert office.receive().topic == topic(BOX_A, "status")  # retained, from A's box
        assert office.receive().payload == b"from B itself"
        nothing_more(office)


def test_only_the_office_sends_commands(broker: DocumentedBroker) -> None:
    with (
        broker.client(OFFICE_USER) as office,
        broker.client(BOX_A) as box_a,
        broker.client(BOX_B) as box_b,
    ):
        box_a.subscribe(topic(BOX_A, "command"))
        box_b.subscribe(topic(BOX_B, "command"))
        # A box commands another household, and itself: nothing is delivered.
        box_a.publish(topic(BOX_B, "command"), '{"command": "check_in", "from": "A"}')
        box_a.publish(topic(BOX_A, "command"), '{"command": "check_in", "from": "A"}')
        box_b.publish(topic(BOX_A, "command"), '{"command": "acknowledge", "from": "B"}')
        office.publish(topic(BOX_B, "command"), '{"command": "check_in", "from": "office"}')
        office.publish(topic(BOX_A, "command"), '{"command": "check_in", "from": "office"}')
        to_a, to_b = box_a.receive(), box_b.receive()
        nothing_more(box_a, box_b)
    assert (to_a.topic, json.loads(to_a.payload)["from"]) == (topic(BOX_A, "command"), "office")
    assert (to_b.topic, json.loads(to_b.payload)["from"]) == (topic(BOX_B, "command"), "office")


def test_a_box_reads_only_its_own_commands(broker: DocumentedBroker) -> None:
    with (
        broker.client(OFFICE_USER) as office,
        broker.client(BOX_A) as box_a,
        broker.client(BOX_B) as box_b,
    ):
        box_b.publish(topic(BOX_B, "status"), status(BOX_B), retain=True)
        # Mosquitto grants any subscription and filters what it delivers.
        box_a.subscribe("#")
        box_a.subscribe("care_plug/+/command")
        box_a.subscribe(topic(BOX_B, "command"))
        box_b.publish(topic(BOX_B, "event"), "B's event")
        office.publish(topic(BOX_B, "command"), "for B")
        office.publish(topic(BOX_A, "command"), "for A")
        # The one command A may read (a copy per matching subscription, maybe), nothing of
        # B's: not its retained status, its event nor its command.
        received = {box_a.receive().payload}
        time.sleep(0.2)
        while not box_a.messages.empty():
            received.add(box_a.messages.get_nowait().payload)
    assert received == {b"for A"}


def test_the_office_cannot_speak_for_a_household(broker: DocumentedBroker) -> None:
    with (
        broker.client(OFFICE_USER) as office,
        broker.client(OFFICE_USER) as console,
        broker.client(BOX_A) as box,
    ):
        console.subscribe("care_plug/#")
        for kind in KINDS:
            office.publish(topic(BOX_A, kind), status(BOX_A))
        office.publish(topic(BOX_A, "command"), "a command")
        box.publish(topic(BOX_A, "status"), status(BOX_A))
        first, second = console.receive(), console.receive()
        nothing_more(console)
    # The office reads every household, its own command included; it reports for none.
    assert (first.topic, first.payload) == (topic(BOX_A, "command"), b"a command")
    assert second.topic == topic(BOX_A, "status")


def test_statuses_survive_a_broker_restart(broker: DocumentedBroker) -> None:
    for box_id in (BOX_A, BOX_B):
        with broker.client(box_id) as box:
            box.publish(topic(box_id, "status"), status(box_id), retain=True)
    broker.restart()
    with broker.client(OFFICE_USER) as office:
        office.subscribe("care_plug/+/status")
        statuses = [office.receive() for _box in (BOX_A, BOX_B)]
    assert sorted(json.loads(m.payload)["office_id"] for m in statuses) == [BOX_A, BOX_B]
    assert all(message.retain for message in statuses)


def _wait_for_bridge(office_broker: Broker, office_id: str, timeout: float = 15) -> None:
    """The box's bridge has logged in to the office's broker (its log says so)."""
    deadline = time.monotonic() + timeout
    while f"as {office_id} " not in office_broker.tail(200):
        assert time.monotonic() < deadline, office_broker.tail()
        time.sleep(0.05)


def test_the_box_bridge_carries_its_own_household_only(
    broker: DocumentedBroker, tmp_path: Path
) -> None:
    box_broker = BridgedBoxBroker(
        tmp_path / "box-broker", broker, office_id=BOX_A, password=USERS[BOX_A]
    )
    with box_broker:
        _wait_for_bridge(broker, BOX_A)
        with broker.client(OFFICE_USER) as office, box_broker.client() as home_assistant:
            assert box_broker.tls is None  # Home Assistant talks plain MQTT on the box
            office.subscribe("care_plug/#")
            home_assistant.subscribe(topic(BOX_A, "command"))
            # Another household's topics do not cross the bridge; its own do, in order.
            home_assistant.publish(topic(BOX_B, "status"), status(BOX_B), retain=True)
            home_assistant.publish(topic(BOX_A, "status"), status(BOX_A), retain=True)
            home_assistant.publish(topic(BOX_A, "event"), '{"seq": 1}')
            home_assistant.publish(topic(BOX_A, "availability"), "online", retain=True)
            received = [office.receive(10) for _message in range(3)]
            # The office's command comes back over the bridge.
            office.publish(topic(BOX_A, "command"), '{"command": "acknowledge"}')
            assert office.receive(10).topic == topic(BOX_A, "command")  # it reads its own
            command = home_assistant.receive(10)
            home_assistant.publish(topic(BOX_A, "reply"), '{"ok": true}')
            reply = office.receive(10)
            nothing_more(office)
        assert [m.topic for m in received] == [topic(BOX_A, kind) for kind in KINDS[:3]]
        assert json.loads(received[0].payload)["office_id"] == BOX_A
        assert (command.topic, command.payload) == (
            topic(BOX_A, "command"),
            b'{"command": "acknowledge"}',
        )
        assert reply.topic == topic(BOX_A, "reply")

        # The office's broker keeps the bridged status for an office that starts later.
        with broker.client(OFFICE_USER) as office:
            office.subscribe("care_plug/+/status")
            kept = office.receive()
            nothing_more(office)
        assert (kept.topic, kept.retain) == (topic(BOX_A, "status"), True)


def test_a_bridge_that_cannot_verify_the_broker_sends_nothing(
    broker: DocumentedBroker, tmp_path: Path
) -> None:
    stranger = make_tls_files(tmp_path / "other-ca").ca_file
    box_broker = BridgedBoxBroker(
        tmp_path / "box-broker", broker, office_id=BOX_A, password=USERS[BOX_A], ca_file=stranger
    )
    with box_broker:
        deadline = time.monotonic() + 15
        while "certificate verify failed" not in box_broker.tail(200):
            assert time.monotonic() < deadline, box_broker.tail()
            time.sleep(0.05)
        with box_broker.client() as home_assistant:
            home_assistant.publish(topic(BOX_A, "status"), status(BOX_A), retain=True)
    assert f"as {BOX_A} " not in broker.tail(200)
    with broker.client(OFFICE_USER) as office:
        office.subscribe("care_plug/+/status")
        with pytest.raises(AssertionError, match="no message"):
            office.receive(0.5)
