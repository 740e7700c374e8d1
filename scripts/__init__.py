"""Tooling run as modules (`python -m scripts.generate`, `scripts.publish`, the benchmarks)."""
