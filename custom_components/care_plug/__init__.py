"""Care Plug: a wellbeing check for people who live alone, from smart plugs and light sensors."""

DOMAIN = "care_plug"
