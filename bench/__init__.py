"""Benchmarks with generated data. Run with `make bench`; never part of `make test`."""
