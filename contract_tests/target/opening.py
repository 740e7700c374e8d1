"""The target a run tests, built in one direction from its settings (`open_target`): the server at BASE_URL
(`remote.remote_target`), or else the emulator, started for the run and stopped after it
(`emulator.started_emulator`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ..settings.table import Kind, Settings
from .emulator import started_emulator
from .model import Target
from .remote import remote_target


@contextlib.contextmanager
def open_target(settings: Settings) -> Iterator[Target]:
    if settings.kind is Kind.REMOTE:
        yield remote_target(settings)
        return
    with started_emulator(settings) as target:
        yield target
