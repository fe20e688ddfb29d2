"""Engine and HTTP benchmarks; never part of the default test run."""
