"""Broken emulators for the state checks (`contract_tests/checks/state_changes.py`): deletions that change more than
the task they name, counts that do not follow, repeated deletions that do not answer 404, and a deleted task still
read. Each is the emulator behind a `ResponseRewriter` whose rewrite, seeing every answer, also plays the bug's
side effect on the emulator's own backend, so the listing and the progress agree with each other as a real
service's would."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import attrs
from starlette.applications import Starlette
from starlette.types import ASGIApp, Scope

from contract_tests.emulator import Emulator, Scenario, emulator_of, errors
from contract_tests.emulator.models import Backend, NotFoundError

from .rules import Answer, _deletion_ignores_instance, _error, _listing, task_path_ids
from .variants import Headers, ResponseRewriter, Variant

OTHERS = frozenset({"other_tasks_unchanged_by_changes"})
COUNT = frozenset({"task_count_drops_by_deleted"})
REPEATED = frozenset({"repeated_deletion_answers_404"})
GONE = frozenset({"deleted_task_is_gone"})
HIERARCHY = frozenset({"task_under_other_instance_denied"})


@dataclass(frozen=True)
class Exchange:
    """One answer the emulator gave, and the emulator, for a bug to act on."""

    emulator: Emulator
    scope: Scope
    status: int
    headers: Headers
    body: bytes

    @property
    def backend(self) -> Backend:
        return self.emulator.backend

    @property
    def ids(self) -> dict[str, str]:
        return task_path_ids(self.scope)

    @property
    def as_given(self) -> Answer:
        return self.status, self.headers, self.body

    @property
    def deleted(self) -> bool:
        return self.deletion and 200 <= self.status < 300

    @property
    def deletion(self) -> bool:
        return self.scope["method"] == "DELETE" and "task_id" in self.ids


Bug = Callable[[Exchange], Answer]


def with_backend(make: Callable[[], Bug]) -> Callable[[ASGIApp, Scenario], ASGIApp]:
    """The emulator with the bug `make()` makes (afresh for each app: some bugs remember what they saw)."""

    def wrap(app: ASGIApp, _scenario: Scenario) -> ASGIApp:
        assert isinstance(app, Starlette)
        emulator, bug = emulator_of(app), make()

        def rewrite(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
            return bug(Exchange(emulator, scope, status, headers, body))

        return ResponseRewriter(app, rewrite)

    return wrap


def _forget(backend: Backend, ids: dict[str, str], task_id: str) -> None:
    with contextlib.suppress(NotFoundError):
        backend.delete(ids["project_id"], ids["instance_id"], task_id)


# -- deletions that change other tasks ------------------------------------------------------------------------------


def _next_one_too(answer: Exchange) -> Answer:
    """Off by one: the deletion also removes the task listed after it (created just before it, newest first), or the
    one before when it was the last."""
    if answer.deleted:
        ids = answer.ids
        project, instance, backend = ids["project_id"], ids["instance_id"], answer.backend
        created = backend.task_start(backend.tasks(project, instance)[ids["task_id"]])
        listed = backend.list_tasks(project, instance).tasks
        older = [summary for summary in listed if summary.created_at <= created]
        neighbour = older[0] if older else (listed[-1] if listed else None)
        if neighbour is not None:
            _forget(backend, ids, neighbour.plan.id)
    return answer.as_given


def _refused_after_deleting(answer: Exchange) -> Answer:
    """Authorization checked after the side effect: a deletion by a caller who may not use the project is refused
    (403), but the task named is gone already."""
    if answer.deletion and answer.status == 403:
        _forget(answer.backend, answer.ids, answer.ids["task_id"])
    return answer.as_given


def _by_task_id_alone(answer: Exchange) -> Answer:
    """The deletion runs `DELETE … WHERE project_id = ? AND task_id = ?`, the instance left out, before the instance
    lookup that answers 404: a path naming another instance deletes the task wherever it is in the project."""
    ids = answer.ids
    home = _home(answer.backend, ids) if answer.deletion and answer.status == 404 else None
    if home is not None:
        _forget(answer.backend, {**ids, "instance_id": home}, ids["task_id"])
    return answer.as_given


def _requeues_running(answer: Exchange) -> Answer:
    """A deletion releases the instance's job lock and re-queues the tasks running on it: they start again later,
    WAITING meanwhile."""
    if answer.deleted:
        backend, project, instance = answer.backend, answer.ids["project_id"], answer.ids["instance_id"]
        later = (backend.clock.now() - backend.clock.origin).total_seconds() + 3600
        requeued = backend._added.setdefault((project, instance), {})  # the bug edits the model itself
        for summary in backend.list_tasks(project, instance).tasks:
            if summary.status == "EXECUTING":
                requeued[summary.plan.id.lower()] = attrs.evolve(summary.plan, start=later)
    return answer.as_given


def _cancels_running(answer: Exchange) -> Answer:
    """Deleting a task record cascades to the instance's job rows: the tasks running on it are deleted too."""
    if answer.deleted:
        backend, ids = answer.backend, answer.ids
        for summary in backend.list_tasks(ids["project_id"], ids["instance_id"]).tasks:
            if summary.status == "EXECUTING":
                _forget(backend, ids, summary.plan.id)
    return answer.as_given


