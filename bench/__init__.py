"""Benchmarks with targets (issue 7): `python -m bench.run_all [--smoke]`; docs/performance.md has the figures."""
