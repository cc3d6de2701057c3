"""Development-only pieces: a real Home Assistant with a simulated household.

Nothing here ships with the integration. `scripts/develop` runs `python -m demo`; the
end-to-end tests start their servers with `demo.server`.
"""
