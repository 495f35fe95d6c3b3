"""Benchmark scenarios, one module per issue's feature area."""
