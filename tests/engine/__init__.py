"""Engine tests: plain pytest, no Home Assistant."""
