"""Domain checks Schemathesis cannot derive from the spec, each stating which operations it judges.

The ones that judge a response alone (progress, times, error codes, a listing's page) are registered next to
Schemathesis' built-in checks when this module is imported; each judges the answers whose documented body is
one schema of the spec (`body_check`), so it judges the operations answering with that schema, whichever they
are. The ones that need the run's target (its known tasks, its signer, the answers seen so far) live on
`TargetChecks`, one per run, and judge every operation taking the IDs they know. A check returns `SKIPPED`
(True, in Schemathesis' protocol) for what it does not judge — a non-JSON body is already the business of
the built-in checks — and None once it has judged a response and found it right.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import requests.auth
import schemathesis
from dcs_tasks import parse_timestamp
from schemathesis import Case, CheckContext, Response
from schemathesis.checks import CheckFunction

from .api_spec import OperationSpec, spec_of
from .auth import AkSkSigner
from .target import ABSENT_TASK, Target, id_key, keys_of

AnyCase = Case[Any]
Answer = Response | requests.Response
SKIPPED = True
FINISH, FAILED, WAITING = "FINISH", "FAILED", "WAITING"
# The response schemas the single-answer checks judge (their names in the spec's components).
PROGRESS, LISTING = "ShowBackgroundTaskProgressResponse", "ListBackgroundTaskResponse"


# Stale by more than the 15 minutes the gateway tolerates.
STALE = datetime.timedelta(minutes=-20)


def operation_of(case: AnyCase) -> OperationSpec | None:
    """The case's operation as the spec of its schema describes it."""
    operation_id = str(case.operation.definition.raw.get("operationId", ""))
    return spec_of(case.operation.schema.raw_schema).operation(operation_id)


def json_object(response: Answer) -> dict[str, Any] | None:
    """The body when it is a JSON object, else None."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def documented_body(case: AnyCase, response: Response, schema: str) -> dict[str, Any] | None:
    """The answer's JSON object body when the spec documents `schema` as the body of its status, else None."""
    operation = operation_of(case)
    if operation is None or operation.response_schemas.get(response.status_code) != schema:
        return None
    return json_object(response)


