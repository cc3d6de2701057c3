"""The test broker (tests/broker.py) behaves as the office link needs a real broker to:
users and per-household rights, state that survives a broker restart, TLS, and no
process left behind."""

from __future__ import annotations

import os

import pytest

from tests.broker import Broker, Brokers, MqttClient

USERS = {"office": "office-secret", "GN-0142": "box-0142-secret", "GN-0143": "box-0143-secret"}
# The office reads what boxes report and sends commands; each box (user = its office id)
# writes only its own reports and reads only its own commands.
ACL = """\
user office
topic read care_plug/+/status
topic read care_plug/+/event
topic write care_plug/+/command

pattern write care_plug/%u/status
pattern write care_plug/%u/event
pattern read care_plug/%u/command
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_users_publish_and_subscribe(mosquitto: Brokers) -> None:
    broker = mosquitto(users=USERS)
    with broker.client("office") as office, broker.client("GN-0142") as box:
        office.subscribe("care_plug/+/status")
        box.publish("care_plug/GN-0142/status", '{"level": "normal"}')
        message = office.receive()
    assert message.topic == "care_plug/GN-0142/status"
    assert message.payload == b'{"level": "normal"}'

    # Only the listed users get in.
    with pytest.raises(ConnectionError):
        broker.client().connect()
    with pytest.raises(ConnectionError):
        MqttClient(broker.host, broker.port, username="GN-0142", password="wrong").connect()


def test_acl_keeps_each_household_to_its_own_topics(mosquitto: Brokers) -> None:
    broker = mosquitto(users=USERS, acl=ACL)
    with (
        broker.client("office") as office,
        broker.client("GN-0142") as box,
        broker.client("GN-0143") as other_box,
    ):
        office.subscribe("care_plug/+/event")
        other_box.subscribe("care_plug/GN-0143/command")
        # A box cannot speak for another household, nor send commands.
        box.publish("care_plug/GN-0143/event", "forged")
        box.publish("care_plug/GN-0143/command", "forged")
        box.publish("care_plug/GN-0142/event", "own")
        office.publish("care_plug/GN-0143/command", "from the office")
        # The broker delivers in order: what was refused would have come first.
        assert office.receive().payload == b"own"
        assert other_box.receive().payload == b"from the office"
        assert office.messages.empty()
        assert other_box.messages.empty()


def test_retained_and_queued_messages_survive_restart(mosquitto: Brokers) -> None:
    broker = mosquitto(users=USERS)
    # The office's persistent session: the broker queues QoS 1 events while it is away.
    with broker.client("office", client_id="office", clean_session=False) as office:
        office.subscribe("care_plug/+/event", qos=1)
    with broker.client("GN-0142") as box:
        box.publish("care_plug/GN-0142/status", "level warning", qos=1, retain=True)
        box.publish("care_plug/GN-0142/event", "warning raised", qos=1)

    port, pid = broker.port, broker.pid
    broker.restart()
    assert broker.port == port
    assert broker.pid != pid
    assert pid is not None
    assert not alive(pid)

    with broker.client("office", client_id="office", clean_session=False) as office:
        queued = office.receive()
        office.subscribe("care_plug/+/status")
        retained = office.receive()
    assert (queued.topic, queued.payload, queued.qos) == (
        "care_plug/GN-0142/event",
        b"warning raised",
        1,
    )
    assert (retained.topic, retained.payload, retained.retain) == (
        "care_plug/GN-0142/status",
        b"level warning",
        True,
    )


def test_tls_with_the_generated_ca(mosquitto: Brokers) -> None:
    broker = mosquitto(users=USERS, tls=True)
    assert broker.ca_file is not None
    assert broker.ca_file.read_text().startswith("-----BEGIN CERTIFICATE-----")
    with broker.client("office") as office, broker.client("GN-0142") as box:
        office.subscribe("care_plug/+/status")
        box.publish("care_plug/GN-0142/status", "over TLS")
        assert office.receive().payload == b"over TLS"
    # The TLS port answers nothing in plain text.
    with pytest.raises(ConnectionError):
        broker.client("office", tls=False).connect(timeout=3)


def test_no_broker_outlives_its_factory(mosquitto: Brokers) -> None:
    pids = [mosquitto().pid, mosquitto(users=USERS, tls=True).pid]
    mosquitto.close()
    assert all(pid is not None and not alive(pid) for pid in pids)
    assert not mosquitto.started


def test_a_broker_that_cannot_start_says_why(mosquitto: Brokers) -> None:
    broker = Broker(mosquitto.root / "bad", acl="this is not an acl line\n")
    with pytest.raises(RuntimeError, match="mosquitto did not start"):
        broker.start()
    assert not broker.running
