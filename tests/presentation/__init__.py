"""Tests of how a household is shown: sentences, event payloads, the status as JSON."""
