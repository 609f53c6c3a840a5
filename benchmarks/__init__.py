"""Benchmarks: each module's ``run()`` times ours against a baseline in the same process."""
