"""Benchmarks with their targets; each prints a table (run as `python -m bench.<name>`)."""
