"""A simulated resident driving Home Assistant states, with a clock faster than real time.

Plain Python apart from the state writer it is given, so the clock arithmetic can be read
(and tested) without Home Assistant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from simulator import PROFILES, Reading, Simulation

type StateWriter = Callable[[str, str, dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class Clock:
    """Simulated time runs `speed` times faster than wall-clock time from a common origin."""

    real_origin: datetime
    sim_origin: datetime
    speed: float

    def sim(self, real: datetime) -> datetime:
        return self.sim_origin + (real - self.real_origin) * self.speed


def rename(entity_id: str, prefix: str) -> str:
    """The simulator names one home's entities; each demo home gets its own prefix."""
    domain, object_id = entity_id.split(".", 1)
    return f"{domain}.{prefix}_{object_id}"


class Resident:
    """One simulated home: its entities follow the resident until incapacitated."""

    def __init__(
        self,
        *,
        name: str,
        prefix: str,
        profile: str,
        seed: int,
        clock: Clock,
        latitude: float,
        longitude: float,
        time_zone: str,
        write: StateWriter,
    ) -> None:
        self.name = name
        self.prefix = prefix
        self.profile = PROFILES[profile]
        self.seed = seed
        self.clock = clock
        self._latitude, self._longitude, self._time_zone = latitude, longitude, time_zone
        self._write = write
        self._recoveries = 0
        self.sim = self._simulation(clock.sim_origin)
        self._attributes = {
            rename(spec.entity_id, prefix): {
                "friendly_name": f"{name}: {spec.name}",
                "device_class": spec.device_class,
                **(
                    {"unit_of_measurement": spec.unit, "state_class": "measurement"}
                    if spec.unit
                    else {}
                ),
            }
            for spec in self.sim.entities()
        }

    def _simulation(self, start: datetime) -> Simulation:
        return Simulation(
            self.profile,
            seed=self.seed + 1000 * self._recoveries,
            start=start,
            latitude=self._latitude,
            longitude=self._longitude,
            time_zone=self._time_zone,
        )

    @property
    def incapacitated(self) -> bool:
        return self.sim.stop_at is not None

    def options(self) -> dict[str, list[str]]:
        """The Care Plug sources of this home, in their roles."""
        return {
            key: [rename(entity_id, self.prefix) for entity_id in entity_ids]
            for key, entity_ids in self.sim.options().items()
        }

    def advance(self, real_now: datetime) -> int:
        """Write every reading the resident made up to now; returns how many."""
        count = 0
        for reading in self._due(real_now):
            entity_id = rename(reading.entity_id, self.prefix)
            self._write(entity_id, reading.state, self._attributes[entity_id])
            count += 1
        return count

    def _due(self, real_now: datetime) -> Iterator[Reading]:
        return self.sim.readings(self.clock.sim(real_now))

    def incapacitate(self, real_now: datetime) -> None:
        """From now on the resident does nothing; the fridge and the daylight go on."""
        self.sim.stop_at = self.clock.sim(real_now)

    def recover(self, real_now: datetime) -> None:
        """The resident is back on their feet: a new life from now, the home as it is."""
        self._recoveries += 1
        # A millisecond on, so no reading of the old simulation is repeated.
        self.sim = self._simulation(self.clock.sim(real_now) + timedelta(milliseconds=1))
