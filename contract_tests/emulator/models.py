"""The emulated DCS state: projects → instances → background tasks, and how tasks progress in time.

Knows nothing of HTTP (as moto's ``models.py``): ``responses.py`` turns requests into calls here.
A task is a fixed plan of steps and sub-steps with durations, anchored at an offset from the
clock's origin; everything a progress query or a listing returns is derived from the plan and
``clock.now()``, so there is no mutable per-task state to corrupt and concurrent reads need no
locking. The one mutable fact is which tasks were deleted (``Backend.delete``), a set behind a lock.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Any

import attrs

from .clock import Clock
from .reading import keyed_by_id, not_empty, not_negative


class Status(StrEnum):
    WAITING = "WAITING"
    EXECUTING = "EXECUTING"
    FINISH = "FINISH"
    FAILED = "FAILED"


class TaskStatus(StrEnum):
    """A task's status in a listing (the documented values; the emulator never shows CREATED)."""

    WAITING = "WAITING"
    EXECUTING = "EXECUTING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    CREATED = "CREATED"


# The service's query form of an instant (``start_time``/``end_time``): UTC ``yyyyMMddHHmmss``.
# Fixed-width digits, so comparing two such strings compares the instants.
QUERY_TIME_FORMAT = "%Y%m%d%H%M%S"


class TimeFormat(StrEnum):
    """The two timestamp shapes the real service returns."""

    ISO = "iso"  # 2020-06-17T07:38:42.503Z, as documented
    SPACE = "space"  # 2022-09-01 11:52:24, as in the vendor's own example

    def render(self, instant: datetime) -> str:
        if self is TimeFormat.SPACE:
            return instant.strftime("%Y-%m-%d %H:%M:%S")
        return instant.strftime("%Y-%m-%dT%H:%M:%S.") + f"{instant.microsecond // 1000:03d}Z"


class DeleteAnswer(StrEnum):
    """What a successful deletion answers: both are documented."""

    MESSAGE = "message"  # 200 {"message": ""}, as the vendor documents it
    NO_CONTENT = "no_content"  # 204 with no content, as some deployments answer (RFC 9110)


Stamp = Callable[[float], str]  # seconds from the task's start → rendered timestamp


# The plan classes below are the scenario file's format too (``scenario.py`` reads a file into
# them with ``reading.py``; ``scenario_format.py`` renders the documented format from them): each
# field's name is its key in the file, its type and validators say what a file may hold, its
# ``doc`` what it means. Text fields are never empty; IDs are matched case-insensitively.
@attrs.frozen(kw_only=True)
class Failure:
    """The plan item fails ``after`` seconds into its run with ``error_code``; the task stops there."""

    after: float = attrs.field(
        validator=not_negative, metadata={"doc": "seconds into the item's run (capped at its duration)"}
    )
    error_code: str = attrs.field(validator=not_empty, metadata={"doc": "the failed step's and sub-step's error_code"})


@attrs.frozen(kw_only=True)
class SubStepPlan:
    id: str = attrs.field(validator=not_empty)
    name: str = attrs.field(validator=not_empty)
    duration: float = attrs.field(validator=not_negative, metadata={"doc": "seconds"})
    detail: str | Mapping[Status, str] = attrs.field(
        default="", metadata={"doc": "one text for every status, or a text per status (others: empty)"}
    )
    error_code: str | None = attrs.field(
        default=None,
        validator=not_empty,
        metadata={"doc": "echoed as-is (the vendor's example has codes on finished steps)"},
    )
    fail: Failure | None = attrs.field(default=None, metadata={"doc": "the task fails here and stops"})

    def detail_at(self, status: Status) -> str:
        return self.detail if isinstance(self.detail, str) else self.detail.get(status, "")


@attrs.frozen(kw_only=True)
class StepPlan:
    id: str = attrs.field(validator=not_empty)
    name: str = attrs.field(validator=not_empty)
    duration: float = attrs.field(
        default=0.0, validator=not_negative, metadata={"doc": "seconds; only without sub_steps"}
    )
    error_code: str | None = attrs.field(default=None, validator=not_empty, metadata={"doc": "echoed as-is"})
    fail: Failure | None = attrs.field(
        default=None, metadata={"doc": "the task fails here and stops; only without sub_steps"}
    )
    sub_steps: tuple[SubStepPlan, ...] = attrs.field(default=(), metadata={"doc": "run one after the other"})


