"""Residents' routines: when they get up, eat, watch TV, go out and go to bed.

Times are local hours after midnight (25.0 is 01:00 the next morning); each `spread` is
the standard deviation of a normal draw, so one routine gives different days.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import FRIDGE, ILLUMINANCE, KETTLE, MICROWAVE, MOTION, RICE_COOKER, TV

WEEKDAYS = frozenset(range(5))
EVERY_DAY = frozenset(range(7))


@dataclass(frozen=True, slots=True)
class Meal:
    """A meal that happens with `probability`, and the appliances it may use."""

    name: str
    hour: float
    spread: float
    probability: float
    kettle: float = 0.0
    """Probability that the kettle boils for this meal."""
    microwave: float = 0.0
    rice_cooker: float = 0.0
    """Probability that rice is cooked for this meal (then kept warm)."""


@dataclass(frozen=True, slots=True)
class Outing:
    """Time out of the home: shopping, a day centre, a walk."""

    name: str
    probability: float
    hour: float
    spread: float
    hours: float
    hours_spread: float
    days: frozenset[int] = EVERY_DAY
    """Weekdays (Monday is 0) on which it can happen."""


@dataclass(frozen=True, slots=True)
class TvSession:
    """TV watching; `hours` None means until bedtime."""

    name: str
    probability: float
    hour: float
    spread: float
    hours: float | None
    hours_spread: float = 0.5


@dataclass(frozen=True, slots=True)
class Profile:
    """One resident's routine and the sensors of their home."""

    name: str
    description: str
    entities: tuple[str, ...]
    wake: float
    wake_spread: float
    bedtime: float
    bedtime_spread: float
    weekend_shift: float
    """Hours added to Saturday's and Sunday's waking and Friday's and Saturday's bedtime."""
    meals: tuple[Meal, ...]
    tv: tuple[TvSession, ...]
    outings: tuple[Outing, ...] = ()
    kettle_extra: float = 0.0
    """Mean number of kettle uses a day besides meals (tea, a hot-water bottle)."""
    microwave_extra: float = 0.0
    nap_probability: float = 0.0
    nap_hour: float = 13.5
    nap_minutes: float = 45.0
    night_away: float = 0.02
    """Probability of spending a given night away (visiting family)."""
    saturday_away: float = 0.0
    """Probability of leaving on a Saturday for the night (overrides night_away then)."""
    two_nights: float = 0.1
    """Share of nights away that last two nights."""
    keep_warm_hours: float = 5.0
    lamp_lux: float = 90.0
    window_factor: float = 0.006
    """Indoor share of outdoor daylight at the light sensor."""
    lamp_elevation: float = 3.0
    """Sun elevation (degrees, on a clear day) below which the resident wants the lamp."""
    night_trips: float = 1.0
    """Mean number of times the resident gets up in the night (seen by a motion sensor)."""
    room_share: float = 0.6
    """Share of waking time at home spent in the room with the motion sensor."""


_BASE = (TV, FRIDGE, ILLUMINANCE)

