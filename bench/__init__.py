"""Benchmarks (`make bench`): never part of `make test`'s pass or fail."""