@dataclass(frozen=True)
class Span:
    """One timed item of a plan, in seconds from the task's start."""

    begin: float
    end: float  # the failure instant for the failing item
    failing: bool
    after_failure: bool

    def status(self, elapsed: float) -> Status:
        if self.after_failure or elapsed < self.begin:
            return Status.WAITING
        if elapsed < self.end:
            return Status.EXECUTING
        return Status.FAILED if self.failing else Status.FINISH


@dataclass(frozen=True)
class SubStepState:
    id: str
    name: str
    status: Status
    begin_time: str | None
    end_time: str | None
    detail: str
    error_code: str | None


@dataclass(frozen=True)
class StepState:
    id: str
    name: str
    status: Status
    begin_time: str | None
    end_time: str | None
    error_code: str | None
    sub_steps: tuple[SubStepState, ...]


@dataclass(frozen=True)
class TaskProgress:
    progress: int
    remain_time: int
    steps: tuple[StepState, ...]
    # Until when (exclusive) the task looks exactly like this; None = for ever. Not part of the API.
    unchanged_until: datetime | None = field(default=None, compare=False)


_MARGIN = 2e-6  # seconds; more than the 1 µs rounding of datetime arithmetic


@attrs.frozen(kw_only=True)
class TaskPlan:
    id: str = attrs.field(validator=not_empty)
    name: str = attrs.field(validator=not_empty)
    start: float = attrs.field(
        metadata={"doc": "seconds from the clock origin (the emulator's start); negative: started before"}
    )
    time_format: TimeFormat = attrs.field(
        default=TimeFormat.ISO,
        metadata={"doc": "iso 2020-06-17T07:38:42.503Z (documented), space 2022-09-01 11:52:24 (vendor example)"},
    )
    internal_error: frozenset[str] = attrs.field(
        default=frozenset(),
        metadata={
            "doc": "operation IDs that fail inside the service for this task: 500 DCS.5000 (after auth, ID, access)"
        },
    )
    # What a listing shows besides the derived status and times.
    details: Mapping[str, Any] = attrs.field(factory=dict, metadata={"doc": "what a listing shows, as given"})
    params: str | None = attrs.field(default=None, metadata={"doc": "what a listing shows"})
    user_name: str | None = attrs.field(default=None, validator=not_empty, metadata={"doc": "shown in listings"})
    user_id: str | None = attrs.field(default=None, validator=not_empty, metadata={"doc": "shown in listings"})
    enable_show: bool = attrs.field(default=True, metadata={"doc": "shown in listings"})
    changeable: frozenset[str] = attrs.field(
        default=frozenset(),
        metadata={
            "doc": "state-changing operation IDs the contract suite may send it (e.g. DeleteBackgroundTask)",
            "formerly": "disposable",
        },
    )
    delete_answer: DeleteAnswer = attrs.field(
        default=DeleteAnswer.MESSAGE,
        metadata={"doc": 'a successful deletion answers: message 200 {"message": ""}, no_content 204 with no content'},
    )
    steps: tuple[StepPlan, ...] = attrs.field(validator=not_empty, metadata={"doc": "run one after the other"})

    @cached_property
    def total(self) -> float:
        """Planned run time in seconds if nothing fails."""
        return sum(_step_duration(step) for step in self.steps)

    @cached_property
    def failure_at(self) -> float | None:
        """Seconds from start at which the task fails, or None when it succeeds."""
        cursor = 0.0
        for item in _timed_items(self.steps):
            if item.fail is not None:
                return cursor + min(max(item.fail.after, 0.0), item.duration)
            cursor += item.duration
        return None

    @cached_property
    def spans(self) -> tuple[Span, ...]:
        """One span per timed item (sub-step, or step without sub-steps), in execution order."""
        spans: list[Span] = []
        cursor, failed = 0.0, False
        for item in _timed_items(self.steps):
            failing = item.fail is not None and not failed
            end = cursor + (min(max(item.fail.after, 0.0), item.duration) if failing and item.fail else item.duration)
            spans.append(Span(begin=cursor, end=end, failing=failing, after_failure=failed))
            failed = failed or failing
            cursor += item.duration
        return tuple(spans)

    def summary_at(self, start: datetime, created: datetime, now: datetime) -> TaskSummary:
        """The task as a listing shows it at ``now``: the same instant's progress would agree.

        SUCCESS exactly when the progress is 100 (every step FINISH), FAILED once a step failed,
        WAITING before the start, EXECUTING in between. Never raises, even for ``internal_error``:
        a failure is that of the operations it names.
        """
        elapsed = (now - start).total_seconds()
        stop = self.total if self.failure_at is None else self.failure_at
        if elapsed < 0:
            status, updated = TaskStatus.WAITING, created
        elif elapsed >= stop:
            status = TaskStatus.SUCCESS if self.failure_at is None else TaskStatus.FAILED
            updated = start + timedelta(seconds=stop)
        else:
            status, updated = TaskStatus.EXECUTING, now
        return TaskSummary(self, status, created, max(updated, created))

    def progress_at(self, start: datetime, now: datetime) -> TaskProgress:
        elapsed = (now - start).total_seconds()
        spans = iter(self.spans)
        fmt = self.time_format

        def stamp(seconds: float) -> str:
            return fmt.render(start + timedelta(seconds=seconds))

        steps: list[StepState] = []
        for step in self.steps:
            if step.sub_steps:
                subs = tuple(_sub_step_state(sub, next(spans), elapsed, stamp) for sub in step.sub_steps)
                status = _combine(tuple(sub.status for sub in subs))
                begin = subs[0].begin_time
                end = subs[-1].end_time if status in (Status.FINISH, Status.FAILED) else None
                if status is Status.FAILED:
                    end = next(sub.end_time for sub in subs if sub.status is Status.FAILED)
            else:
                span = next(spans)
                subs = ()
                status = span.status(elapsed)
                begin = stamp(span.begin) if status is not Status.WAITING else None
                end = stamp(span.end) if status in (Status.FINISH, Status.FAILED) else None
            code = (_step_failure_code(step) if status is Status.FAILED else None) or step.error_code
            steps.append(StepState(step.id, step.name, status, begin, end, code, subs))

        total, failed_at = self.total, self.failure_at
        stop = total if failed_at is None else failed_at
        done = min(max(elapsed, 0.0), stop)
        # An empty plan is done the moment it starts.
        progress = math.floor(100 * done / total) if total else (100 if elapsed >= 0 else 0)
        remain = 0 if elapsed >= stop else math.ceil(total - done)
        until = self._unchanged_until(elapsed, progress, remain, stop)
        return TaskProgress(
            progress=min(progress, 100),
            remain_time=remain,
            steps=tuple(steps),
            unchanged_until=None if until == math.inf else start + timedelta(seconds=until),
        )

    def _unchanged_until(self, elapsed: float, progress: int, remain: int, stop: float) -> float:
        """Seconds from start before which a later query returns exactly this snapshot.

        Lets the HTTP layer reuse a rendered body; the margin keeps float rounding on the safe side.
        """
        if elapsed >= stop:
            return math.inf  # finished or failed: frozen for ever
        if elapsed < 0:
            return 0.0 - _MARGIN
        total = self.total
        candidates = [stop, total - remain + 1]  # remain_time ticks down once per second
        if total:
            candidates.append((progress + 1) * total / 100)  # the next whole percent
        candidates += [edge for span in self.spans for edge in (span.begin, span.end) if edge > elapsed]
        return min(candidates) - _MARGIN


