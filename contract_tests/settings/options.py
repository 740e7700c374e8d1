"""`SuiteOptions`: what one run is given besides its target: its seed and budget, the staging knobs it applies, and
the knobs only the benchmarks and proofs set (send nothing, keep going past failures, how to sleep, another spec).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..spec.document import SPEC_PATH


@dataclass(frozen=True)
class SuiteOptions:
    seed: int
    max_examples: int
    # Benchmark knobs: generate without sending (the ceiling), or keep going past failures so runs
    # against servers that fail some checks (Prism's mock) still send every case.
    send: bool = True
    stop_on_failure: bool = True
    # Staging knobs (`settings.knobs.RunKnobs`): per-request timeout, pacing, wall-clock budget, and
    # whether probes may send failing signatures with the configured AK.
    request_timeout: float = 30.0
    rate_limit: float | None = None
    max_time: float | None = None
    auth_probes: bool = True
    sleep: Callable[[float], None] = time.sleep  # how the suite waits (Retry-After, pacing); tests inject one
    spec_path: Path = SPEC_PATH  # the spec the target is tested against (a test's copy may add operations)

    @property
    def slow_after(self) -> float:
        """Responses at least this slow are listed as a warning (never a failure below the timeout)."""
        return min(5.0, self.request_timeout / 2)
