"""A simulated resident and home: readings for tests, the demo and the benchmarks."""