@dataclass(frozen=True)
class TaskSummary:
    """One task in a listing, at one instant."""

    plan: TaskPlan
    status: TaskStatus
    created_at: datetime
    updated_at: datetime

    @property
    def query_time(self) -> str:
        """``created_at`` in the query form, what ``start_time``/``end_time`` are compared with."""
        return self.created_at.strftime(QUERY_TIME_FORMAT)


@dataclass(frozen=True)
class TaskPage:
    """One page of a listing: the tasks matching the window (``total``), and this page of them."""

    total: int
    tasks: tuple[TaskSummary, ...]


@dataclass(frozen=True)
class _TimedItem:
    duration: float
    fail: Failure | None


def _step_duration(step: StepPlan) -> float:
    return sum(sub.duration for sub in step.sub_steps) if step.sub_steps else step.duration


def _timed_items(steps: tuple[StepPlan, ...]) -> list[_TimedItem]:
    items: list[_TimedItem] = []
    for step in steps:
        if step.sub_steps:
            items.extend(_TimedItem(sub.duration, sub.fail) for sub in step.sub_steps)
        else:
            items.append(_TimedItem(step.duration, step.fail))
    return items


def _step_failure_code(step: StepPlan) -> str | None:
    if step.fail is not None:
        return step.fail.error_code
    return next((sub.fail.error_code for sub in step.sub_steps if sub.fail is not None), None)


