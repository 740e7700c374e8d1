"""`make test`'s deterministic slice of the contract suite: a fixed seed and a budget that keeps it to seconds."""

from __future__ import annotations

from contract_tests.settings.options import SuiteOptions

SLICE_OPTIONS = SuiteOptions(seed=20240101, max_examples=60)
