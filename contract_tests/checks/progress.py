"""The invariants of a task's progress (answers whose documented body is `ShowBackgroundTaskProgressResponse`):
`progress` is 100 exactly when every step is FINISH; `remain_time` is 0 when done and never negative; a step or
sub-step ends no earlier than it began; a FAILED one has an `error_code`; statuses are upper case; steps are listed
in execution order; and, across polls of one task, progress never decreases (`ProgressPolls`, one per run).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

from dcs_tasks import parse_timestamp
from schemathesis import CheckContext, Response
from schemathesis.checks import CheckFunction

from ..record import timeline
from ..record.answers import AnyCase
from .base import (
    FAILED,
    FINISH,
    PROGRESS,
    SKIPPED,
    WAITING,
    body_check,
    case_key,
    documented_body,
    step_statuses,
    steps,
)


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
    for label, item in _timed_items(steps(body)):
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
    for step in steps(body):
        if step.get("step_status") == FAILED and not step.get("error_code"):
            raise AssertionError(f"step {step.get('step_id')!r} is FAILED without an error_code")
        subs = step.get("sub_step_details")
        for sub in subs if isinstance(subs, list) else []:
            if isinstance(sub, dict) and sub.get("sub_step_status") == FAILED and not sub.get("error_code"):
                raise AssertionError(f"sub-step {sub.get('sub_step_id')!r} is FAILED without an error_code")
    return None


_UPPER_CASE = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _statuses(body: dict[str, Any]) -> Iterator[tuple[str, object]]:
    """Every step and sub-step status of a progress body, with where it is."""
    for index, step in enumerate(steps(body)):
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
    listed = steps(body)
    for index in range(1, len(listed)):
        above, below = listed[index - 1], listed[index]
        started_above, started = _began(above, f"step_details[{index - 1}]"), _began(below, f"step_details[{index}]")
        if started is None:
            continue
        where = f"step_details[{index}] ({below.get('step_id')!r}) began at {below.get('begin_time')!r}"
        if started_above is None and above.get("step_status") == WAITING:
            raise AssertionError(f"{where}, but the step listed above it is WAITING: steps are in execution order")
        if started_above is not None and started < started_above:
            raise AssertionError(f"{where}, before the step listed above it ({above.get('begin_time')!r})")
    return None


class ProgressPolls:
    """What one run has seen of each task's progress: between two polls of one task, `progress` never goes down.

    "Between two polls" means one sent after the other was answered (`record.timeline`): with concurrent workers
    two polls of a task may overlap, and one sent first may be answered last, with the task moved on meanwhile."""

    def __init__(self) -> None:
        self.polls: dict[tuple[str, ...], list[tuple[int | None, int]]] = {}  # per task: (answered at, progress)

    def progress_never_decreases(self, _ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        """Between two polls of one task, `progress` never goes down."""
        body = documented_body(case, response, PROGRESS)
        if body is None or not isinstance(body.get("progress"), int):
            return SKIPPED
        key, progress = case_key(case), body["progress"]
        polls = self.polls.setdefault(key, [])
        sent = timeline.sent_at(response.request)
        # The highest of the polls answered before this one was sent (all of them when unknown: serially, every one).
        before = [seen for answered, seen in polls if sent is None or answered is None or answered < sent]
        previous = max(before, default=None)
        polls.append((timeline.answered_at(response.request), progress))
        if previous is not None and progress < previous:
            raise AssertionError(f"progress went from {previous} down to {progress} between two polls of one task")
        return None


# The checks of a progress body alone, in the order reports list them.
PROGRESS_CHECKS: tuple[CheckFunction, ...] = (
    progress_complete_iff_steps_finished,
    remain_time_zero_when_done,
    end_time_not_before_begin_time,
    failed_step_has_error_code,
    status_values_upper_case,
    remain_time_not_negative,
    steps_in_execution_order,
)
