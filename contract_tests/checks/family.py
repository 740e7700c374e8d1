"""Domain checks across the task family: the listing (`ListBackgroundTaskResponse` answers), the progress
(`ShowBackgroundTaskProgress`) and the deletion (`DeleteBackgroundTask`) must agree with each other.

* `listed_status_agrees_with_progress`: every listed status agrees with the task's progress — SUCCESS with
  progress 100, FAILED with a FAILED step, EXECUTING with a started unfinished task, WAITING/CREATED with
  one not started — and a listed task's progress is found;
* `deleted_task_is_gone`: once deleted, a task answers 404 to every read operation and no listing shows it;
* `pages_partition_the_listing`: the pages of `offset`/`limit`, read until an empty one, neither overlap nor
  skip, hold `task_count` distinct tasks, and a page at or past the end is empty;
* `time_window_respected`: every task listed for a `start_time`/`end_time` window was created inside it,
  and a window around a listed task returns that task.

Like `checks.target_checks.TargetChecks` they are made per run and handed to `Case.validate_response`; the ones
that need another operation's answer fetch it themselves (signed with the target's credentials), once per task or
instance, so a deterministic bug is caught whatever order the phases run in. Every answer they fetch is
judged like any other case (`judge`: every single-answer check, Schemathesis' and the suite's; a failure
there fails the check that fetched it too).

Tolerances, for a shared server others change during the run (each is counted in the report's `excused`):
* a task that moves on between the listing and its progress (listed EXECUTING, finished when its progress
  is read) agrees when a listing read after the progress shows it there too;
* a listed task whose progress answers 404, or that a time window around it misses, is excused when a
  listing read afterwards no longer shows it (deleted by someone else); still listed, it fails;
* pages that overlap, skip or miscount while the service says the listing changed (`task_count` differs
  between pages, or a task created after the run started is listed) are read once more: a consistent
  re-read passes; an inconsistent one fails unless it too reports a change and differs from the first
  read (pages that read the same twice changed nothing: that inconsistency is the server's).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dcs_tasks import parse_timestamp
from requests.auth import AuthBase
from schemathesis import CheckContext, Response
from schemathesis.checks import CheckFunction
from schemathesis.specs.openapi.schemas import OpenApiSchema

from ..record.answers import AnyCase, json_object
from ..spec.api import spec_of
from ..target.model import Target
from .base import FAILED, LISTING, SKIPPED, WAITING, case_key, operation_of, step_statuses, task_count
from .base import listed_tasks as _tasks

SHOW, DELETE = "ShowBackgroundTaskProgress", "DeleteBackgroundTask"
SUCCESS, EXECUTING, NOT_STARTED = "SUCCESS", "EXECUTING", "NOT_STARTED"
# Listed statuses by how far a task has come; a task only moves forward, and SUCCESS and FAILED are final.
LISTED = {"CREATED": NOT_STARTED, "WAITING": NOT_STARTED, EXECUTING: EXECUTING, SUCCESS: SUCCESS, FAILED: FAILED}
RANK = {NOT_STARTED: 0, EXECUTING: 1, SUCCESS: 2, FAILED: 2}
QUERY_TIME = "%Y%m%d%H%M%S"
PAGE_SIZE = 2  # small, so even a short listing spans several pages
MAX_PAGES = 50
WHOLE_LISTING = 100  # the page size of a listing read to find a task again
MAX_VERIFIED_PER_LISTING = 4  # progress fetched per listing answer (each task once per run)

TaskKey = tuple[str, ...]
Judge = Callable[[AnyCase, Response], None]  # runs every single-answer check on a fetched answer


def _window_bound(value: object) -> datetime.datetime | None:
    try:
        return datetime.datetime.strptime(str(value), QUERY_TIME).replace(tzinfo=datetime.UTC)
    except ValueError:
        return None


def _created(task: dict[str, Any]) -> datetime.datetime | None:
    """When the task was created, in UTC (the window's zone) to the second (its precision)."""
    value = task.get("created_at")
    try:
        return (
            parse_timestamp(value).astimezone(datetime.UTC).replace(microsecond=0) if isinstance(value, str) else None
        )
    except ValueError:
        return None


def progress_state(body: dict[str, Any]) -> str | None:
    """How far a task has come by its progress: FAILED (a step failed), SUCCESS (100 %), NOT_STARTED (every
    step WAITING at 0 %), EXECUTING (anything between); None when the body says too little."""
    statuses = step_statuses(body)
    progress = body.get("progress")
    if FAILED in statuses:
        return FAILED
    if progress == 100:
        return SUCCESS
    if statuses and all(status == WAITING for status in statuses):
        return NOT_STARTED if progress in (0, None) else EXECUTING
    return EXECUTING if statuses or isinstance(progress, int) else None


def moved_on(listed: str, shown: str) -> bool:
    """Whether `shown` (read later) is further than `listed` along the one way a task goes."""
    return RANK[shown] > RANK[listed]


@dataclass
class Pages:
    """A listing read page by page: the pages by offset, and whether the service said it changed meanwhile."""

    pages: list[tuple[int, dict[str, Any]]]
    changed: bool  # task_count differed between pages, or a task created after the run started is listed

    def seen(self) -> list[tuple[int, int | None, tuple[str, ...]]]:
        """What the pages showed (offset, task_count, task IDs): two reads alike mean nothing changed between."""
        return [
            (offset, task_count(body), tuple(str(task.get("id")) for task in _tasks(body)))
            for offset, body in self.pages
        ]


class FamilyChecks:
    """The cross-operation checks of one run, the tasks it deleted, and what it fetched to judge."""

    def __init__(
        self,
        target: Target,
        deleted: set[TaskKey],
        judge: Judge,
        excused: Counter[str],
        started: datetime.datetime | None = None,
    ) -> None:
        self.target = target
        self.deleted = deleted  # shared with `TargetChecks`, which leaves deleted tasks to these checks
        self.judge = judge
        self.excused = excused  # what a concurrent change explained, by tolerance (the report's)
        # Tasks created after this (to the second) were created by someone else during the run.
        self.started = (started or datetime.datetime.now(datetime.UTC)).replace(microsecond=0)
        self.verified: set[TaskKey] = set()
        self.paged: set[TaskKey] = set()
        self.windowed: set[TaskKey] = set()
        self.fetched: Counter[str] = Counter()  # requests these checks sent, by operation
        # The listing `deleted_task_is_gone` read right after each deletion, by task: `checks.state_changes` reads it.
        self.after_deletion: dict[TaskKey, Pages] = {}

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
        """The body of a signed, successful answer documented as a listing (None for anything else)."""
        operation = operation_of(case)
        documented = operation is not None and operation.response_schemas.get(response.status_code) == LISTING
        if not documented or not self._signed(response) or not 200 <= response.status_code < 300:
            return None
        return json_object(response)

    def _fetch(
        self, case: AnyCase, operation_id: str, task_id: str = "", query: dict[str, str | int] | None = None
    ) -> Response:
        """Another operation for the case's project and instance, signed as the target signs; its answer judged."""
        parameters = {name: case.path_parameters[name] for name in ("project_id", "instance_id")}
        if task_id:
            parameters["task_id"] = task_id
        return self.fetch(case.operation.schema, operation_id, parameters, query)

    def fetch(
        self,
        schema: OpenApiSchema,
        operation_id: str,
        parameters: dict[str, str],
        query: dict[str, str | int] | None = None,
        *,
        auth: AuthBase | None = None,
        failures: list[str] | None = None,
    ) -> Response:
        """One request of `operation_id` for these path parameters, signed as the target signs (or with `auth`);
        its answer judged (what failed raised, or kept in `failures` when given, so the answer can still be read)."""
        self.fetched[operation_id] += 1
        fetched = schema.find_operation_by_id(operation_id).Case(path_parameters=parameters, query=query or None)
        answer: Response = fetched.call(auth=auth or self.target.auth)
        try:
            self.judge(fetched, answer)
        except AssertionError as failed:
            if failures is None:
                raise
            failures.append(str(failed))
        return answer

    def _list(self, case: AnyCase, **query: str | int) -> tuple[Response, dict[str, Any]]:
        """One page of the case's instance (by the case's own operation when it lists, else the spec's listing);
        an answer that is not a listing fails the check."""
        operation = operation_of(case)
        if operation is not None and LISTING in operation.response_schemas.values():
            listing = operation.operation_id
        else:
            spec = spec_of(case.operation.schema)
            listing = min(op for op in spec.with_schema(LISTING) if not spec.by_id[op].takes_task)
        answer = self._fetch(case, listing, query=dict(query))
        body = json_object(answer) if 200 <= answer.status_code < 300 else None
        if body is None:
            shown = ", ".join(f"{name}={value}" for name, value in query.items())
            raise AssertionError(f"listing the instance ({shown}) answered {answer.status_code}")
        return answer, body

    def _pages(self, case: AnyCase, limit: int) -> Pages:
        """Every page of the case's instance with `limit`, by offset, until an empty one."""
        pages: list[tuple[int, dict[str, Any]]] = []
        offset = 0
        for _ in range(MAX_PAGES):
            _, body = self._list(case, offset=offset, limit=limit)
            pages.append((offset, body))
            if not _tasks(body):
                break
            offset += len(_tasks(body))
        counts = {task_count(body) for _, body in pages}
        created = [when for _, body in pages for task in _tasks(body) if (when := _created(task)) is not None]
        return Pages(pages, len(counts) > 1 or any(when >= self.started for when in created))

    def _listed(self, case: AnyCase, task_id: str) -> str | None:
        """The task's listed status in a listing read now; None when it is no longer listed."""
        return _status_in(self._pages(case, WHOLE_LISTING), task_id)

    # -- the checks ------------------------------------------------------------------------------

    def listed_status_agrees_with_progress(self, _ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        """Every listed status agrees with the task's progress (SUCCESS: 100 %, FAILED: a FAILED step, EXECUTING:
        started and unfinished, WAITING/CREATED: not started), and a listed task's progress is there."""
        body = self._listing(case, response)
        if body is None or "instance_id" not in (case.path_parameters or {}):
            return SKIPPED
        project, instance = case_key(case)[:2]
        judged = 0
        for task in _tasks(body):
            task_id = str(task.get("id", ""))
            key = (project, instance, task_id.lower())
            listed = LISTED.get(str(task.get("status")))
            known = key in self.verified or key in self.deleted
            if listed is None or not task_id or known or judged >= MAX_VERIFIED_PER_LISTING:
                continue
            self.verified.add(key)
            judged += 1
            self._agrees(case, task_id, listed)
        return None

    def _agrees(self, case: AnyCase, task_id: str, listed: str) -> None:
        answer = self._fetch(case, SHOW, task_id)
        if answer.status_code == 404:
            if self._listed(case, task_id) is not None:
                raise AssertionError(f"task {task_id!r} is listed, but its progress answers 404")
            self.excused["listed task deleted by someone else before its progress was read"] += 1
            return
        progress = json_object(answer) if answer.status_code == 200 else None
        shown = progress_state(progress) if progress is not None else None
        if shown is None or shown == listed:
            return  # nothing to compare (a task known to fail answers 500, judged as such), or agreement
        what = f"task {task_id!r} is listed {listed} but its progress shows {shown} ({_summary(progress)})"
        if not moved_on(listed, shown):  # behind the listing, or the other final status
            raise AssertionError(what)
        again = LISTED.get(str(self._listed(case, task_id)))
        if again is None or RANK[again] < RANK[shown] or (RANK[shown] == 2 and again != shown):
            raise AssertionError(f"{what}, and a listing read after that shows it {again or 'not at all'}")
        self.excused["task moved on between the listing and its progress"] += 1

    def deleted_task_is_gone(self, _ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        """Once deleted, a task answers 404 to every read operation (its progress read right away) and no listing
        shows it."""
        operation, key = operation_of(case), case_key(case)
        signed = self._signed(response)
        if operation is None:
            return SKIPPED
        if operation.operation_id == DELETE and signed and response.status_code in operation.success_statuses:
            self.deleted.add(key)
            answer = self._fetch(case, SHOW, str(case.path_parameters["task_id"]))
            if answer.status_code != 404:
                raise AssertionError(f"the progress of a task just deleted answered {answer.status_code}, expected 404")
            self.after_deletion[key] = listing = self._pages(case, WHOLE_LISTING)
            if _status_in(listing, key[2]) is not None:
                raise AssertionError(f"task {key[2]!r} is still listed after it was deleted")
            return None
        if not operation.changes_state and operation.takes_task and signed and key in self.deleted:
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

    def pages_partition_the_listing(self, _ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        """Pages of `offset`/`limit`, read until an empty one, neither overlap nor skip, together hold `task_count`
        distinct tasks, and a page at or past the end is empty."""
        body = self._listing(case, response)
        instance = case_key(case)[:2]
        operation = operation_of(case)
        pageable = operation is not None and {"offset", "limit"} <= set(operation.query_parameters)
        if body is None or not pageable or instance in self.paged or set(case.query or {}) & {"start_time", "end_time"}:
            return SKIPPED
        self.paged.add(instance)
        listing = self._pages(case, PAGE_SIZE)
        problem = self._partition_problem(case, listing)
        if problem is not None and listing.changed:
            again = self._pages(case, PAGE_SIZE)  # the service said the listing changed: read it once more
            problem = self._partition_problem(case, again)
            if problem is not None and again.changed and again.seen() != listing.seen():
                self.excused["listing changed while it was paged, twice"] += 1
                return None
            if problem is None:
                self.excused["listing changed while it was paged"] += 1
        if problem is not None:
            raise AssertionError(problem)
        return None

    def _partition_problem(self, case: AnyCase, listing: Pages) -> str | None:
        seen: dict[str, int] = {}
        for offset, page in listing.pages:
            if len(_tasks(page)) > PAGE_SIZE:
                return f"the page at offset {offset} holds {len(_tasks(page))} tasks, limit {PAGE_SIZE}"
            for task in _tasks(page):
                task_id = str(task.get("id"))
                if task_id in seen:
                    return f"task {task_id!r} is on the pages at offsets {seen[task_id]} and {offset}"
                seen[task_id] = offset
        total = task_count(listing.pages[-1][1])
        if total is not None and len(seen) != total:
            return f"the pages hold {len(seen)} distinct tasks but task_count is {total}"
        for offset in (len(seen), len(seen) + PAGE_SIZE):
            _, past = self._list(case, offset=offset, limit=PAGE_SIZE)
            if _tasks(past):
                return f"the page at offset {offset}, past the {len(seen)} tasks listed, holds {len(_tasks(past))}"
        return None

    def time_window_respected(self, _ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        """Tasks listed for a window were created inside it; a window around a listed task returns it."""
        body = self._listing(case, response)
        operation = operation_of(case)
        windowed = operation is not None and {"start_time", "end_time"} <= set(operation.query_parameters)
        if body is None or not windowed:
            return SKIPPED
        query = case.query or {}
        if {"start_time", "end_time"} & set(query):
            _inside(body, _window_bound(query.get("start_time")), _window_bound(query.get("end_time")))
            return None
        instance = case_key(case)[:2]
        dated = [(task, created) for task in _tasks(body) if (created := _created(task)) is not None]
        if instance in self.windowed or not dated:
            return SKIPPED
        self.windowed.add(instance)
        task, created = dated[len(dated) // 2]
        bound = created.strftime(QUERY_TIME)
        _, window = self._list(case, start_time=bound, end_time=bound)
        _inside(window, created, created)
        if task.get("id") not in [listed.get("id") for listed in _tasks(window)]:
            if self._listed(case, str(task.get("id"))) is None:
                self.excused["listed task deleted by someone else before its window was read"] += 1
                return None
            raise AssertionError(f"task {task.get('id')!r}, created at {bound}, is missing from that window")
        return None


def _status_in(listing: Pages, task_id: str) -> str | None:
    """The task's listed status in `listing`; None when it is not listed."""
    for _, page in listing.pages:
        for task in _tasks(page):
            if str(task.get("id", "")).lower() == task_id.lower():
                return str(task.get("status"))
    return None


def _summary(progress: dict[str, Any] | None) -> str:
    if progress is None:
        return "no body"
    return f"progress {progress.get('progress')!r}, steps {step_statuses(progress)}"


def _inside(body: dict[str, Any], start: datetime.datetime | None, end: datetime.datetime | None) -> None:
    for task in _tasks(body):
        created = _created(task)
        if created is None:
            continue
        if (start is not None and created < start) or (end is not None and created > end):
            window = f"{start or '…'} .. {end or '…'}"
            raise AssertionError(f"task {task.get('id')!r} was created at {task.get('created_at')!r}, outside {window}")
