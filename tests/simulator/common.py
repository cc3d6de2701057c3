"""Helpers shared by the simulator tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from simulator import PROFILES, Reading, Simulation

# Local midnight in Seoul on a Monday in March.
START = datetime(2026, 3, 1, 15, tzinfo=UTC)


def simulation(
    profile: str = "early_riser", seed: int = 3, stop_at: datetime | None = None
) -> Simulation:
    return Simulation(PROFILES[profile], seed=seed, start=START, stop_at=stop_at)


def readings(
    profile: str = "early_riser", days: float = 7, seed: int = 3, stop_at: datetime | None = None
) -> list[Reading]:
    return list(simulation(profile, seed, stop_at).readings(START + timedelta(days=days)))


def power(state: str) -> float:
    return float(state)
