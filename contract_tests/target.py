"""What the suite tests: `Target` (a server, in-process ASGI app or base URL, how to authenticate, which
task IDs exist and what each must answer, by operation), `KnownTask` (one such ID triple, defined in the
neutral `task_ids.py`) and the one rule of which documented statuses a run must reach, per operation and
cause (`Target.requirements`).

The emulator describes itself through its scenario; any other server through its configuration
(`target_from_env`), read by the SDK's own resolver (`dcs_tasks.lib.config`), so the suite, the SDK
and the CLI accept the same variables with the same precedence. Secrets live only inside the
`requests` auth adapter, which never prints them. Nothing here imports the emulator: a remote
target needs none of it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from dcs_tasks import ConfigurationError, TokenCredentials
from dcs_tasks.lib.config import Configuration, resolve
from dcs_tasks.lib.variables import SUITE
from starlette.types import ASGIApp

from . import task_ids
from .api_spec import ID_PARAMETERS, ApiSpec, OperationSpec
from .auth import AkSkSigner, IamTokenAuth, TargetAuth

# The in-process transport's host: requests never leave the process.
IN_PROCESS_BASE_URL = "http://testserver"
# The suite's modules take the ID-triple type from here; it lives in the neutral `task_ids.py`.
KnownTask = task_ids.KnownTask


def id_key(ids: Mapping[str, object] | None, names: tuple[str, ...] = ID_PARAMETERS) -> tuple[str, ...]:
    """The IDs `names` of a request's path (or a task's), lower-cased: IDs are hexadecimal, compared without case."""
    values = ids or {}
    return tuple(str(values.get(name, "")).lower() for name in names)


def keys_of(tasks: tuple[KnownTask, ...], names: tuple[str, ...]) -> set[tuple[str, ...]]:
    """The IDs `names` of each of `tasks` that has them all (an instance, with an empty task ID, has no task's)."""
    return {id_key(task.as_path_parameters(), names) for task in tasks if all(getattr(task, name) for name in names)}


def names_one_of(path_parameters: Mapping[str, object] | None, tasks: tuple[KnownTask, ...]) -> bool:
    """Whether a request's path names one of ``tasks``."""
    return id_key(path_parameters) in keys_of(tasks, ID_PARAMETERS)


def given_ids(task: KnownTask) -> tuple[str, ...]:
    """The IDs a task (or an instance: no task ID) gives, in path order."""
    return tuple(name for name in ID_PARAMETERS if getattr(task, name))


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
class Requirement:
    """A run must reach one of `statuses` for `operation_id` (the suite can provoke it: `cause`), unless every
    task it `needs` (lower-cased ID triples) was deleted by the run before (a deletion offered the same task)."""

    operation_id: str
    statuses: frozenset[int]
    cause: str
    needs: frozenset[tuple[str, ...]] = frozenset()

    def label(self) -> str:
        return f"{self.operation_id} {'/'.join(map(str, sorted(self.statuses)))} ({self.cause})"


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
    # What the probes need (`probes.py`; set by `emulator_target` and `staging_config.staging_target`):
    foreign_auth: TargetAuth | None = None  # another tenant's credentials: must not read `readable_tasks`
    foreign_readable: tuple[KnownTask, ...] = ()  # what `foreign_auth` may read (200 expected)
    temporary_auth: AkSkSigner | None = None  # credentials with a security token: token probes
    method_rejection: str = "405"  # undeclared methods: "405" (+ Allow), "404" (APIG.0101) or "any" of both
    read_only: bool = False  # send no state-changing request (but the undeclared-method probes)
    # The only tasks the run may change, each with the state-changing operations it may send them (`api_spec.
    # changes_state`): the emulator scenario's `disposable` ones; at a BASE_URL only with ALLOW_DESTRUCTIVE=1,
    # the DCS_DESTRUCTIVE_TASKS (every state-changing operation). Any other state-changing request the suite
    # would send is aimed at an absent ID (see `destructive.py`).
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

    def failing_keys(self, operation: OperationSpec) -> set[tuple[str, ...]]:
        """The IDs (those the operation takes) of what fails on this operation."""
        return keys_of(self.faulty_for(operation), operation.id_parameters)

    def not_failing(self, operation: OperationSpec, tasks: tuple[KnownTask, ...]) -> tuple[KnownTask, ...]:
        """`tasks` but those known to fail on this operation (for a listing: those whose instance is)."""
        failing, names = self.failing_keys(operation), operation.id_parameters
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

    def requirements(self, spec: ApiSpec) -> tuple[Requirement, ...]:
        """The documented statuses a run must reach, per operation: the one place this is decided.

        Each status the spec documents for an operation is required when the suite can provoke it there:
        a success (any documented 2xx) from a readable task (a read operation) or a task it may change (a
        state-changing one), unless that task (or, for a listing, its instance) is known to fail there; 400 from
        a malformed ID in the path (or a bad query value); 401 unsigned; 403 from another project's task on the
        emulator (a remote server may hide it with 404); 404 from an absent ID; 500 from a task (or instance)
        known to fail on that operation (a real server has none unless DCS_FAULTY_TASKS names one). 429 is never
        required, nor anything of a state-changing operation no task is offered to (it is not tested).
        """
        return tuple(need for operation in spec.operations for need in self._requirements(operation))

    def _requirements(self, operation: OperationSpec) -> list[Requirement]:
        op, names = operation.operation_id, operation.id_parameters
        tasks = self.anchors(operation)
        if operation.changes_state and not tasks:
            return []  # offered no task, it is left out of the run (`schema.build_schema`)
        failing = self.failing_keys(operation)
        tasks = self.not_failing(operation, tasks)
        success = ("a task it may change" if operation.changes_state else "a readable task") if tasks else ""
        causes = {
            400: "a malformed ID" if names else ("an invalid query value" if operation.query_parameters else ""),
            401: "an unsigned request",
            403: "another project's task" if names and self.foreign_tasks and not self.remote else "",
            404: "an absent ID" if names else "",
            500: f"a{' task' if operation.takes_task else 'n instance'} known to fail there" if failing else "",
        }
        offered = (
            frozenset(id_key(task.as_path_parameters()) for task in tasks) if operation.changes_state else frozenset()
        )
        needs = (
            [Requirement(op, operation.success_statuses, success, offered)]
            if success and operation.success_statuses
            else []
        )
        needs += [Requirement(op, frozenset({status}), causes[status]) for status in sorted(causes) if causes[status]]
        return [need for need in needs if need.statuses <= operation.status_codes]


class TargetConfigError(ValueError):
    """The environment does not describe a usable target; the message names what is missing."""


# Well-formed IDs no real or emulated server holds: the all-zero UUID and a run of `f`s.
ABSENT_INSTANCE = "00000000-0000-0000-0000-000000000000"
ABSENT_TASK = "ffffffffffffffffffffffffffffffff"


def absent_tasks(project_id: str, readable: tuple[KnownTask, ...]) -> tuple[KnownTask, ...]:
    """Well-formed IDs that should answer 404: an unknown instance, and an unknown task of a known instance."""
    absent = [KnownTask(project_id, ABSENT_INSTANCE, ABSENT_TASK)]
    absent += [KnownTask(project_id, task.instance_id, ABSENT_TASK) for task in readable[:1]]
    return tuple(absent)


def remote_configuration(base_url: str, environ: Mapping[str, str] | None = None) -> tuple[Configuration, str]:
    """The SDK's configuration of a server at BASE_URL (credentials and project required) and its project."""
    try:
        found = resolve(endpoint=base_url, environ=os.environ if environ is None else environ, spelling=SUITE)
    except ConfigurationError as error:
        raise TargetConfigError(f"{error} (to test a server at BASE_URL)") from None
    if found.project is None:
        raise TargetConfigError(f"{found.no_project} (to test a server at BASE_URL)")
    return found, found.project.value


def target_from_env(base_url: str, environ: Mapping[str, str] | None = None) -> Target:
    """A remote target whose credentials and project come as the SDK finds them (`dcs_tasks.lib.config`:
    `HUAWEICLOUD_SDK_AK`/`_SK` or `CLOUD_SDK_AK`/`_SK` with their security token, `DCS_AUTH_TOKEN`,
    the profile file, `DCS_PROJECT_ID` or `HUAWEICLOUD_SDK_PROJECT_ID` …), plus one known task."""
    env = os.environ if environ is None else environ
    found, project_id = remote_configuration(base_url, env)
    credentials = found.credentials.value
    auth: TargetAuth
    secrets: tuple[str, ...]
    if isinstance(credentials, TokenCredentials):
        auth, scheme, secrets = IamTokenAuth(credentials.token), "IAM token", (credentials.token,)
    else:
        try:
            keys = credentials.current()  # temporary keys from the metadata service: fetched now, for the run
        except ConfigurationError as error:
            raise TargetConfigError(str(error)) from None
        auth = AkSkSigner(keys.access_key, keys.secret_key, keys.security_token, project_id)
        scheme = "AK/SK + security token" if keys.security_token else "AK/SK"
        secrets = tuple(secret for secret in (keys.secret_key, keys.security_token) if secret)
    instance_id, task_id = env.get("DCS_INSTANCE_ID", ""), env.get("DCS_TASK_ID", "")
    if bool(instance_id) != bool(task_id):
        raise TargetConfigError("set both DCS_INSTANCE_ID and DCS_TASK_ID, or neither")
    readable = (KnownTask(project_id, instance_id, task_id),) if task_id else ()
    return Target(
        description=f"{base_url} ({scheme} from {found.credentials.source}, project {project_id})",
        base_url=base_url.rstrip("/"),
        auth=auth,
        readable_tasks=readable,
        missing_tasks=absent_tasks(project_id, readable),
        secrets=secrets,
    )
