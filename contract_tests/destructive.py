"""Deleting is destructive: the suite deletes only the tasks its target names (`Target.deletable_tasks`).

`aim_deletes` runs on every case the suite sends, whatever the phase. A DeleteBackgroundTask whose
IDs are well-formed (a server would act on them) but not one of the target's deletable tasks is
re-aimed at a task ID no server holds, so it answers 404: neither fuzzing nor a link from a listing
ever deletes a task nobody offered. Malformed IDs are left alone: the server refuses them with 400
before looking anything up. Against a BASE_URL the target names no task unless destructive
operations are explicitly allowed (ALLOW_DESTRUCTIVE=1 with DCS_DESTRUCTIVE_TASKS, see
`staging_config`); without one, the operation is not tested at all (`schema.build_schema` excludes it).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from schemathesis import Case

from .spec_file import spec_document
from .target import KnownTask, Target, absent_tasks, names_one_of

DELETE = "DELETE"
_FIELDS = KnownTask._fields


@functools.cache
def _resource_id() -> re.Pattern[str]:
    """The spec's ResourceId pattern: what a server would take as an ID."""
    return re.compile(spec_document()["components"]["schemas"]["ResourceId"]["pattern"])


def aim_deletes(case: Case[Any], target: Target) -> None:
    """Re-aim a DELETE the target did not offer at an absent task (in place; other cases untouched)."""
    params = case.path_parameters or {}
    values = tuple(params.get(name) for name in _FIELDS)
    if case.operation.method.upper() != DELETE or names_one_of(params, target.deletable_tasks):
        return
    if all(isinstance(value, str) and _resource_id().fullmatch(value) for value in values):
        _aim_at_absent(case)


def aim_away(case: Case[Any], tasks: tuple[KnownTask, ...]) -> None:
    """Re-aim a request for one of `tasks` at an absent task (in place), whatever its method."""
    if names_one_of(case.path_parameters, tasks):
        _aim_at_absent(case)


def _aim_at_absent(case: Case[Any]) -> None:
    params = case.path_parameters or {}
    case.path_parameters = {**params, "task_id": absent_tasks(str(params.get("project_id", "")), ())[0].task_id}