class _FailedShownRunning:
    """After the first deletion the project's status cache is rebuilt from each task's percentage: a FAILED task
    part-way through is listed EXECUTING again."""

    def __init__(self) -> None:
        self.rebuilt = False

    def __call__(self, answer: Exchange) -> Answer:
        self.rebuilt = self.rebuilt or answer.deleted
        if not self.rebuilt or not _listing(answer.scope) or answer.status != 200:
            return answer.as_given
        document = json.loads(answer.body)
        for task in document.get("tasks") or []:
            if task.get("status") == "FAILED":
                task["status"] = "EXECUTING"
        return answer.status, answer.headers, json.dumps(document).encode()


# -- counts that do not follow --------------------------------------------------------------------------------------


class _CountOff:
    """A listing's `task_count` off by a drift per instance, which `moves` changes as answers go by."""

    def __init__(self, moves: Callable[[Exchange], int]) -> None:
        self.moves = moves
        self.drift: dict[str, int] = {}

    def __call__(self, answer: Exchange) -> Answer:
        instance = answer.ids.get("instance_id", "")
        self.drift[instance] = drift = self.drift.get(instance, 0) + self.moves(answer)
        if not drift or not _listing(answer.scope) or answer.status != 200:
            return answer.as_given
        document: dict[str, Any] = json.loads(answer.body)
        count = document.get("task_count")
        if isinstance(count, int):  # an unsigned counter: it stops at 0
            document["task_count"] = max(0, count + drift)
        elif isinstance(count, str) and count.isdigit():
            document["task_count"] = str(max(0, int(count) + drift))
        return answer.status, answer.headers, json.dumps(document).encode()


def _cached_count() -> Bug:
    """The cached count is never decremented: each deletion leaves it one too high."""
    return _CountOff(lambda answer: int(answer.deleted))


def _every_delete_counts() -> Bug:
    """The counter is decremented before the lookup: every DELETE naming the instance, refused or not, takes one off
    (the task it does delete is one off already)."""
    return _CountOff(lambda answer: -int(answer.deletion and not answer.deleted))


# -- repeated deletions, and a deleted task read --------------------------------------------------------------------


class _AgainAnswered:
    """A deletion of a task already deleted is answered `again(headers)` instead of 404."""

    def __init__(self, again: Callable[[Headers], Answer]) -> None:
        self.again = again
        self.gone: set[tuple[str, ...]] = set()

    def __call__(self, answer: Exchange) -> Answer:
        key = tuple(answer.ids.values())
        if answer.deleted:
            self.gone.add(key)
        elif answer.deletion and answer.status == 404 and key in self.gone:
            return self.again(answer.headers)
        return answer.as_given


