"""Domain checks across the task family: ListBackgroundTask, ShowBackgroundTaskProgress and
DeleteBackgroundTask must agree with each other.

* `listed_status_agrees_with_progress`: a task listed SUCCESS shows progress 100, one listed FAILED
  has a FAILED step (both statuses are final, so the progress fetched afterwards must agree);
* `deleted_task_is_gone`: once deleted, a task's progress answers 404 and no listing shows it;
* `pages_partition_the_listing`: the pages of `offset`/`limit` neither overlap nor skip, and
  together hold `task_count` tasks;
* `time_window_respected`: every task listed for a `start_time`/`end_time` window was created
  inside it, and a window around a listed task returns that task.

Like `checks.TargetChecks` they are made per run and handed to `Case.validate_response`; the ones
that need another operation's answer fetch it themselves (signed with the target's credentials),
once per task or instance, so a deterministic bug is caught whatever order the phases run in.
Against a real server, `pages_partition_the_listing` assumes nobody adds or deletes tasks of the
instance while it pages.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from dcs_tasks import parse_timestamp
from schemathesis import CheckContext, Response
from schemathesis.checks import CheckFunction

from .checks import SKIPPED, AnyCase, _task_key
from .checks import _progress_body as _ok_body  # a 200's JSON object body, whatever the operation
from .target import Target

LIST, SHOW = "ListBackgroundTask", "ShowBackgroundTaskProgress"
SUCCESS, FAILED = "SUCCESS", "FAILED"
QUERY_TIME = "%Y%m%d%H%M%S"
PAGE_SIZE = 2  # small, so even a short listing spans several pages
MAX_PAGES = 50
MAX_VERIFIED_PER_LISTING = 4  # progress fetched per listing answer (each task once per run)

TaskKey = tuple[str, ...]


def _operation_id(case: AnyCase) -> str:
    return str(case.operation.definition.raw.get("operationId", ""))


def _tasks(body: dict[str, Any]) -> list[dict[str, Any]]:
    tasks = body.get("tasks")
    return [task for task in tasks if isinstance(task, dict)] if isinstance(tasks, list) else []


def _count(body: dict[str, Any]) -> int | None:
    value = body.get("task_count")
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _window_bound(value: object) -> datetime.datetime | None:
    try:
        return datetime.datetime.strptime(str(value), QUERY_TIME).replace(tzinfo=datetime.UTC)
    except ValueError:
        return None


def _created(task: dict[str, Any]) -> datetime.datetime | None:
    """When the task was created, to the second (the window's precision)."""
    value = task.get("created_at")
    try:
        return parse_timestamp(value).replace(microsecond=0) if isinstance(value, str) else None
    except ValueError:
        return None


class FamilyChecks:
    """The cross-operation checks of one run, the tasks it deleted, and what it fetched to judge."""

    def __init__(self, target: Target, deleted: set[TaskKey]) -> None:
        self.target = target
        self.deleted = deleted  # shared with `TargetChecks`, which leaves deleted tasks to these checks
        self.verified: set[TaskKey] = set()
        self.paged: set[TaskKey] = set()
        self.windowed: set[TaskKey] = set()
        self.fetched: Counter[str] = Counter()  # requests these checks sent, by operation

    @property
    def all(self) -> list[CheckFunction]:
        return [
            self.listed_status_agrees_with_progress,
            self.deleted_task_is_gone,
            self.pages_partition_the_listing,
            self.time_window_respected,
        ]

    # -- helpers ---------------------------------------------------------------------------------

    def _signed(self, response: Response) -> bool:
        return self.target.auth.authenticated(response.request)

    def _listing(self, case: AnyCase, response: Response) -> dict[str, Any] | None:
        """The body of a signed, successful listing (None for anything else)."""
        if _operation_id(case) != LIST or not self._signed(response):
            return None
        return _ok_body(response)

    def _fetch(self, case: AnyCase, operation_id: str, task_id: str = "", **query: str | int) -> Response:
        """Another operation of the family for the case's project and instance, signed as the target signs."""
        operation = case.operation.schema.find_operation_by_id(operation_id)
        parameters = {name: case.path_parameters[name] for name in ("project_id", "instance_id")}
        if task_id:
            parameters["task_id"] = task_id
        self.fetched[operation_id] += 1
        answer: Response = operation.Case(path_parameters=parameters, query=query or None).call(auth=self.target.auth)
        return answer

    def _pages(self, case: AnyCase, limit: int) -> list[tuple[int, dict[str, Any]]]:
        """Every page of the case's instance with `limit`, by offset, until one is empty or the count is reached."""
        pages: list[tuple[int, dict[str, Any]]] = []
        offset = 0
        for _ in range(MAX_PAGES):
            answer = self._fetch(case, LIST, offset=offset, limit=limit)
            body = _ok_body(answer)
            if body is None:
                raise AssertionError(f"listing the page at offset {offset} answered {answer.status_code}")
            pages.append((offset, body))
            offset += len(_tasks(body))
            total = _count(body)
            if not _tasks(body) or (total is not None and offset >= total):
                break
        return pages

    # -- the checks ------------------------------------------------------------------------------

    def listed_status_agrees_with_progress(self, ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        """A task listed SUCCESS shows progress 100; one listed FAILED has a FAILED step."""
        body = self._listing(case, response)
        if body is None:
            return SKIPPED
        project, instance, _ = _task_key(case)
        judged = 0
        for task in _tasks(body):
            key = (project, instance, str(task.get("id", "")).lower())
            status = task.get("status")
            known = key in self.verified or key in self.deleted
            if status not in (SUCCESS, FAILED) or known or judged >= MAX_VERIFIED_PER_LISTING:
                continue
            self.verified.add(key)
            judged += 1
            answer = self._fetch(case, SHOW, str(task["id"]))
            progress = _ok_body(answer)
            if progress is None:
                continue  # deleted since, or a task whose backend fails: nothing to compare
            steps = progress.get("step_details")
            statuses = [step.get("step_status") for step in steps if isinstance(step, dict)] if steps else []
            if status == SUCCESS and progress.get("progress") != 100:
                raise AssertionError(
                    f"task {task['id']!r} is listed SUCCESS but its progress is {progress.get('progress')!r}"
                )
            if status == FAILED and FAILED not in statuses:
                raise AssertionError(f"task {task['id']!r} is listed FAILED but no step failed: {statuses}")
        return None

    def deleted_task_is_gone(self, ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        """Once deleted, a task's progress answers 404 and no listing shows it."""
        operation, key = _operation_id(case), _task_key(case)
        signed = self._signed(response)
        if case.operation.method.upper() == "DELETE" and signed and 200 <= response.status_code < 300:
            self.deleted.add(key)
            answer = self._fetch(case, SHOW, str(case.path_parameters["task_id"]))
            if answer.status_code != 404:
                raise AssertionError(f"the progress of a task just deleted answered {answer.status_code}, expected 404")
            listed = {str(task.get("id", "")).lower() for _, page in self._pages(case, 100) for task in _tasks(page)}
            if key[2] in listed:
                raise AssertionError(f"task {key[2]!r} is still listed after it was deleted")
            return None
        if operation == SHOW and signed and key in self.deleted:
            if response.status_code != 404:
                raise AssertionError(f"a task this run deleted answered {response.status_code}, expected 404")
            return None
        body = self._listing(case, response)
        if body is None:
            return SKIPPED
        shown = {(key[0], key[1], str(task.get("id", "")).lower()) for task in _tasks(body)}
        if shown & self.deleted:
            raise AssertionError(f"deleted tasks are listed: {sorted(task for _, _, task in shown & self.deleted)}")
        return None

    def pages_partition_the_listing(self, ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        """Pages of `offset`/`limit` neither overlap nor skip, and together hold `task_count` tasks."""
        body = self._listing(case, response)
        instance = _task_key(case)[:2]
        if body is None or instance in self.paged or set(case.query or {}) & {"start_time", "end_time"}:
            return SKIPPED
        self.paged.add(instance)
        seen: dict[str, int] = {}
        total = None
        for offset, page in self._pages(case, PAGE_SIZE):
            total = _count(page)
            if len(_tasks(page)) > PAGE_SIZE:
                raise AssertionError(f"the page at offset {offset} holds {len(_tasks(page))} tasks, limit {PAGE_SIZE}")
            for task in _tasks(page):
                task_id = str(task.get("id"))
                if task_id in seen:
                    raise AssertionError(f"task {task_id!r} is on the pages at offsets {seen[task_id]} and {offset}")
                seen[task_id] = offset
        if total is not None and len(seen) != total:
            raise AssertionError(f"the pages hold {len(seen)} distinct tasks but task_count is {total}")
        return None

    def time_window_respected(self, ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        """Tasks listed for a window were created inside it; a window around a listed task returns it."""
        body = self._listing(case, response)
        if body is None:
            return SKIPPED
        query = case.query or {}
        if {"start_time", "end_time"} & set(query):
            _inside(body, _window_bound(query.get("start_time")), _window_bound(query.get("end_time")))
            return None
        instance = _task_key(case)[:2]
        dated = [(task, created) for task in _tasks(body) if (created := _created(task)) is not None]
        if instance in self.windowed or not dated:
            return SKIPPED
        self.windowed.add(instance)
        task, created = dated[len(dated) // 2]
        bound = created.strftime(QUERY_TIME)
        answer = self._fetch(case, LIST, start_time=bound, end_time=bound)
        window = _ok_body(answer)
        if window is None:
            raise AssertionError(f"listing the window {bound}..{bound} answered {answer.status_code}")
        _inside(window, created, created)
        if task.get("id") not in [listed.get("id") for listed in _tasks(window)]:
            raise AssertionError(f"task {task.get('id')!r}, created at {bound}, is missing from that window")
        return None


def _inside(body: dict[str, Any], start: datetime.datetime | None, end: datetime.datetime | None) -> None:
    for task in _tasks(body):
        created = _created(task)
        if created is None:
            continue
        if (start is not None and created < start) or (end is not None and created > end):
            window = f"{start or '…'} .. {end or '…'}"
            raise AssertionError(f"task {task.get('id')!r} was created at {task.get('created_at')!r}, outside {window}")
