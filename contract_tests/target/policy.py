"""The send policy: a state-changing request (`spec.api.changes_state`: POST, PUT, PATCH,
DELETE) goes only to the tasks the target offers for that operation (`Target.changeable`).

`aim_state_change` runs on every case the suite sends, whatever the phase, and says what it did (`Aim`). A
state-changing request whose IDs are well-formed (a server would act on them) but do not name a task offered
for its operation is re-aimed at a task ID no server holds, so it answers 404 (or 403 in a project the
credentials may not use): neither fuzzing nor a link from a listing ever changes a task nobody changeable. In the
stateful phase it is aimed instead at a task offered for it on the same instance that the run has not deleted
yet, when there is one (those known to fail there last): a deletion reached along a link from a listing then
deletes a listed task and the links of its answer (the deleted task's progress) are followed too. Schemathesis
cannot resolve the spec's `$response.body#/tasks/*/id` (an explicit link's JSON pointer has no wildcard), so
the listed task's ID it sends is a generated one.
Malformed IDs are left alone: the server refuses them with 400 before looking anything up (the suite never
puts a known ID into a malformed path, so none can name a real task). A state-changing operation without a
task ID in its path cannot be re-aimed; against a BASE_URL it is withheld (`withheld_because`). A read's case sent
with a state-changing method its path does not declare, on a path that declares a state-changing operation (a read
and a deletion sharing a path), is aimed as that operation's own request would be.
Against a BASE_URL the target offers nothing unless state-changing requests are explicitly allowed
(ALLOW_CHANGES=1 with DCS_CHANGEABLE_TASKS, see `target.remote`); without, those operations are not
tested at all (`phases.cases.build_schema` leaves them out).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import StrEnum
from typing import Any

from schemathesis import Case

from ..spec.api import ApiSpec, OperationSpec, changes_state
from ..spec.ids import KnownTask, id_key, names_one_of
from .model import ABSENT_INSTANCE, ABSENT_TASK, Target


class Aim(StrEnum):
    """What `aim_state_change` found (and did) for one request."""

    READ = "read"  # not state-changing
    CHANGEABLE = "changeable"  # names a task the target offers for this operation: sent as is
    REAIMED = "re-aimed"  # well-formed IDs of a task not changeable: now aimed at an absent task
    MALFORMED = "malformed"  # an ID the server must refuse before any lookup: sent as is
    UNAIMABLE = "unaimable"  # well-formed IDs and no task ID to re-aim: withheld from a remote target


def aim_state_change(case: Case[Any], target: Target, spec: ApiSpec, gone: Collection[tuple[str, ...]] = ()) -> Aim:
    """Re-aim a state-changing request the target did not offer at an absent task, or in the stateful phase at an
    offered task of its instance not yet `gone` (deleted by the run), in place."""
    operation = spec.by_label(case.operation.label)
    if not changes_state(case.operation.method):
        operation = _changing_on_path(case, spec)
        if operation is None:
            return Aim.READ
    params = case.path_parameters or {}
    names = operation.id_parameters if operation is not None else ()
    changeable = target.changeable_for(operation.operation_id) if operation is not None else ()
    if "task_id" in names and names_one_of(params, changeable):
        return Aim.CHANGEABLE
    if not all(isinstance(params.get(name), str) and spec.resource_id.fullmatch(params[name]) for name in names):
        return Aim.MALFORMED
    if operation is None or "task_id" not in names:
        return Aim.UNAIMABLE
    stateful = case.meta is not None and case.meta.phase.name.value == "stateful"
    left = _left_on_instance(changeable, params, gone) if stateful else ()
    if left:
        succeeding = target.not_faulty(operation, left)
        case.path_parameters = {**params, "task_id": (succeeding or left)[0].task_id}
        return Aim.CHANGEABLE
    case.path_parameters = {**params, "task_id": ABSENT_TASK}
    return Aim.REAIMED


def _changing_on_path(case: Case[Any], spec: ApiSpec) -> OperationSpec | None:
    """For a read's case sent with a state-changing method it does not declare (Schemathesis' coverage phase sends
    each path's undeclared methods with a case's IDs): the state-changing operation its path declares, whose offers
    and re-aiming then apply, as to that operation's own request; None when the method reads or the path changes
    nothing (the request stays a read: no server changes state for a method the path does not declare)."""
    if not changes_state(case.method):
        return None
    return next((op for op in spec.operations if op.path == case.operation.path and op.changes_state), None)


def _left_on_instance(
    changeable: tuple[KnownTask, ...], params: Mapping[str, object], gone: Collection[tuple[str, ...]]
) -> tuple[KnownTask, ...]:
    """The offered tasks of the request's project and instance that the run has not deleted."""
    instance = ("project_id", "instance_id")
    here = id_key(params, instance)
    return tuple(
        task
        for task in changeable
        if id_key(task.as_path_parameters(), instance) == here and id_key(task.as_path_parameters()) not in gone
    )


def aim_away(case: Case[Any], keys: Collection[tuple[str, ...]], names: tuple[str, ...]) -> None:
    """Re-aim a request whose IDs `names` are one of `keys` (lower-cased) at an absent task, or, for an operation
    on the instance, at an absent instance (in place), whatever its method."""
    if names and id_key(case.path_parameters, names) in keys:
        deepest = names[-1]
        absent = ABSENT_TASK if deepest == "task_id" else ABSENT_INSTANCE
        case.path_parameters = {**(case.path_parameters or {}), deepest: absent}


def withheld_because(target: Target, spec: ApiSpec, method: str, path_template: str, aim: Aim) -> str | None:
    """Why a generated request may not go out (`aim`: what `aim_state_change` made of its IDs); None
    when it may. Reads always go, and so does a state-changing method on a path that declares none (what the
    undeclared-method probes send). Otherwise: never to a read-only target; to the emulator, always (its own
    state, reset with every run); to any other server, only to a task offered for its operation, re-aimed at an
    absent task, or with a malformed ID (refused before any lookup), whether the method is declared or not."""
    declared = spec.declared_methods.get(path_template, frozenset())
    if not changes_state(method) or not any(map(changes_state, declared)):
        return None
    if target.read_only:
        return "read-only: ALLOW_CHANGES is off"
    if target.remote and aim not in (Aim.CHANGEABLE, Aim.REAIMED, Aim.MALFORMED):
        return "no task ID to aim at an absent task"
    return None


def may_send(target: Target, spec: ApiSpec, method: str, path_template: str, aim: Aim) -> bool:
    """Whether a generated request may go out (see `withheld_because`)."""
    return withheld_because(target, spec, method, path_template, aim) is None
