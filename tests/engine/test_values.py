"""Raw state strings: a trusted number, or the reason the reading says nothing."""

from __future__ import annotations

import pytest

from custom_components.care_plug.engine.values import Fault, parse_number


@pytest.mark.parametrize(
    ("state", "expected"),
    [("0", 0.0), ("0.0", 0.0), ("80", 80.0), ("12.5", 12.5), (" 42 ", 42.0), ("1e3", 1000.0)],
)
def test_accepts_finite_non_negative_numbers(state: str, expected: float) -> None:
    assert parse_number(state, 10_000.0) == expected


def test_accepts_the_maximum_itself() -> None:
    assert parse_number("10000", 10_000.0) == 10_000.0


@pytest.mark.parametrize("state", ["unavailable", "unknown", "", "  ", "None", "UNAVAILABLE"])
def test_home_assistant_no_value_states_are_unavailable(state: str) -> None:
    assert parse_number(state, 10_000.0) is Fault.UNAVAILABLE


@pytest.mark.parametrize(
    "state",
    [
        "nan",
        "NaN",
        "inf",
        "-inf",
        "Infinity",
        "-5",
        "-0.1",
        "1e400",
        "10000.5",
        "abc",
        "80 W",
        "on",
    ],
)
def test_garbage_negative_non_finite_and_absurd_values_are_invalid(state: str) -> None:
    assert parse_number(state, 10_000.0) is Fault.INVALID
