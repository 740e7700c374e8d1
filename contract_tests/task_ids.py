"""`KnownTask`: the path parameters of one task, the one ID-triple type of the suite and the emulator.

A neutral module below both: the suite names the tasks a target holds with it, the emulator's
scenario names its tasks with it, and neither has to import the other for it (import-linter
contracts in pyproject.toml keep it that way).
"""

from __future__ import annotations

from typing import NamedTuple


class KnownTask(NamedTuple):
    """Path parameters of a task the target is known to hold (the emulator's scenario names its tasks so too)."""

    project_id: str
    instance_id: str
    task_id: str

    def as_path_parameters(self) -> dict[str, str]:
        return self._asdict()
