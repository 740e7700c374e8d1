"""The one rule of which documented statuses a run must reach of a target, per operation and cause
(`requirements`): each status the spec documents for an operation, wherever the suite can provoke it there."""

from __future__ import annotations

from dataclasses import dataclass

from ..spec.api import ApiSpec, OperationSpec
from ..spec.ids import id_key
from .model import Target


@dataclass(frozen=True)
class Requirement:
    """A run must reach one of `statuses` for `operation_id` (the suite can provoke it: `cause`), unless every
    task it `needs` (lower-cased ID triples) was deleted by the run before (a deletion offered the same task)."""

    operation_id: str
    statuses: frozenset[int]
    cause: str
    needs: frozenset[tuple[str, ...]] = frozenset()

    def label(self) -> str:
        return f"{self.operation_id} {'/'.join(map(str, sorted(self.statuses)))} ({self.cause})"


def requirements(target: Target, spec: ApiSpec) -> tuple[Requirement, ...]:
    """The documented statuses a run must reach, per operation: the one place this is decided.

    Each status the spec documents for an operation is required when the suite can provoke it there:
    a success (any documented 2xx) from a readable task (a read operation) or a task it may change (a
    state-changing one), unless that task (or, for a listing, its instance) is known to fail there; 400 from
    a malformed ID in the path (or a bad query value); 401 unsigned; 403 from another project's task on the
    emulator (a remote server may hide it with 404); 404 from an absent ID; 500 from a task (or instance)
    known to fail on that operation (a real server has none unless DCS_FAULTY_TASKS names one). 429 is never
    required, nor anything of a state-changing operation no task is offered to (it is not tested).
    """
    return tuple(need for operation in spec.operations for need in _requirements(target, operation))


def _requirements(target: Target, operation: OperationSpec) -> list[Requirement]:
    op, names = operation.operation_id, operation.id_parameters
    tasks = target.anchors(operation)
    if operation.changes_state and not tasks:
        return []  # offered no task, it is left out of the run (`phases.cases.build_schema`)
    failing = target.faulty_keys(operation)
    tasks = target.not_faulty(operation, tasks)
    success = ("a task it may change" if operation.changes_state else "a readable task") if tasks else ""
    causes = {
        400: "a malformed ID" if names else ("an invalid query value" if operation.query_parameters else ""),
        401: "an unsigned request",
        403: "another project's task" if names and target.foreign_tasks and not target.remote else "",
        404: "an absent ID" if names else "",
        500: f"a{' task' if operation.takes_task else 'n instance'} known to fail there" if failing else "",
    }
    changeable = (
        frozenset(id_key(task.as_path_parameters()) for task in tasks) if operation.changes_state else frozenset()
    )
    needs = (
        [Requirement(op, operation.success_statuses, success, changeable)]
        if success and operation.success_statuses
        else []
    )
    needs += [Requirement(op, frozenset({status}), causes[status]) for status in sorted(causes) if causes[status]]
    return [need for need in needs if need.statuses <= operation.status_codes]
