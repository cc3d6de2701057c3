"""How a household is shown to people: sentences, event payloads, the status as JSON."""
