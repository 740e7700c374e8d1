"""What every test shares: none of the developer's own DCS settings leak into a test."""

from __future__ import annotations

import os

import pytest
from dcs_tasks.lib.variables import PROFILE_FILE_VARIABLE, VARIABLES


@pytest.fixture(autouse=True)
def no_configuration_from_the_developer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset every variable the SDK's configuration reads, and point the profile file at an empty one.

    A test that wants a setting sets it; ``~/.huaweicloud/credentials`` is never read.
    """
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(PROFILE_FILE_VARIABLE, os.devnull)
