"""The replay command: a downloaded history through the engine, without Home Assistant.

    python -m custom_components.care_plug.replay --options OPTIONS.json --events HISTORY.csv

See docs/replay.md; the command's arguments and output are a contract
(docs/architecture.md, "The replay command").
"""

from .command import iso, main, replay

__all__ = ["iso", "main", "replay"]
