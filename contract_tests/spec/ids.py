"""`KnownTask`: the path parameters of one task, the one ID-triple type of the suite and the emulator, and how IDs
are compared (`id_key`: hexadecimal, without case).

A neutral module below both: the suite names the tasks a target holds with it, the emulator's scenario names its
tasks with it, and neither has to import the other for it (import-linter contracts in pyproject.toml keep it that
way: this module imports nothing else of `contract_tests`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple


class KnownTask(NamedTuple):
    """Path parameters of a task the target is known to hold (the emulator's scenario names its tasks so too)."""

    project_id: str
    instance_id: str
    task_id: str

    def as_path_parameters(self) -> dict[str, str]:
        return self._asdict()


ID_PARAMETERS: tuple[str, ...] = KnownTask._fields  # the IDs of a task, in path order


def id_key(ids: Mapping[str, object] | None, names: tuple[str, ...] = ID_PARAMETERS) -> tuple[str, ...]:
    """The IDs `names` of a request's path (or a task's), lower-cased: IDs are hexadecimal, compared without case."""
    values = ids or {}
    return tuple(str(values.get(name, "")).lower() for name in names)


def keys_of(tasks: Iterable[KnownTask], names: tuple[str, ...]) -> set[tuple[str, ...]]:
    """The IDs `names` of each of `tasks` that has them all (an instance, with an empty task ID, has no task's)."""
    return {id_key(task.as_path_parameters(), names) for task in tasks if all(getattr(task, name) for name in names)}


def names_one_of(path_parameters: Mapping[str, object] | None, tasks: Iterable[KnownTask]) -> bool:
    """Whether a request's path names one of ``tasks``."""
    return id_key(path_parameters) in keys_of(tasks, ID_PARAMETERS)


def given_ids(task: KnownTask) -> tuple[str, ...]:
    """The IDs a task (or an instance: no task ID) gives, in path order."""
    return tuple(name for name in ID_PARAMETERS if getattr(task, name))