def _sub_step_state(sub: SubStepPlan, span: Span, elapsed: float, stamp: Stamp) -> SubStepState:
    status = span.status(elapsed)
    code = (sub.fail.error_code if status is Status.FAILED and sub.fail else None) or sub.error_code
    return SubStepState(
        id=sub.id,
        name=sub.name,
        status=status,
        begin_time=stamp(span.begin) if status is not Status.WAITING else None,
        end_time=stamp(span.end) if status in (Status.FINISH, Status.FAILED) else None,
        detail=sub.detail_at(status),
        error_code=code,
    )


def _combine(statuses: tuple[Status, ...]) -> Status:
    if Status.FAILED in statuses:
        return Status.FAILED
    if all(status is Status.FINISH for status in statuses):
        return Status.FINISH
    if all(status is Status.WAITING for status in statuses):
        return Status.WAITING
    return Status.EXECUTING


@attrs.frozen(kw_only=True)
class Instance:
    id: str = attrs.field(validator=not_empty)
    name: str = attrs.field(validator=not_empty)
    internal_error: frozenset[str] = attrs.field(
        default=frozenset(),
        metadata={
            "doc": "operation IDs that fail inside the service for this instance and its tasks (e.g. its listing): "
            "500 DCS.5000 (after auth, ID, access and lookup)"
        },
    )
    throttled_once: frozenset[str] = attrs.field(
        default=frozenset(),
        metadata={
            "doc": "operation IDs whose first request naming this instance the gateway throttles: "
            "429 APIG.0308 with Retry-After: 0 (before authentication)"
        },
    )
    tasks: Mapping[str, TaskPlan] = attrs.field(validator=keyed_by_id)


@attrs.frozen(kw_only=True)
class Project:
    id: str = attrs.field(validator=not_empty)
    instances: Mapping[str, Instance] = attrs.field(validator=keyed_by_id)


class NotFoundError(LookupError):
    """A well-formed ID names nothing in the scenario."""

    def __init__(self, kind: str, resource_id: str) -> None:
        super().__init__(f"{kind} {resource_id} does not exist")
        self.kind = kind
        self.resource_id = resource_id


class BackendFailureError(RuntimeError):
    """The service failed internally on an operation the task's (or its instance's) `internal_error` names."""

    def __init__(self, kind: str, resource_id: str, operation: str) -> None:
        super().__init__(f"the backend failed internally on {kind} {resource_id} ({operation})")
        self.kind = kind
        self.resource_id = resource_id
        self.operation = operation