def body_check(schema: str) -> Callable[[Callable[[dict[str, Any], AnyCase], bool | None]], CheckFunction]:
    """Register a check of the answers whose documented body is `schema`: `judge` sees the body and the case;
    answers of any other schema, and bodies that are not a JSON object, are SKIPPED."""

    def register(judge: Callable[[dict[str, Any], AnyCase], bool | None]) -> CheckFunction:
        def check(_ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
            body = documented_body(case, response, schema)
            return SKIPPED if body is None else judge(body, case)

        check.__name__ = check.__qualname__ = judge.__name__  # the check's name in reports
        check.__doc__ = judge.__doc__
        registered: CheckFunction = schemathesis.check(check)
        return registered

    return register


def _steps(body: dict[str, Any]) -> list[dict[str, Any]]:
    steps = body.get("step_details")
    return [step for step in steps if isinstance(step, dict)] if isinstance(steps, list) else []


def step_statuses(body: dict[str, Any]) -> list[Any]:
    """Each top-level step's `step_status`, in the order listed."""
    return [step.get("step_status") for step in _steps(body)]


def case_key(case: AnyCase) -> tuple[str, ...]:
    """The IDs a case's path names (project, instance, task; lower-cased, empty where it has none)."""
    return id_key(case.path_parameters)


@body_check(PROGRESS)
def progress_complete_iff_steps_finished(body: dict[str, Any], _case: AnyCase) -> bool | None:
    """`progress` is 100 exactly when every step is FINISH."""
    statuses = step_statuses(body)
    if not statuses or not isinstance(body.get("progress"), int):
        return SKIPPED
    all_finished = all(status == FINISH for status in statuses)
    if (body["progress"] == 100) != all_finished:
        raise AssertionError(f"progress is {body['progress']} but the step statuses are {statuses}")
    return None


@body_check(PROGRESS)
def remain_time_zero_when_done(body: dict[str, Any], _case: AnyCase) -> bool | None:
    """A task at 100% has nothing left to run."""
    if body.get("progress") != 100 or "remain_time" not in body:
        return SKIPPED
    if body["remain_time"] != 0:
        raise AssertionError(f"progress is 100 but remain_time is {body['remain_time']!r}")
    return None


def _timed_items(steps: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    items = [(f"step {step.get('step_id')!r}", step) for step in steps]
    for step in steps:
        subs = step.get("sub_step_details")
        if isinstance(subs, list):
            items += [(f"sub-step {sub.get('sub_step_id')!r}", sub) for sub in subs if isinstance(sub, dict)]
    return items


@body_check(PROGRESS)
def end_time_not_before_begin_time(body: dict[str, Any], _case: AnyCase) -> bool | None:
    """Each step and sub-step ends no earlier than it began (either timestamp form)."""
    for label, item in _timed_items(_steps(body)):
        begin, end = item.get("begin_time"), item.get("end_time")
        if not (isinstance(begin, str) and isinstance(end, str) and begin and end):
            continue
        try:
            began, ended = parse_timestamp(begin), parse_timestamp(end)
        except ValueError as error:
            raise AssertionError(f"{label}: {error}") from None
        if ended < began:
            raise AssertionError(f"{label} ends at {end!r}, before it began at {begin!r}")
    return None


@body_check(PROGRESS)
def failed_step_has_error_code(body: dict[str, Any], _case: AnyCase) -> bool | None:
    """A FAILED step (or sub-step) says why, in `error_code`."""
    for step in _steps(body):
        if step.get("step_status") == FAILED and not step.get("error_code"):
            raise AssertionError(f"step {step.get('step_id')!r} is FAILED without an error_code")
        subs = step.get("sub_step_details")
        for sub in subs if isinstance(subs, list) else []:
            if isinstance(sub, dict) and sub.get("sub_step_status") == FAILED and not sub.get("error_code"):
                raise AssertionError(f"sub-step {sub.get('sub_step_id')!r} is FAILED without an error_code")
    return None


@schemathesis.check
class progress_never_decreases:  # noqa: N801 - the class name is the check's name in reports
    """Between two polls of one task, `progress` never goes down."""

    def __init__(self) -> None:
        self.last: dict[tuple[str, ...], int] = {}

    def after_response(self, _ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        body = documented_body(case, response, PROGRESS)
        if body is None or not isinstance(body.get("progress"), int):
            return SKIPPED
        key, progress = case_key(case), body["progress"]
        previous = self.last.get(key)
        # Keep the highest seen, so one regression does not hide the next.
        self.last[key] = max(progress, previous or 0)
        if previous is not None and progress < previous:
            raise AssertionError(f"progress went from {previous} down to {progress} between two polls of one task")
        return None


_UPPER_CASE = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _statuses(body: dict[str, Any]) -> Iterator[tuple[str, object]]:
    """Every step and sub-step status of a progress body, with where it is."""
    for index, step in enumerate(_steps(body)):
        yield f"step_details[{index}].step_status", step.get("step_status")
        subs = step.get("sub_step_details")
        for number, sub in enumerate(subs if isinstance(subs, list) else []):
            if isinstance(sub, dict):
                yield f"step_details[{index}].sub_step_details[{number}].sub_step_status", sub.get("sub_step_status")


@body_check(PROGRESS)
def status_values_upper_case(body: dict[str, Any], _case: AnyCase) -> bool | None:
    """Step and sub-step statuses are upper case, as the spec documents (the open enum accepts any string)."""
    wrong = [(where, v) for where, v in _statuses(body) if isinstance(v, str) and not _UPPER_CASE.match(v)]
    if wrong:
        where, value = wrong[0]
        raise AssertionError(f"{where} is {value!r}: statuses are upper case (FINISH, FAILED, EXECUTING, WAITING)")
    return None


@body_check(PROGRESS)
def remain_time_not_negative(body: dict[str, Any], _case: AnyCase) -> bool | None:
    """`remain_time` counts seconds still to run: never below 0."""
    if not isinstance(body.get("remain_time"), int):
        return SKIPPED
    if body["remain_time"] < 0:
        raise AssertionError(f"remain_time is {body['remain_time']}, a negative number of seconds")
    return None


def _began(step: dict[str, Any], label: str) -> datetime.datetime | None:
    value = step.get("begin_time")
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_timestamp(value)
    except ValueError as error:
        raise AssertionError(f"{label}: {error}") from None


@body_check(PROGRESS)
def steps_in_execution_order(body: dict[str, Any], _case: AnyCase) -> bool | None:
    """Top-level steps are listed in execution order: no step began before the step listed above it (nor
    while that one has not begun)."""
    steps = _steps(body)
    for index in range(1, len(steps)):
        above, below = steps[index - 1], steps[index]
        started_above, started = _began(above, f"step_details[{index - 1}]"), _began(below, f"step_details[{index}]")
        if started is None:
            continue
        where = f"step_details[{index}] ({below.get('step_id')!r}) began at {below.get('begin_time')!r}"
        if started_above is None and above.get("step_status") == WAITING:
            raise AssertionError(f"{where}, but the step listed above it is WAITING: steps are in execution order")
        if started_above is not None and started < started_above:
            raise AssertionError(f"{where}, before the step listed above it ({above.get('begin_time')!r})")
    return None


def _count(body: Mapping[str, Any]) -> int | None:
    """A listing's `task_count`, a string of digits or a number (both documented)."""
    value = body.get("task_count")
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _query_int(case: AnyCase, name: str) -> int | None:
    value = (case.query or {}).get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


@body_check(LISTING)
def offset_past_end_is_empty(body: dict[str, Any], case: AnyCase) -> bool | None:
    """A page holds at most `limit` tasks, no more than `task_count` leaves from its `offset`, and none at an
    offset at or past the end (the answer's own `task_count`)."""
    tasks = body.get("tasks")
    total, offset, limit = _count(body), _query_int(case, "offset") or 0, _query_int(case, "limit")
    if not isinstance(tasks, list) or total is None:
        return SKIPPED
    if limit is not None and len(tasks) > limit:
        raise AssertionError(f"the page holds {len(tasks)} tasks, more than limit={limit}")
    if offset >= total and tasks:
        raise AssertionError(f"offset {offset} is at or past the end (task_count {total}) yet holds {len(tasks)} tasks")
    if tasks and offset + len(tasks) > total:
        raise AssertionError(f"the page at offset {offset} holds {len(tasks)} tasks, past task_count {total}")
    return None


@schemathesis.check
def no_body_where_no_content_documented(_ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
    """A status the spec documents with no content (a 204: RFC 9110 says it has none) answers with no body
    (every operation)."""
    operation = operation_of(case)
    documented = operation.without_content if operation is not None else frozenset()
    if str(response.status_code) not in documented:
        return SKIPPED
    # A body sent anyway is left unread by HTTP clients (`transport.read_body`); its Content-Length still says so.
    # `Content-Length: 0` is harmless and common: tolerated.
    declared = header(response, "Content-Length") or "0"
    sent = max(len(response.content), int(declared) if declared.isdigit() else 1)
    if sent:
        raise AssertionError(f"{response.status_code} is documented without content, yet the answer has {sent} bytes")
    return None


@dataclasses.dataclass(frozen=True, repr=False)
class _FlippedSignature(requests.auth.AuthBase):
    signer: AkSkSigner

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        self.signer(request)
        value = str(request.headers["Authorization"])
        request.headers["Authorization"] = value[:-1] + ("0" if value[-1] != "0" else "1")
        return request


def tampered_signers(signer: AkSkSigner) -> dict[str, requests.auth.AuthBase]:
    """Ways to get the signature wrong that a verifying server must each reject with 401."""
    return {
        "signature altered": _FlippedSignature(signer),
        "wrong secret key": dataclasses.replace(signer, secret_key=signer.secret_key + "-wrong"),
        "X-Sdk-Date 20 minutes old": dataclasses.replace(signer, clock_skew=STALE),
    }


def is_error_body(response: Response | requests.Response) -> bool:
    """Whether the body is the documented error object (`error_code` and `error_msg` strings)."""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("error_code"), str) and isinstance(body.get("error_msg"), str)


def header(response: Answer, name: str) -> str | None:
    """A response header's (first) value, whether Schemathesis' response (lists by lower-case name) or requests'."""
    if isinstance(response, requests.Response):
        return response.headers.get(name)
    values = response.headers.get(name.lower())
    return values[0] if values else None


class RequestIds:
    """Every `X-Request-Id` a run was answered with, and the request that got it first."""

    def __init__(self) -> None:
        self.first: dict[str, str] = {}

    def repeated(self, response: Answer) -> str | None:
        """What is wrong when `response` repeats an ID another answer of the run carried (None when new or absent)."""
        value = header(response, "X-Request-Id")
        if not value:
            return None  # a missing header is `response_headers_conformance`'s (and the probes') business
        request = response.request
        sent = f"{request.method} {request.path_url}" if request is not None else "a request"
        if value not in self.first:
            self.first[value] = sent
            return None
        return f"X-Request-Id {value!r} answered {sent}, and already {self.first[value]}: each answer needs its own"


class TargetChecks:
    """The checks that judge responses by what one run's target is known to hold and by what the run has seen
    (the suite's own probes, tampered signatures included, are in `probes.py`).

    Made per run and handed to `Case.validate_response(additional_checks=…)`, so each run's checks see
    its own target and answers; the bound methods' names are the checks' names in reports.
    """

    def __init__(self, target: Target) -> None:
        self.target = target
        # Tasks this run deleted: what they answer now is judged by `checks_family.deleted_task_is_gone`.
        self.deleted: set[tuple[str, ...]] = set()
        self.request_ids = RequestIds()

    @property
    def all(self) -> list[CheckFunction]:
        return [self.known_tasks_answer_as_expected, self.request_id_unique, self.signed_request_accepted]

    def signed(self, answer: Answer) -> bool:
        # Judged on the request as sent: it carries the target's credentials or it does not.
        return answer.request is not None and self.target.auth.authenticated(answer.request)

    def is_known_fault(self, case: AnyCase, response: Response) -> bool:
        """A signed request for a task (or instance) known to fail on this operation, answered 500 as it should be.

        The one case where a server error is the right answer: Schemathesis' `not_a_server_error` is
        excused for it (its body and headers are still checked); any other 500 fails the run.
        """
        operation = operation_of(case)
        return (
            operation is not None
            and response.status_code == 500
            and self.signed(response)
            and id_key(case.path_parameters, operation.id_parameters) in self.target.failing_keys(operation)
        )

    def request_id_unique(self, _ctx: CheckContext, response: Response, _case: AnyCase) -> bool | None:
        """Every answer of a run carries its own `X-Request-Id` (judged on every operation, probes included)."""
        problem = self.request_ids.repeated(response)
        if problem is not None:
            raise AssertionError(problem)
        return None if header(response, "X-Request-Id") else SKIPPED

    def signed_request_accepted(self, _ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        """A request signed correctly with the target's credentials is never refused with 401 (every operation)."""
        if not self.signed(response):
            return SKIPPED
        if response.status_code == 401:
            raise AssertionError(
                f"a correctly signed {case.method} answered 401: the server refuses what the documented "
                "signing algorithm produced (canonical path or query, signed headers, or a locked AK?)"
            )
        return None

    def expected(self, operation: OperationSpec, parameters: Mapping[str, object]) -> tuple[frozenset[int], str] | None:
        """What a signed request of `operation` for these IDs must answer, and why; None when nothing is known."""
        target, names, op = self.target, operation.id_parameters, operation.operation_id
        key = id_key(parameters, names)
        offered = operation.takes_task and key in keys_of(target.changeable_for(op), names)
        if key in target.failing_keys(operation) and (offered or not operation.changes_state):
            what = "task" if operation.takes_task else "instance"
            return frozenset({500}), f"a {what} whose backend is known to fail there (with the documented error body)"
        if offered:
            return operation.success_statuses, "a task the run may change"
        if not operation.changes_state and key in keys_of(target.readable_for(operation), names):
            return operation.success_statuses, "a task (or instance) the credentials may read"
        if key in keys_of(target.foreign_tasks, names):
            return frozenset({403, 404}), "another project's task (or instance)"
        absent_below_readable = key[-1:] == (ABSENT_TASK,) and key[:-1] in keys_of(target.readable_tasks, names[:-1])
        if key in keys_of(target.missing_tasks, names) or absent_below_readable:
            return frozenset({404}), "a well-formed ID that does not exist"
        return None

    def known_tasks_answer_as_expected(self, _ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        """A readable task answers a documented success to every read operation (401 unsigned), a task (or
        instance) known to fail there 500 with the error body, a task the run may change a documented success to
        the state-changing operations offered (500 where it is known to fail), another project's task never 2xx,
        an unknown ID 404 (every operation taking the IDs)."""
        operation = operation_of(case)
        if operation is None or not operation.id_parameters:
            return SKIPPED
        if operation.takes_task and case_key(case) in self.deleted:
            return SKIPPED
        expected = self.expected(operation, case.path_parameters or {})
        status = response.status_code
        if expected is None:
            return SKIPPED
        statuses, what = expected
        if case.meta is not None and case.meta.generation.mode.is_negative:
            statuses |= {400}  # a value off the schema (a query, a header) may be refused before any lookup
        if not self.signed(response):
            if statuses & operation.success_statuses and status != 401:
                raise AssertionError(f"an unsigned request for {what} answered {status}, expected 401")
            return None
        if status not in statuses or (500 in statuses and not is_error_body(response)):
            documented = "/".join(map(str, sorted(statuses)))
            raise AssertionError(f"{case.method} for {what} answered {status}, expected {documented}")
        return None
