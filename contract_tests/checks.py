"""Domain checks Schemathesis cannot derive from the spec.

The ones that judge a response alone (progress, times, error codes) are registered next to
Schemathesis' built-in checks when this module is imported. The ones that need the run's target
(its known tasks, its signer) live on `TargetChecks`, one per run. A check returns `SKIPPED`
(True, in Schemathesis' protocol) for what it cannot judge — a non-JSON body is already the
business of the built-in checks — and None once it has judged a response and found it right.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable, Iterator
from typing import Any

import requests.auth
import schemathesis
from dcs_tasks import parse_timestamp
from schemathesis import Case, CheckContext, Response
from schemathesis.checks import CheckFunction

from .auth import AkSkSigner
from .target import KnownTask, Target, names_one_of, task_key

AnyCase = Case[Any]
SKIPPED = True
FINISH, FAILED = "FINISH", "FAILED"


# Stale by more than the 15 minutes the gateway tolerates.
STALE = datetime.timedelta(minutes=-20)


def _progress_body(response: Response) -> dict[str, Any] | None:
    if response.status_code != 200:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def progress_check(judge: Callable[[dict[str, Any]], bool | None]) -> CheckFunction:
    """Register a check of 200 JSON-object bodies: `judge` sees the body; anything else is SKIPPED."""

    def check(ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        body = _progress_body(response)
        return SKIPPED if body is None else judge(body)

    check.__name__ = check.__qualname__ = judge.__name__  # the check's name in reports
    check.__doc__ = judge.__doc__
    registered: CheckFunction = schemathesis.check(check)
    return registered


def _steps(body: dict[str, Any]) -> list[dict[str, Any]]:
    steps = body.get("step_details")
    return [step for step in steps if isinstance(step, dict)] if isinstance(steps, list) else []


def _task_key(case: AnyCase) -> tuple[str, ...]:
    return task_key(case.path_parameters)


@progress_check
def progress_complete_iff_steps_finished(body: dict[str, Any]) -> bool | None:
    """`progress` is 100 exactly when every step is FINISH."""
    steps = _steps(body)
    if not steps or not isinstance(body.get("progress"), int):
        return SKIPPED
    statuses = [step.get("step_status") for step in steps]
    all_finished = all(status == FINISH for status in statuses)
    if (body["progress"] == 100) != all_finished:
        raise AssertionError(f"progress is {body['progress']} but the step statuses are {statuses}")
    return None


@progress_check
def remain_time_zero_when_done(body: dict[str, Any]) -> bool | None:
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


@progress_check
def end_time_not_before_begin_time(body: dict[str, Any]) -> bool | None:
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


@progress_check
def failed_step_has_error_code(body: dict[str, Any]) -> bool | None:
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

    def after_response(self, ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        body = _progress_body(response)
        if body is None or not isinstance(body.get("progress"), int):
            return SKIPPED
        key, progress = _task_key(case), body["progress"]
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


@progress_check
def status_values_upper_case(body: dict[str, Any]) -> bool | None:
    """Step and sub-step statuses are upper case, as the spec documents (the open enum accepts any string)."""
    wrong = [(where, v) for where, v in _statuses(body) if isinstance(v, str) and not _UPPER_CASE.match(v)]
    if wrong:
        where, value = wrong[0]
        raise AssertionError(f"{where} is {value!r}: statuses are upper case (FINISH, FAILED, EXECUTING, WAITING)")
    return None


@progress_check
def remain_time_not_negative(body: dict[str, Any]) -> bool | None:
    """`remain_time` counts seconds still to run: never below 0."""
    if not isinstance(body.get("remain_time"), int):
        return SKIPPED
    if body["remain_time"] < 0:
        raise AssertionError(f"remain_time is {body['remain_time']}, a negative number of seconds")
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


def _matches(case: AnyCase, tasks: tuple[KnownTask, ...]) -> bool:
    return names_one_of(case.path_parameters, tasks)


class TargetChecks:
    """The checks that judge responses by what one run's target is known to hold (the suite's own probes,
    tampered signatures included, are in `probes.py`).

    Made per run and handed to `Case.validate_response(additional_checks=…)`, so each run's checks see
    its own target and count its own probes; the bound methods' names are the checks' names in reports.
    """

    def __init__(self, target: Target) -> None:
        self.target = target
        # Tasks this run deleted: what they answer now is judged by `checks_family.deleted_task_is_gone`.
        self.deleted: set[tuple[str, ...]] = set()

    @property
    def all(self) -> list[CheckFunction]:
        return [self.known_tasks_answer_as_expected]

    def _signed(self, response: Response) -> bool:
        # Judged on the request as sent: it carries the target's credentials or it does not.
        return self.target.auth.authenticated(response.request)

    def is_known_fault(self, case: AnyCase, response: Response) -> bool:
        """A signed request for one of the target's known-faulty tasks, answered 500 as it should be.

        The one case where a server error is the right answer: Schemathesis' `not_a_server_error` is
        excused for it (its body and headers are still checked); any other 500 fails the run.
        """
        return response.status_code == 500 and self._signed(response) and _matches(case, self.target.faulty_tasks)

    def known_tasks_answer_as_expected(self, ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        """A readable task answers 200 (401 unsigned), a known-faulty one 500 with the error body, another
        project's task never 2xx, an unknown ID 404."""
        target = self.target
        status = response.status_code
        if _task_key(case) in self.deleted:
            return SKIPPED
        if not self._signed(response):
            if _matches(case, target.readable_tasks) and status != 401:
                raise AssertionError(f"an unsigned request for a readable task answered {status}, expected 401")
            return None
        if _matches(case, target.readable_tasks) and status != 200:
            raise AssertionError(f"a task the credentials may read answered {status}, expected 200")
        if _matches(case, target.faulty_tasks) and (status != 500 or not is_error_body(response)):
            raise AssertionError(
                f"a task whose backend is known to fail answered {status}, expected 500 with the documented error body"
            )
        if _matches(case, target.foreign_tasks) and status not in (403, 404):
            raise AssertionError(f"another project's task answered {status}, expected 403 (or 404)")
        if _matches(case, target.missing_tasks) and status != 404:
            raise AssertionError(f"a well-formed ID that does not exist answered {status}, expected 404")
        return None
