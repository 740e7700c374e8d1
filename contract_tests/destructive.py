"""Changing state is destructive: a state-changing request (`api_spec.changes_state`: POST, PUT, PATCH,
DELETE) goes only to the tasks the target offers for that operation (`Target.changeable`).

`aim_state_change` runs on every case the suite sends, whatever the phase, and says what it did (`Aim`). A
state-changing request whose IDs are well-formed (a server would act on them) but do not name a task offered
for its operation is re-aimed at a task ID no server holds, so it answers 404 (or 403 in a project the
credentials may not use): neither fuzzing nor a link from a listing ever changes a task nobody offered.
Malformed IDs are left alone: the server refuses them with 400 before looking anything up (the suite never
puts a known ID into a malformed path, so none can name a real task). A state-changing operation without a
task ID in its path cannot be re-aimed; against a BASE_URL it is withheld (`staging_config.may_send`).
Against a BASE_URL the target offers nothing unless state-changing requests are explicitly allowed
(ALLOW_DESTRUCTIVE=1 with DCS_DESTRUCTIVE_TASKS, see `staging_config`); without, those operations are not
tested at all (`schema.build_schema` leaves them out).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from schemathesis import Case

from .api_spec import ApiSpec, changes_state
from .target import ABSENT_TASK, KnownTask, Target, names_one_of


class Aim(StrEnum):
    """What `aim_state_change` found (and did) for one request."""

    READ = "read"  # not state-changing
    CHANGEABLE = "changeable"  # names a task the target offers for this operation: sent as is
    REAIMED = "re-aimed"  # well-formed IDs of a task not offered: now aimed at an absent task
    MALFORMED = "malformed"  # an ID the server must refuse before any lookup: sent as is
    UNAIMABLE = "unaimable"  # well-formed IDs and no task ID to re-aim: withheld from a remote target


def aim_state_change(case: Case[Any], target: Target, spec: ApiSpec) -> Aim:
    """Re-aim a state-changing request the target did not offer at an absent task (in place)."""
    if not changes_state(case.operation.method):
        return Aim.READ
    params = case.path_parameters or {}
    operation_id = str(case.operation.definition.raw.get("operationId", ""))
    operation = spec.operation(operation_id)
    names = operation.id_parameters if operation is not None else ()
    if "task_id" in names and names_one_of(params, target.changeable_for(operation_id)):
        return Aim.CHANGEABLE
    if not all(isinstance(params.get(name), str) and spec.resource_id.fullmatch(params[name]) for name in names):
        return Aim.MALFORMED
    if "task_id" not in names:
        return Aim.UNAIMABLE
    _aim_at_absent(case)
    return Aim.REAIMED


def aim_away(case: Case[Any], tasks: tuple[KnownTask, ...]) -> None:
    """Re-aim a request for one of `tasks` at an absent task (in place), whatever its method."""
    if names_one_of(case.path_parameters, tasks):
        _aim_at_absent(case)


def _aim_at_absent(case: Case[Any]) -> None:
    case.path_parameters = {**(case.path_parameters or {}), "task_id": ABSENT_TASK}
