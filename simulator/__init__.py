"""A simulated resident and home: readings for tests, the demo and the benchmarks.

    sim = Simulation(PROFILES["early_riser"], seed=3, start=..., stop_at=None)
    write_history_csv(sim.readings(until), "history.csv")

See docs/simulator.md.
"""

from .history import iso_time, write_history_csv
from .household import Simulation
from .model import EntitySpec, Reading
from .profiles import PROFILES, Profile

__all__ = [
    "PROFILES",
    "EntitySpec",
    "Profile",
    "Reading",
    "Simulation",
    "iso_time",
    "write_history_csv",
]
