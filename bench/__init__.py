"""Benchmarks of Neue Wege; run them with `make bench` (see bench/run.py)."""
