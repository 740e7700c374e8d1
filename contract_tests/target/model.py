"""What the suite tests: `Target`, a server (an in-process ASGI app or a base URL), how to authenticate with it,
which task IDs exist there and what each must answer, by operation; and `TaskOperations`, a task (or instance)
with the operations an expectation about it applies to.

The emulator describes itself through its scenario (`target.emulator`); any other server through its
configuration (`target.remote`). Secrets live only inside the `requests` auth adapters, which never print them.
Nothing here imports the emulator: a remote target needs none of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from starlette.types import ASGIApp

from ..spec.api import OperationSpec
from ..spec.ids import KnownTask, given_ids, id_key, keys_of
from .auth import AkSkSigner, TargetAuth

# The in-process transport's host: requests never leave the process.
IN_PROCESS_BASE_URL = "http://testserver"
# Well-formed IDs no real or emulated server holds: the all-zero UUID and a run of `f`s.
ABSENT_INSTANCE = "00000000-0000-0000-0000-000000000000"
ABSENT_TASK = "ffffffffffffffffffffffffffffffff"


class TaskOperations(NamedTuple):
    """A task, or an instance (an empty task ID: the instance itself), and the operations (by ID) an expectation
    about it applies to; None: every one it can apply to (see `Target.faulty` and `Target.changeable`)."""

    task: KnownTask
    operations: frozenset[str] | None = None

    def applies_to(self, operation_id: str) -> bool:
        return self.operations is None or operation_id in self.operations

    def fails_on(self, operation: OperationSpec) -> bool:
        """As a task (or instance) known to fail: whether on `operation`. Without operations named, on every read
        operation whose path takes exactly its IDs (a task's progress, an instance's listing)."""
        if self.operations is not None:
            return operation.operation_id in self.operations
        return not operation.changes_state and operation.id_parameters == given_ids(self.task)


def tasks_for(entries: tuple[TaskOperations, ...], operation_id: str) -> tuple[KnownTask, ...]:
    return tuple(entry.task for entry in entries if entry.applies_to(operation_id))


@dataclass(frozen=True)
class Target:
    """A server under test and what the suite knows about it."""

    description: str  # printable: never holds a secret
    base_url: str
    auth: TargetAuth
    app: ASGIApp | None = None  # an ASGI app reached in-process, or None for a real HTTP server
    readable_tasks: tuple[KnownTask, ...] = ()  # the credentials may read these: 200 from every read operation
    foreign_tasks: tuple[KnownTask, ...] = ()  # another project's tasks: never 2xx
    missing_tasks: tuple[KnownTask, ...] = ()  # well-formed IDs that do not exist: 404 expected
    # Tasks whose backend is known to fail on the operations named (the emulator's `internal_error`), and
    # instances (an empty task ID) whose operations on the instance itself fail (a listing): the documented 500
    # expected there, and only there is Schemathesis' `not_a_server_error` excused; a task is readable (200) from
    # any other read operation. A task's entry also names its instance: one failing on a listing fails the
    # listing of its instance. Without operations named, on every read operation whose path takes exactly
    # its IDs (`TaskOperations.fails_on`).
    faulty: tuple[TaskOperations, ...] = ()
    secrets: tuple[str, ...] = field(default=(), repr=False)  # scrubbed from every report the run writes
    # What the probes need (`phases.probes`; set by `target.emulator` and `target.remote.staging_target`):
    foreign_auth: TargetAuth | None = None  # another tenant's credentials: must not read `readable_tasks`
    foreign_readable: tuple[KnownTask, ...] = ()  # what `foreign_auth` may read (200 expected)
    temporary_auth: AkSkSigner | None = None  # credentials with a security token: token probes
    method_rejection: str = "405"  # undeclared methods: "405" (+ Allow), "404" (APIG.0101) or "any" of both
    read_only: bool = False  # send no state-changing request (but the undeclared-method probes)
    # The only tasks the run may change, each with the state-changing operations it may send them (`api_spec.
    # changes_state`): the emulator scenario's `changeable` ones; at a BASE_URL only with ALLOW_CHANGES=1,
    # the DCS_CHANGEABLE_TASKS (every state-changing operation). Any other state-changing request the suite
    # would send is aimed at an absent ID (see `target.policy`).
    changeable: tuple[TaskOperations, ...] = ()
    remote: bool = False  # a server at BASE_URL: shared credentials, and 403 vs 404 for other tenants is its choice

    @property
    def faulty_tasks(self) -> tuple[KnownTask, ...]:
        """The tasks known to fail on some operation (not the instances)."""
        return tuple(entry.task for entry in self.faulty if entry.task.task_id)

    @property
    def changeable_tasks(self) -> tuple[KnownTask, ...]:
        return tuple(entry.task for entry in self.changeable)

    def faulty_for(self, operation: OperationSpec) -> tuple[KnownTask, ...]:
        """The tasks and instances whose backend fails on this operation: 500 expected (for a request naming one
        by every ID the operation takes: `keys_of`)."""
        return tuple(entry.task for entry in self.faulty if entry.fails_on(operation))

    def faulty_keys(self, operation: OperationSpec) -> set[tuple[str, ...]]:
        """The IDs (those the operation takes) of what fails on this operation."""
        return keys_of(self.faulty_for(operation), operation.id_parameters)

    def not_faulty(self, operation: OperationSpec, tasks: tuple[KnownTask, ...]) -> tuple[KnownTask, ...]:
        """`tasks` but those known to fail on this operation (for a listing: those whose instance is)."""
        failing, names = self.faulty_keys(operation), operation.id_parameters
        return tuple(task for task in tasks if id_key(task.as_path_parameters(), names) not in failing)

    def changeable_for(self, operation_id: str) -> tuple[KnownTask, ...]:
        """The tasks this state-changing operation may be sent to (a task known to fail there among them: 500)."""
        return tasks_for(self.changeable, operation_id)

    def readable_for(self, operation: OperationSpec) -> tuple[KnownTask, ...]:
        """The tasks a read operation answers 2xx for: the readable ones, and the faulty ones it does not fail on
        (a listing: of their instances, unless the instance fails there)."""
        failing = set(self.faulty_for(operation))
        return (*self.readable_tasks, *(task for task in self.faulty_tasks if task not in failing))

    def anchors(self, operation: OperationSpec) -> tuple[KnownTask, ...]:
        """The tasks a run aims `operation` at as its own: the readable ones (a read operation; those known to fail
        there left out), or the ones offered to it (a state-changing one; those known to fail there included)."""
        if operation.changes_state:
            return self.changeable_for(operation.operation_id)
        return self.readable_for(operation)


def absent_tasks(project_id: str, readable: tuple[KnownTask, ...]) -> tuple[KnownTask, ...]:
    """Well-formed IDs that should answer 404: an unknown instance, and an unknown task of a known instance."""
    absent = [KnownTask(project_id, ABSENT_INSTANCE, ABSENT_TASK)]
    absent += [KnownTask(project_id, task.instance_id, ABSENT_TASK) for task in readable[:1]]
    return tuple(absent)
