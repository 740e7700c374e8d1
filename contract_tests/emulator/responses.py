"""Operation handlers: turn a validated request into a model call and the result into a JSON body."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import errors
from .models import (
    Backend,
    BackendFailureError,
    DeleteAnswer,
    NotFoundError,
    StepState,
    SubStepState,
    TaskPage,
    TaskPlan,
    TaskProgress,
    TaskSummary,
)


class NoContent:
    """A handler's answer when the operation succeeded and says nothing more: 204, no content (RFC 9110)."""


NO_CONTENT = NoContent()
# Path parameters (as sent, decoded) and the declared query parameters (typed, checked): the body of a 200, or
# NO_CONTENT.
Handler = Callable[[Mapping[str, str], Mapping[str, int | str]], bytes | NoContent]
# More operations on the same backend (a model of their own and its handlers, by operation ID): how a test
# serves a copy of the spec with operations this emulator does not have.
Extension = Callable[[Backend], Mapping[str, Handler]]
LIST, SHOW, DELETE = "ListBackgroundTask", "ShowBackgroundTaskProgress", "DeleteBackgroundTask"


@dataclass(frozen=True)
class _Rendered:
    task: TaskPlan
    start: datetime
    computed_at: datetime
    until: datetime | None
    body: bytes

    def still_valid(self, task: TaskPlan, start: datetime, now: datetime) -> bool:
        return (
            task is self.task
            and start == self.start
            and self.computed_at <= now
            and (self.until is None or now < self.until)
        )


class Responder:
    """The handlers of one backend. A rendered progress body is reused while the model says the
    task cannot have changed (a clock moved backwards or a new start simply re-renders)."""

    def __init__(self, backend: Backend, extensions: tuple[Extension, ...] = ()) -> None:
        self.backend = backend
        self._rendered: dict[str, _Rendered] = {}
        self.handlers: dict[str, Handler] = {
            LIST: self.list_background_task,
            SHOW: self.show_background_task_progress,
            DELETE: self.delete_background_task,
        }
        for extension in extensions:
            self.handlers |= {
                operation: _documented_failures(handler) for operation, handler in extension(backend).items()
            }

    def list_background_task(self, params: Mapping[str, str], query: Mapping[str, int | str]) -> bytes:
        """``GET /v2/{project_id}/instances/{instance_id}/tasks``: one page, newest first.

        Raises :class:`~.errors.RejectedError`: 404 for an unknown instance.
        """
        offset, limit = query.get("offset", 0), query.get("limit")
        start, end = query.get("start_time"), query.get("end_time")
        with _not_found():
            page = self.backend.list_tasks(
                params["project_id"],
                params["instance_id"],
                offset=int(offset),
                limit=None if limit is None else int(limit),
                start_time=None if start is None else str(start),
                end_time=None if end is None else str(end),
                operation=LIST,
            )
        return errors.dump(list_document(page))

    def delete_background_task(self, params: Mapping[str, str], _query: Mapping[str, int | str]) -> bytes | NoContent:
        """``DELETE /v2/{project_id}/instances/{instance_id}/tasks/{task_id}``: 200 ``{"message": ""}``, or 204
        without content for a task whose ``delete_answer`` is ``no_content``.

        Raises :class:`~.errors.RejectedError`: 404 for an unknown (or already deleted) task, 500 for a backend failure.
        """
        with _not_found():
            task = self.backend.delete(params["project_id"], params["instance_id"], params["task_id"], operation=DELETE)
        return NO_CONTENT if task.delete_answer is DeleteAnswer.NO_CONTENT else DELETED

    def show_background_task_progress(self, params: Mapping[str, str], _query: Mapping[str, int | str]) -> bytes:
        """``GET /v2/{project_id}/instances/{instance_id}/tasks/{task_id}/progress``.

        Raises :class:`~.errors.RejectedError`: 404 for an unknown resource, 500 for a backend failure.
        """
        backend = self.backend
        with _not_found():
            task = backend.task(params["project_id"], params["instance_id"], params["task_id"], operation=SHOW)
        start, now = backend.task_start(task), backend.clock.now()
        key = params["project_id"].lower() + "/" + params["instance_id"].lower() + "/" + task.id
        rendered = self._rendered.get(key)
        if rendered is not None and rendered.still_valid(task, start, now):
            return rendered.body
        progress = task.progress_at(start, now)
        body = errors.dump(progress_document(progress))
        self._rendered[key] = _Rendered(task, start, now, progress.unchanged_until, body)
        return body


DELETED = errors.dump({"message": ""})


@contextlib.contextmanager
def _not_found() -> Iterator[None]:
    """A model lookup that found nothing becomes the documented 404 (instance or task); a backend failure the
    scenario plans for the operation, the documented 500."""
    try:
        yield
    except NotFoundError as missing:
        error = errors.INSTANCE_NOT_FOUND if missing.kind == "instance" else errors.TASK_NOT_FOUND
        raise errors.RejectedError(error) from None
    except BackendFailureError:
        raise errors.RejectedError(errors.INTERNAL_ERROR) from None


def _documented_failures(handler: Handler) -> Handler:
    """An extension's handler, its model's NotFoundError and BackendFailureError answered as the documented 404/500."""

    def handle(params: Mapping[str, str], query: Mapping[str, int | str]) -> bytes | NoContent:
        with _not_found():
            return handler(params, query)

    return handle


def list_document(page: TaskPage) -> dict[str, Any]:
    # task_count is documented as a string (one published example has a number): the documented form.
    return {"task_count": str(page.total), "tasks": [_task(summary) for summary in page.tasks]}


def _task(summary: TaskSummary) -> dict[str, Any]:
    plan, fmt = summary.plan, summary.plan.time_format
    document: dict[str, Any] = {"id": plan.id, "name": plan.name, "details": dict(plan.details)}
    if plan.user_name is not None:
        document["user_name"] = plan.user_name
    if plan.user_id is not None:
        document["user_id"] = plan.user_id
    if plan.params is not None:
        document["params"] = plan.params
    document |= {
        "status": summary.status.value,
        "created_at": fmt.render(summary.created_at),
        "updated_at": fmt.render(summary.updated_at),
        "enable_show": plan.enable_show,
    }
    return document


def progress_document(progress: TaskProgress) -> dict[str, Any]:
    return {
        "progress": progress.progress,
        "remain_time": progress.remain_time,
        "step_details": [_step(step) for step in progress.steps],
    }


def _step(step: StepState) -> dict[str, Any]:
    document: dict[str, Any] = {"step_id": step.id, "step_name": step.name, "step_status": step.status.value}
    _times(document, step.begin_time, step.end_time)
    if step.error_code is not None:
        document["error_code"] = step.error_code
    document["sub_step_details"] = [_sub_step(sub) for sub in step.sub_steps]
    return document


def _sub_step(sub: SubStepState) -> dict[str, Any]:
    document: dict[str, Any] = {"sub_step_id": sub.id, "sub_step_name": sub.name, "sub_step_status": sub.status.value}
    _times(document, sub.begin_time, sub.end_time)
    document["detail"] = sub.detail
    if sub.error_code is not None:
        document["error_code"] = sub.error_code
    return document


def _times(document: dict[str, Any], begin: str | None, end: str | None) -> None:
    # Like the real service, times appear once known: begin when started, end when over.
    if begin is not None:
        document["begin_time"] = begin
    if end is not None:
        document["end_time"] = end