class Backend:
    """Answers queries about the scenario's projects at the clock's current time, deletes tasks, and takes
    tasks created while it runs (by someone else, as on a shared staging service: ``add_task``)."""

    def __init__(self, projects: Mapping[str, Project], clock: Clock) -> None:
        self.projects = projects
        self.clock = clock
        self._deleted: set[tuple[str, str, str]] = set()
        self._added: dict[tuple[str, str], dict[str, TaskPlan]] = {}
        self._created: dict[tuple[str, str, str], datetime] = {}  # when each added task was created
        self._lock = threading.Lock()

    def instance(self, project_id: str, instance_id: str, *, operation: str = "") -> Instance:
        """The instance, looked up for ``operation``: an unknown one raises NotFoundError, and one whose
        ``internal_error`` names the operation BackendFailureError (after the lookup, as the service)."""
        project = self.projects.get(project_id.lower())
        instance = project.instances.get(instance_id.lower()) if project else None
        if instance is None:
            raise NotFoundError("instance", instance_id)
        if operation in instance.internal_error:
            raise BackendFailureError("instance", instance.id, operation)
        return instance

    def tasks(self, project_id: str, instance_id: str) -> Mapping[str, TaskPlan]:
        """The instance's tasks by lower-cased ID, the scenario's and those added since (deleted ones included)."""
        return self._tasks_of(self.instance(project_id, instance_id), project_id, instance_id)

    def _tasks_of(self, instance: Instance, project_id: str, instance_id: str) -> Mapping[str, TaskPlan]:
        added = self._added.get((project_id.lower(), instance_id.lower()))
        return {**instance.tasks, **added} if added else instance.tasks

    def add_task(self, project_id: str, instance_id: str, plan: TaskPlan) -> None:
        """A task created now on the instance (its ``start`` still counts from the clock's origin)."""
        with self._lock:
            if plan.id.lower() in self.tasks(project_id, instance_id):
                raise ValueError(f"task {plan.id} already exists")
            self._added.setdefault((project_id.lower(), instance_id.lower()), {})[plan.id.lower()] = plan
            self._created[_key(project_id, instance_id, plan.id)] = self.clock.now()

    def task(self, project_id: str, instance_id: str, task_id: str, *, operation: str = "") -> TaskPlan:
        """The task, looked up for ``operation``: an unknown or deleted one raises NotFoundError, and one
        whose ``internal_error`` (or its instance's) names the operation BackendFailureError (after the lookup,
        as the service)."""
        instance = self.instance(project_id, instance_id)
        task = self._tasks_of(instance, project_id, instance_id).get(task_id.lower())
        if task is None or _key(project_id, instance_id, task_id) in self._deleted:
            raise NotFoundError("task", task_id)
        if operation in task.internal_error or operation in instance.internal_error:
            raise BackendFailureError("task", task.id, operation)
        return task

    def delete(self, project_id: str, instance_id: str, task_id: str, *, operation: str = "") -> TaskPlan:
        """Delete the task's record, whatever its status (the spec's stated assumption: a running task
        is not cancelled, it is only no longer listed or shown), and return its plan. An unknown or deleted
        task raises, as does one the operation fails on (nothing is deleted then)."""
        with self._lock:
            task = self.task(project_id, instance_id, task_id, operation=operation)
            self._deleted.add(_key(project_id, instance_id, task_id))
            return task

    def task_start(self, task: TaskPlan) -> datetime:
        return self.clock.origin + timedelta(seconds=task.start)

    def list_tasks(
        self,
        project_id: str,
        instance_id: str,
        *,
        offset: int = 0,
        limit: int | None = None,
        start_time: str | None = None,
        end_time: str | None = None,
        operation: str = "",
    ) -> TaskPage:
        """The instance's tasks created inside the window (query-form bounds, both inclusive), newest
        first, one page of them; every task's status is the one its progress has at the same instant. An
        instance whose ``internal_error`` names ``operation`` raises BackendFailureError (after the lookup)."""
        instance = self.instance(project_id, instance_id, operation=operation)
        now, origin = self.clock.now(), self.clock.origin
        summaries = []
        for task in self._tasks_of(instance, project_id, instance_id).values():
            key = _key(project_id, instance_id, task.id)
            if key in self._deleted:
                continue
            start = self.task_start(task)
            # A task queued for later was created when the emulator started (an added one when it was added).
            summary = task.summary_at(start, self._created.get(key, min(start, origin)), now)
            if (start_time is None or summary.query_time >= start_time) and (
                end_time is None or summary.query_time <= end_time
            ):
                summaries.append(summary)
        summaries.sort(key=lambda summary: (-summary.created_at.timestamp(), summary.plan.id))
        end = None if limit is None else offset + limit
        return TaskPage(total=len(summaries), tasks=tuple(summaries[offset:end]))


def _key(project_id: str, instance_id: str, task_id: str) -> tuple[str, str, str]:
    return project_id.lower(), instance_id.lower(), task_id.lower()
