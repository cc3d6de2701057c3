"""Care Plug demo residents: simulated homes whose entities follow a simulated person.

Development only (scripts/develop links it into the demo's configuration). Each home's
power, illuminance and motion states come from the repository's `simulator` package,
replayed `speed` times faster than real time; a switch per home incapacitates its
resident.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

import probatio
from homeassistant.const import EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.discovery import async_load_platform
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.typing import ConfigType
from homeassistant.util import dt as dt_util

from .resident import Clock, Resident

DOMAIN: Final = "care_plug_demo"
DATA_RESIDENTS: Final = "care_plug_demo_residents"
CLOCK_ENTITY: Final = "sensor.care_plug_demo_simulated_time"
TICK: Final = timedelta(seconds=1)

HOME_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required("name"): cv.string,
        probatio.Required("prefix"): cv.slug,
        probatio.Optional("profile", default="homebody_motion"): cv.string,
        probatio.Optional("seed", default=3): cv.positive_int,
    }
)
CONFIG_SCHEMA: Final = probatio.Schema(
    {
        DOMAIN: probatio.Schema(
            {
                probatio.Optional("speed", default=10): probatio.All(
                    probatio.Coerce(float), probatio.Range(min=1, max=3600)
                ),
                # The simulated local time when the demo starts: a morning, so the
                # resident is up and about whatever the real hour is.
                probatio.Optional("start_time", default="08:00"): cv.time,
                probatio.Required("homes"): [HOME_SCHEMA],
            }
        )
    },
    extra=probatio.ALLOW_EXTRA,
)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    conf: dict[str, Any] = config[DOMAIN]
    zone = ZoneInfo(hass.config.time_zone)
    real_origin = dt_util.utcnow()
    sim_origin = datetime.combine(
        real_origin.astimezone(zone).date(), conf["start_time"], tzinfo=zone
    )
    clock = Clock(real_origin=real_origin, sim_origin=sim_origin, speed=conf["speed"])

    @callback
    def write(entity_id: str, state: str, attributes: dict[str, Any]) -> None:
        hass.states.async_set(entity_id, state, attributes)

    residents = [
        Resident(
            name=home["name"],
            prefix=home["prefix"],
            profile=home["profile"],
            seed=home["seed"],
            clock=clock,
            latitude=hass.config.latitude,
            longitude=hass.config.longitude,
            time_zone=hass.config.time_zone,
            write=write,
        )
        for home in conf["homes"]
    ]
    hass.data[DATA_RESIDENTS] = residents

    @callback
    def tick(now: datetime) -> None:
        for resident in residents:
            resident.advance(now)
        sim_now = clock.sim(now).astimezone(zone)
        hass.states.async_set(
            CLOCK_ENTITY,
            sim_now.strftime("%a %H:%M"),
            {"friendly_name": "Simulated time", "icon": "mdi:clock-fast", "speed": clock.speed},
        )

    tick(real_origin)
    cancel = async_track_time_interval(hass, tick, TICK, name="care_plug_demo tick")

    @callback
    def stop(_: Event) -> None:
        cancel()

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, stop)
    hass.async_create_task(async_load_platform(hass, Platform.SWITCH, DOMAIN, {}, config))
    return True
