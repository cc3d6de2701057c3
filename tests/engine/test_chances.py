"""How likely a silence is (engine/chances.py): a second opinion the learned routine asks
before it raises a level (docs/accuracy.md, "How likely a silence is").

The synthetic resident of test_routine.py: a hall motion sensor, up between 06:00 and
07:00, a nap after lunch, to bed around 22:00.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from typing import Any

import pytest

from custom_components.care_plug.engine import Household, Level
from custom_components.care_plug.engine.chances import Chances
from custom_components.care_plug.engine.model import SENSITIVITIES
from custom_components.care_plug.engine.routine import PROFILE_SLOTS, READY_DAYS
from custom_components.care_plug.engine.state import StateError, from_dict, to_dict

from .test_routine import (
    FIRST_DAY,
    SEOUL,
    ZONE_NAME,
    Day,
    alerts,
    local,
    motion,
    routine_days,
    synthetic,
    synthetic_house,
    synthetic_settings,
)

H = timedelta(hours=1)
DAY = 24 * H
NORMAL_WARNING_CHANCE = SENSITIVITIES["normal"].warning_chance


def without_chances(house: Household) -> Household:
    """The same household as saved before the chances existed: the rule alone judges."""
    data = json.loads(json.dumps(to_dict(house)))
    del data["routine"]["chances"]
    return from_dict(house.settings, data, SEOUL, ZONE_NAME)


def first_warning(house: Household, until: datetime) -> datetime | None:
    found = alerts(house.advance(until), Level.WARNING)
    return found[0].time if found else None


def test_a_usual_night_is_probable_and_a_morning_without_anyone_up_is_not() -> None:
    house, days = synthetic()
    monday = days[-1].day + timedelta(days=1)
    bed = local(monday - timedelta(days=1), 22.0)
    motion(house, bed)
    improbable = house.routine.improbable_after(
        bed.timestamp(), NORMAL_WARNING_CHANCE, DAY.total_seconds()
    )
    # Nobody up by the latest waking seen (07:00) and some way past it: improbable.
    assert local(monday, 7.0).timestamp() <= improbable <= local(monday, 9.0).timestamp()


def test_a_silence_never_seen_at_that_time_is_improbable_at_once() -> None:
    house, days = synthetic()
    monday = days[-1].day + timedelta(days=1)
    start = local(monday, 10.0)  # mid-morning: the resident is never still for an hour
    motion(house, start)
    improbable = house.routine.improbable_after(
        start.timestamp(), NORMAL_WARNING_CHANCE, DAY.total_seconds()
    )
    assert improbable - start.timestamp() <= 1.5 * H.total_seconds()


def test_late_mornings_last_month_hold_back_the_warning_the_rule_alone_would_raise() -> None:
    """Up at noon on the first nine days, then a fortnight of early mornings: the rule
    (the last twelve weekdays) has forgotten the late ones, the chances have not."""
    house = synthetic_house()
    rng = random.Random(5)
    late = 9
    for index, usual in enumerate(routine_days(FIRST_DAY, 28, rng)):
        lived = usual
        if index < late:
            lived = Day(usual.day, wake=12.0, nap_start=15.0, nap=1.0, bed=22.0)
        lived.live(house)
    assert house.routine_ready
    monday = FIRST_DAY + timedelta(days=28)
    motion(house, local(monday - timedelta(days=1), 22.0))  # Sunday: bed, then nothing
    until = local(monday, 20.0)
    rule_alone = first_warning(without_chances(house), until)
    both = first_warning(house, until)
    assert rule_alone is not None
    assert both is not None
    assert rule_alone < local(monday, 12.0)  # the rule: not up by 07:00-ish is unusual
    assert both > rule_alone  # the chances: not up by noon happened a third of last month


@pytest.mark.parametrize("sensitivity", ["low", "normal", "high"])
def test_the_chances_never_bring_a_level_forward(sensitivity: str) -> None:
    house, days = synthetic(sensitivity=sensitivity)
    monday = days[-1].day + timedelta(days=1)
    for quarter in range(0, 24 * 4, 3):
        start = local(monday, quarter / 4)
        with_chances = from_dict(synthetic_settings(sensitivity), to_dict(house), SEOUL, ZONE_NAME)
        motion(with_chances, start)
        plain = without_chances(with_chances)
        limits = (12 * 3600.0, 24 * 3600.0)
        since = with_chances.quiet_since.timestamp()
        both = with_chances.routine.crossings(since, limits)
        rule = plain.routine.crossings(since, limits)
        assert both[0] >= rule[0]
        assert both[1] >= rule[1]


def test_an_older_saved_routine_learns_chances_before_they_judge() -> None:
    house, days = synthetic()
    plain = without_chances(house)
    assert plain.routine.save()["chances"] == {"noted": 0, "cells": {}}
    monday = days[-1].day + timedelta(days=1)
    for offset in range(int(READY_DAYS)):
        Day(monday + timedelta(days=offset), 6.5, 13.0, 1.0, 22.0).live(plain)
    saved = plain.routine.save()["chances"]
    assert saved["noted"] >= READY_DAYS * 48 - 48
    assert len(saved["cells"]) == PROFILE_SLOTS


def test_saved_chances_come_back_the_same() -> None:
    house, days = synthetic()
    copy = from_dict(house.settings, json.loads(json.dumps(to_dict(house))), SEOUL, ZONE_NAME)
    bed = local(days[-1].day, 22.0).timestamp()
    for chance in (0.2, 0.05):
        assert copy.routine.improbable_after(bed, chance, 86400.0) == pytest.approx(
            house.routine.improbable_after(bed, chance, 86400.0), abs=1.0
        )


DAMAGED: list[Any] = [
    "chances",
    {"noted": -1, "cells": {}},
    {"noted": True, "cells": {}},
    {"noted": 3, "cells": []},
    {"noted": 3, "cells": {"96": [0] * 10}},
    {"noted": 3, "cells": {"x": [0] * 10}},
    {"noted": 3, "cells": {"4": [0] * 9}},
    {"noted": 3, "cells": {"4": [10, 20, 0, 0, 0, 0, 0, 0, 0, 0]}},  # ended more than began
    {"noted": 3, "cells": {"4": [1e9, 0, 0, 0, 0, 0, 0, 0, 0, 0]}},
    {"noted": 3, "cells": {"4": ["1", 0, 0, 0, 0, 0, 0, 0, 0, 0]}},
    {"noted": 3, "cells": {"4": [1.5, 0, 0, 0, 0, 0, 0, 0, 0, 0]}},  # tenths are whole
    {"noted": 3, "cells": {"4": [-1, 0, 0, 0, 0, 0, 0, 0, 0, 0]}},
]


@pytest.mark.parametrize("damage", DAMAGED)
def test_damaged_chances_are_refused_whole(damage: Any) -> None:
    house, _ = synthetic()
    data = json.loads(json.dumps(to_dict(house)))
    data["routine"]["chances"] = damage
    with pytest.raises(StateError):
        from_dict(house.settings, data, SEOUL, ZONE_NAME)


def test_the_table_stays_the_same_size_however_long_it_learns() -> None:
    chances = Chances(PROFILE_SLOTS)
    for step in range(200_000):
        chances.note(step % PROFILE_SLOTS, (step * 997) % 50_000, broken=step % 3 == 0)
    size = len(json.dumps(chances.save()))
    assert size < 8000
    for cell in chances.save()["cells"].values():
        assert all(0 <= value <= 200 for value in cell)
