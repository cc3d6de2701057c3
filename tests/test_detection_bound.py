"""The bound on any detector's speed (benchmarks/detection_bound.py): its arithmetic on
silences whose best answer is known."""

from __future__ import annotations

import pytest

from benchmarks.detection_bound import (
    LONGEST_S,
    Context,
    at_budget,
    frontier,
    judged,
    learned,
)

H = 3600.0


def night_and_nap() -> dict[tuple[object, ...], Context]:
    """Thirty days: nights of 8 h (and one of 11 h), naps of 1 h; one emergency instant
    an hour into a night and one an hour into a nap."""
    return {
        ("night",): Context([8 * H] * 29 + [11 * H], [1 * H]),
        ("nap",): Context([1 * H] * 30, [1 * H]),
    }


def test_without_a_budget_every_silence_waits_for_the_longest_seen() -> None:
    groups = night_and_nap()
    points = frontier(groups, instants=2, days=30.0)
    # No false warning allowed: the night warns after 11 h, the nap after 1 h.
    assert at_budget(points, 0.0) == pytest.approx(((11 - 1) * H + 0.0) / 2)


def test_a_budget_of_one_in_thirty_days_buys_the_long_night() -> None:
    groups = night_and_nap()
    points = frontier(groups, instants=2, days=30.0)
    # One false warning in 30 days: the 11 h night may be warned, so nights warn at 8 h.
    assert at_budget(points, 1 / 30) == pytest.approx((8 - 1) * H / 2)
    choice = learned(points, 1 / 30)
    assert choice[("night",)] == pytest.approx(8 * H)
    assert choice[("nap",)] == pytest.approx(1 * H)


def test_delays_judged_on_other_days_count_their_false_warnings() -> None:
    choice = learned(frontier(night_and_nap(), instants=2, days=30.0), 1 / 30)
    other: dict[tuple[object, ...], Context] = {
        ("night",): Context([9 * H] * 30, [2 * H]),  # later nights: every one is warned
        ("evening",): Context([3 * H] * 30, [0.0]),  # never seen: the fixed threshold
    }
    false, mean = judged(choice, other, instants=2, days=30.0)
    assert false == pytest.approx(30 / 30)
    assert mean == pytest.approx(((8 - 2) * H + LONGEST_S) / 2)
