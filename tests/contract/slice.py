"""`make test`'s deterministic slice of the contract suite (a fixed seed and a budget that keeps it to seconds), and
a remote target as `make contract BASE_URL=…` would build it from an environment."""

from __future__ import annotations

from collections.abc import Mapping

from contract_tests.settings.reading import read_settings
from contract_tests.settings.table import Settings
from contract_tests.target.model import Target
from contract_tests.target.remote import remote_target

SLICE_OPTIONS = Settings(seed=20240101, max_examples=60)


def remote(environ: Mapping[str, str], base_url: str = "http://x") -> Target:
    """The target at `base_url` that the settings of `environ` describe."""
    return remote_target(read_settings(["--base-url", base_url], environ))