def _soft_deleted_again() -> Bug:
    """A soft delete: the row is only flagged, and DELETE does not look at the flag: 204 again."""
    return _AgainAnswered(lambda headers: (204, [(k, v) for k, v in headers if k.lower() != b"content-type"], b""))


def _none_type() -> Bug:
    """The handler reads the deleted row's status before checking it exists: `'NoneType' object has no attribute`."""
    error = errors.ApiError(500, "DCS.5000", "'NoneType' object has no attribute 'status'")
    return _AgainAnswered(lambda headers: _error(error, headers))


class _ProgressCached:
    """The progress is served from a cache for a while: a deleted task's last progress is still answered 200."""

    def __init__(self) -> None:
        self.cached: dict[tuple[str, ...], bytes] = {}

    def __call__(self, answer: Exchange) -> Answer:
        key, reading = tuple(answer.ids.values()), answer.scope["method"] == "GET" and "task_id" in answer.ids
        if reading and answer.status == 200:
            self.cached[key] = answer.body
        elif reading and answer.status == 404 and key in self.cached:
            kept = [(name, value) for name, value in answer.headers if name.lower() != b"content-type"]
            return 200, [*kept, (b"content-type", b"application/json")], self.cached[key]
        return answer.as_given


# -- a task under another instance ----------------------------------------------------------------------------------


def _home(backend: Backend, ids: dict[str, str]) -> str | None:
    """The instance of the path's project that holds the path's task, when it is not the path's."""
    project = backend.projects.get(ids.get("project_id", ""))
    for instance in project.instances.values() if project is not None else ():
        if ids.get("task_id") in instance.tasks and instance.id.lower() != ids["instance_id"]:
            return instance.id
    return None


def _progress_by_task_id(answer: Exchange) -> Answer:
    """The progress is read from a cache keyed by project and task ID: the path's instance is never looked at, so a
    task of one instance answers under any other instance of the project."""
    ids = answer.ids
    home = _home(answer.backend, ids) if answer.scope["method"] == "GET" and answer.status == 404 else None
    if home is None:
        return answer.as_given
    handler = answer.emulator.responder.handlers["ShowBackgroundTaskProgress"]
    body = handler({**ids, "instance_id": home}, {})
    kept = [(name, value) for name, value in answer.headers if name.lower() != b"content-type"]
    return 200, [*kept, (b"content-type", b"application/json")], body if isinstance(body, bytes) else b""


STATE_VARIANTS: tuple[Variant, ...] = (
    Variant("a deletion also deletes the next task listed", with_backend(lambda: _next_one_too), OTHERS),
    Variant(
        "a refused deletion deletes before it checks access", with_backend(lambda: _refused_after_deleting), OTHERS
    ),
    Variant("a deletion finds the task by ID, whatever instance", with_backend(lambda: _by_task_id_alone), OTHERS),
    Variant("a deletion re-queues the instance's running tasks", with_backend(lambda: _requeues_running), OTHERS),
    Variant("a deletion lists failed tasks as running again", with_backend(_FailedShownRunning), OTHERS),
    Variant("task_count not decremented by a deletion", with_backend(_cached_count), COUNT),
    Variant("task_count decremented by every DELETE", with_backend(_every_delete_counts), COUNT),
    Variant("a second deletion answers 204 again", with_backend(_soft_deleted_again), REPEATED),
    Variant("a second deletion answers 500", with_backend(_none_type), REPEATED),
    Variant("a deleted task's progress cached", with_backend(_ProgressCached), GONE),
    Variant("progress found by task ID, whatever instance", with_backend(lambda: _progress_by_task_id), HIERARCHY),
    Variant("a deletion under another instance deletes the task", _deletion_ignores_instance, HIERARCHY),
)
