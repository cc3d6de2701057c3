"""The simulator's output types and the entities a simulated home can have."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

TV = "sensor.tv_plug_power"
KETTLE = "sensor.kettle_plug_power"
RICE_COOKER = "sensor.rice_cooker_plug_power"
MICROWAVE = "sensor.microwave_plug_power"
FRIDGE = "sensor.fridge_plug_power"
ILLUMINANCE = "sensor.living_room_illuminance"
MOTION = "binary_sensor.living_room_motion"


@dataclass(frozen=True, slots=True)
class Reading:
    """One state change as Home Assistant records it: `state` as the UI shows it."""

    time: datetime
    entity_id: str
    state: str


@dataclass(frozen=True, slots=True)
class EntitySpec:
    """An entity of the simulated home, with its Care Plug role."""

    entity_id: str
    name: str
    unit: str | None
    device_class: str
    role: str
    """Care Plug options key without `_sources`: power, background_power, light, presence."""


ENTITY_SPECS: dict[str, EntitySpec] = {
    spec.entity_id: spec
    for spec in (
        EntitySpec(TV, "TV plug power", "W", "power", "power"),
        EntitySpec(KETTLE, "Kettle plug power", "W", "power", "power"),
        EntitySpec(RICE_COOKER, "Rice cooker plug power", "W", "power", "power"),
        EntitySpec(MICROWAVE, "Microwave plug power", "W", "power", "power"),
        EntitySpec(FRIDGE, "Fridge plug power", "W", "power", "background_power"),
        EntitySpec(ILLUMINANCE, "Living room illuminance", "lx", "illuminance", "light"),
        EntitySpec(MOTION, "Living room motion", None, "motion", "presence"),
    )
}


class Segment(NamedTuple):
    """A stretch of time an appliance spends in one mode (`kind`), in Unix seconds."""

    start: float
    end: float
    kind: str


type Row = tuple[int, str, str]
"""(Unix time in milliseconds, entity id, state): a reading before it becomes a Reading."""

type Interval = tuple[float, float]
"""(start, end) in Unix seconds."""
