"""The readable timeline that scripts/develop prints from the replay's JSON Lines."""

from __future__ import annotations

import json

from tools.timeline import describe


def test_transition_line_names_both_levels_and_the_reason() -> None:
    line = json.dumps(
        {
            "time": "2026-11-20T13:46:26.621Z",
            "level": "warning",
            "previous_level": "attention",
            "reason": "inactivity",
        }
    )
    assert describe(line) == "2026-11-20T13:46:26.621Z  attention -> warning    (inactivity)"


def test_activity_line_names_the_entity() -> None:
    line = json.dumps(
        {"time": "2026-11-20T01:46:26Z", "entity_id": "sensor.tv", "kind": "activity"}
    )
    assert describe(line) == "2026-11-20T01:46:26Z  activity  sensor.tv"