PROFILES: dict[str, Profile] = {
    profile.name: profile
    for profile in (
        Profile(
            name="early_riser",
            description="Up about 05:30, in bed about 21:00; tea all day, rice most days.",
            entities=(KETTLE, RICE_COOKER, *_BASE),
            wake=5.5,
            wake_spread=0.35,
            bedtime=21.0,
            bedtime_spread=0.4,
            weekend_shift=0.25,
            meals=(
                Meal("breakfast", 6.4, 0.3, 0.95, kettle=0.9, rice_cooker=0.3),
                Meal("lunch", 12.0, 0.4, 0.85, kettle=0.4),
                Meal("dinner", 17.6, 0.4, 0.9, kettle=0.3, rice_cooker=0.5),
            ),
            tv=(
                TvSession("morning news", 0.6, 6.0, 0.3, 0.8),
                TvSession("afternoon", 0.3, 15.0, 0.8, 1.2),
                TvSession("evening", 0.85, 18.5, 0.4, None),
            ),
            outings=(
                Outing("market", 0.5, 9.5, 1.0, 1.5, 0.5),
                Outing("senior centre", 0.7, 13.5, 0.3, 3.0, 0.5, frozenset({1, 3})),
            ),
            kettle_extra=3.5,
            nap_probability=0.4,
            nap_hour=13.0,
            keep_warm_hours=6.0,
            lamp_lux=90.0,
            window_factor=0.006,
        ),
        Profile(
            name="night_owl",
            description="Up about 10:00, TV until about 01:00; microwave meals, late snacks.",
            entities=(MICROWAVE, *_BASE),
            wake=10.0,
            wake_spread=0.6,
            bedtime=25.0,
            bedtime_spread=0.5,
            weekend_shift=0.5,
            meals=(
                Meal("brunch", 11.0, 0.5, 0.9, microwave=0.7),
                Meal("dinner", 19.5, 0.6, 0.85, microwave=0.8),
                Meal("late snack", 23.2, 0.5, 0.5, microwave=0.9),
            ),
            tv=(
                TvSession("afternoon", 0.5, 14.5, 1.0, 2.0, 0.8),
                TvSession("evening", 0.95, 20.0, 0.5, None),
            ),
            outings=(Outing("shopping", 0.35, 15.5, 1.5, 1.5, 0.6),),
            microwave_extra=0.8,
            night_away=0.03,
            lamp_lux=120.0,
            window_factor=0.005,
        ),
        Profile(
            name="irregular",
            description="No fixed hours: wide day-to-day spread, frequent and long outings.",
            entities=(KETTLE, MICROWAVE, *_BASE),
            wake=7.5,
            wake_spread=1.5,
            bedtime=23.0,
            bedtime_spread=1.3,
            weekend_shift=0.0,
            meals=(
                Meal("breakfast", 8.5, 1.5, 0.7, kettle=0.7, microwave=0.2),
                Meal("lunch", 12.5, 1.0, 0.6, microwave=0.6),
                Meal("dinner", 18.5, 1.2, 0.75, kettle=0.2, microwave=0.6),
            ),
            tv=(TvSession("evening", 0.7, 19.5, 1.5, None),),
            outings=(
                Outing("morning out", 0.5, 10.0, 2.0, 2.0, 1.5),
                Outing("afternoon out", 0.5, 15.0, 2.0, 2.5, 2.0),
            ),
            kettle_extra=1.5,
            microwave_extra=0.5,
            nap_probability=0.3,
            night_away=0.04,
            lamp_lux=70.0,
            window_factor=0.008,
            lamp_elevation=1.0,
        ),
        Profile(
            name="homebody_motion",
            description="Rarely goes out; a motion sensor in the living room; naps most days.",
            entities=(KETTLE, RICE_COOKER, *_BASE, MOTION),
            wake=6.8,
            wake_spread=0.5,
            bedtime=22.0,
            bedtime_spread=0.5,
            weekend_shift=0.3,
            meals=(
                Meal("breakfast", 7.5, 0.4, 0.9, kettle=0.8, rice_cooker=0.2),
                Meal("lunch", 12.3, 0.4, 0.9, kettle=0.3),
                Meal("dinner", 18.0, 0.5, 0.9, rice_cooker=0.6),
            ),
            tv=(
                TvSession("morning", 0.5, 8.5, 0.5, 1.0),
                TvSession("afternoon", 0.6, 14.5, 0.8, 2.0, 0.8),
                TvSession("evening", 0.95, 19.0, 0.4, None),
            ),
            outings=(Outing("short walk", 0.15, 10.5, 1.0, 1.0, 0.4),),
            kettle_extra=2.0,
            nap_probability=0.6,
            nap_hour=13.5,
            nap_minutes=60.0,
            night_away=0.01,
            night_trips=1.5,
            lamp_lux=110.0,
            window_factor=0.005,
        ),
        Profile(
            name="weekend_family",
            description="Day centre on weekdays; away at family's most Saturday nights.",
            entities=(KETTLE, MICROWAVE, RICE_COOKER, *_BASE),
            wake=7.0,
            wake_spread=0.4,
            bedtime=22.5,
            bedtime_spread=0.4,
            weekend_shift=0.75,
            meals=(
                Meal("breakfast", 7.6, 0.3, 0.9, kettle=0.8, microwave=0.2),
                Meal("lunch", 12.5, 0.5, 0.9, microwave=0.5),
                Meal("dinner", 18.5, 0.5, 0.85, microwave=0.4, rice_cooker=0.5),
            ),
            tv=(TvSession("evening", 0.85, 19.3, 0.5, None),),
            outings=(
                Outing("day centre", 0.85, 9.0, 0.25, 7.0, 0.5, WEEKDAYS),
                Outing("church", 0.5, 10.5, 0.3, 2.5, 0.5, frozenset({6})),
            ),
            kettle_extra=1.0,
            saturday_away=0.75,
            two_nights=0.0,
            night_away=0.02,
            lamp_lux=80.0,
            window_factor=0.007,
        ),
        Profile(
            name="municipal_plug",
            description="Only a TV plug and a light sensor, as municipal care-plug kits have.",
            entities=(TV, ILLUMINANCE),
            wake=6.5,
            wake_spread=0.5,
            bedtime=22.5,
            bedtime_spread=0.5,
            weekend_shift=0.0,
            meals=(),
            tv=(
                TvSession("morning", 0.8, 7.0, 0.4, 2.0, 0.6),
                TvSession("afternoon", 0.7, 14.0, 1.0, 2.5, 1.0),
                TvSession("evening", 0.95, 18.5, 0.5, None),
            ),
            outings=(Outing("errands", 0.4, 10.5, 1.0, 1.5, 0.6),),
            nap_probability=0.3,
            night_away=0.02,
            lamp_lux=60.0,
            window_factor=0.006,
        ),
    )
}
