"""Benchmarks of the starters against the bare frameworks: ``python -m benchmarks``."""
