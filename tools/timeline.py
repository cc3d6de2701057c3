"""Print the replay's JSON Lines as a readable care-level timeline (stdin to stdout)."""

from __future__ import annotations

import json
import sys


def describe(line: str) -> str:
    """One replay output line in words."""
    item = json.loads(line)
    if item.get("kind") == "activity":
        return f"{item['time']}  activity  {item['entity_id']}"
    return f"{item['time']}  {item['previous_level']:>9} -> {item['level']:<9}  ({item['reason']})"


def main() -> None:
    for line in sys.stdin:
        if line.strip():
            print(describe(line))


if __name__ == "__main__":
    main()
