"""The times of an answer (issue 22, item 5), found by the spec: every string field whose schema is a date-time
(`x-sdk-format: date-time` or `format: date-time`, `$ref`s and `allOf`s followed) in the documented body of the
answer's status, on every operation.

* `times_not_in_the_future`: no time is later than the moment of the answer — its `Date` header (RFC 9110 §6.6.1)
  when sent, else the client's clock when the check judges it (a moment after it arrived) — plus `ALLOWED_SKEW`;
* `sub_steps_inside_their_step`: an object's window (`begin_time` … `end_time`) holds the windows of the objects
  listed in it (a step's sub-steps);
* `updated_at_not_before_created_at`: in one object, the later field of a pair is not before the earlier one;
* `task_created_before_first_step` (`TaskTimes`, one per run): a task's `created_at` (from a listing) is not after
  the first `begin_time` of its steps (from its progress), whichever of the two answers came first.

Each failure names the fields and both instants as the answer wrote them. A time absent, null or empty (a step not
begun or not ended) is not judged; one the SDK cannot parse is `response_schema_conformance`'s to report. Two times
of which one has whole seconds only (`2022-09-01 11:52:24`, the form the service returns) are compared to the
second: the other may carry the fraction the first dropped.
"""

from __future__ import annotations

import datetime
import email.utils
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dcs_tasks import parse_timestamp
from schemathesis import CheckContext, Response
from schemathesis.checks import CheckFunction

from ..record.answers import AnyCase, header, json_object
from ..spec.api import ApiSpec, spec_of
from .base import LISTING, PROGRESS, SKIPPED, case_key, documented_body, listed_tasks, operation_of, steps

# The gateway refuses an `X-Sdk-Date` more than 15 minutes off (dcs-facts.md): the clocks of the service's hosts
# and the client's are taken to agree that closely.
ALLOWED_SKEW = datetime.timedelta(minutes=15)
# The pairs of date-time fields whose order is clear: a window (its beginning, its end) and a record's life.
WINDOW = ("begin_time", "end_time")
LIFE = ("created_at", "updated_at")
PAIRS = (WINDOW, LIFE)
WHOLE_SECOND = datetime.timedelta(seconds=1)


@dataclass(frozen=True)
class Time:
    """One date-time field of an answer: where it is, as written, and the instant it names."""

    where: str  # e.g. step_details[0].sub_step_details[1].end_time
    text: str
    instant: datetime.datetime

    def __str__(self) -> str:
        return f"{self.where} {self.text!r}"

    @property
    def resolution(self) -> datetime.timedelta:
        """A whole second when written without a fraction, else none."""
        return datetime.timedelta(0) if "." in self.text else WHOLE_SECOND


def time_of(item: dict[str, Any], name: str, where: str) -> Time | None:
    """`item[name]` as a `Time` (None when absent, null, empty or not a timestamp)."""
    value = item.get(name)
    if not isinstance(value, str) or not value:
        return None
    try:
        return Time(f"{where}.{name}" if where else name, value, parse_timestamp(value))
    except ValueError:
        return None


def later(first: Time, second: Time) -> bool:
    """Whether `first` is later than `second`, to the coarser resolution of the two."""
    return first.instant - second.instant >= max(first.resolution, second.resolution, datetime.timedelta.resolution)


def _date_time(schema: dict[str, Any]) -> bool:
    return schema.get("x-sdk-format") == "date-time" or schema.get("format") == "date-time"


def _times(spec: ApiSpec, schema: Any, value: Any, where: str) -> Iterator[Time]:  # noqa: ANN401 - any JSON
    """Every date-time string of `value` by `schema` (properties and items followed; `anyOf`/`oneOf` not)."""
    if not isinstance(schema, dict):
        return
    schema = spec.merged(schema)
    if isinstance(value, str) and _date_time(schema):
        parent, _, name = where.rpartition(".")
        found = time_of({name: value}, name, parent)
        if found is not None:
            yield found
    elif isinstance(value, dict):
        for name, prop in (schema.get("properties") or {}).items():
            if name in value:
                yield from _times(spec, prop, value[name], f"{where}.{name}" if where else name)
    elif isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            yield from _times(spec, schema["items"], item, f"{where}[{index}]")


def answer_times(case: AnyCase, response: Response) -> list[Time]:
    """Every date-time field of the answer's documented body (its status's schema), as the spec says."""
    operation = operation_of(case)
    node = None if operation is None else operation.bodies.get(str(response.status_code))
    body = json_object(response) if node is not None else None
    if node is None or body is None:
        return []
    return list(_times(spec_of(case.operation.schema), node.schema, body, ""))


def moment_of(response: Response) -> tuple[datetime.datetime, str]:
    """The moment of the answer and where it comes from: its `Date` header when sent and readable, else now."""
    sent = header(response, "Date")
    if sent:
        try:
            dated = email.utils.parsedate_to_datetime(sent)
        except (TypeError, ValueError):
            dated = None
        if dated is not None:
            return (dated if dated.tzinfo else dated.replace(tzinfo=datetime.UTC)), f"its Date header {sent!r}"
    now = datetime.datetime.now(datetime.UTC)
    return now, f"the client's clock ({now.isoformat(timespec='seconds')})"


def times_not_in_the_future(_ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
    """No date-time field of an answer (a step's or sub-step's beginning or end, a task's creation or update) is
    later than the moment of the answer plus the allowed clock skew."""
    times = answer_times(case, response)
    if not times:
        return SKIPPED
    moment, source = moment_of(response)
    limit = moment + ALLOWED_SKEW
    ahead = [time for time in times if time.instant > limit]
    if ahead:
        first = max(ahead, key=lambda time: time.instant)
        raise AssertionError(
            f"{first} ({first.instant.astimezone(datetime.UTC).isoformat()}) is later than the moment of the answer, "
            f"{moment.astimezone(datetime.UTC).isoformat()} by {source}, plus the allowed "
            f"{ALLOWED_SKEW.seconds // 60}-minute skew" + (f"; so are {len(ahead) - 1} more" if len(ahead) > 1 else "")
        )
    return None


def _windows(body: dict[str, Any], where: str) -> Iterator[tuple[str, dict[str, Any], str, dict[str, Any]]]:
    """Each (object, object listed in it) of `body` where both carry a window (`WINDOW`'s fields), with where."""
    for name, value in body.items():
        if not isinstance(value, list):
            continue
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                continue
            inner = f"{where}.{name}[{index}]" if where else f"{name}[{index}]"
            if where and any(field in body for field in WINDOW) and any(field in item for field in WINDOW):
                yield where, body, inner, item
            yield from _windows(item, inner)


@dataclass(frozen=True)
class _Outside:
    inner: Time
    outer: Time
    relation: str  # "before" or "after"


def _outside(outer: dict[str, Any], outer_at: str, inner: dict[str, Any], inner_at: str) -> _Outside | None:
    begin, end = (time_of(outer, name, outer_at) for name in WINDOW)
    inner_begin, inner_end = (time_of(inner, name, inner_at) for name in WINDOW)
    for inner_time in (inner_begin, inner_end):
        if inner_time is None:
            continue
        if begin is not None and later(begin, inner_time):
            return _Outside(inner_time, begin, "before")
        if end is not None and later(inner_time, end):
            return _Outside(inner_time, end, "after")
    return None


def sub_steps_inside_their_step(_ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
    """A sub-step (any object listed in an object, both with `begin_time`/`end_time`) began and ended inside its
    step's window: not before the step began, not after it ended."""
    operation = operation_of(case)
    body = documented_body(case, response, PROGRESS) if operation is not None else None
    if body is None or not steps(body):
        return SKIPPED
    for outer_at, outer, inner_at, inner in _windows(body, ""):
        found = _outside(outer, outer_at, inner, inner_at)
        if found is not None:
            raise AssertionError(
                f"{found.inner} is {found.relation} {found.outer}: a sub-step lies inside its step's window"
            )
    return None


def _objects(value: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:  # noqa: ANN401 - any JSON
    if isinstance(value, dict):
        yield where, value
        for name, item in value.items():
            yield from _objects(item, f"{where}.{name}" if where else name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _objects(item, f"{where}[{index}]")


def updated_at_not_before_created_at(_ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
    """A record was not updated before it was created: in each object of a documented body, `updated_at` is not
    before `created_at` (a listed task, on every operation whose answers carry them)."""
    operation = operation_of(case)
    body = json_object(response) if operation is not None and str(response.status_code) in operation.bodies else None
    if body is None:
        return SKIPPED
    judged = False
    for where, item in _objects(body):
        created, updated = (time_of(item, name, where) for name in LIFE)
        if created is None or updated is None:
            continue
        judged = True
        if later(created, updated):
            raise AssertionError(f"{updated} is before {created}: a task is updated at or after its creation")
    return None if judged else SKIPPED


class TaskTimes:
    """What one run has read of each task's times: its `created_at` (listings) and its first step's `begin_time`
    (its progress). A task was created before its first step began, whichever answer came first."""

    def __init__(self) -> None:
        self.created: dict[tuple[str, ...], Time] = {}
        self.first_step: dict[tuple[str, ...], Time] = {}

    def task_created_before_first_step(self, _ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        """A task's `created_at` (in a listing) is not after the first `begin_time` of its steps (in its
        progress)."""
        progress = documented_body(case, response, PROGRESS)
        listing = documented_body(case, response, LISTING) if progress is None else None
        keys: list[tuple[str, ...]] = []
        if progress is not None:
            started = [time for index, step in enumerate(steps(progress)) if (time := _began(step, index)) is not None]
            if started:
                key = case_key(case)
                self.first_step[key] = min(started, key=lambda time: time.instant)
                keys.append(key)
        elif listing is not None:
            instance = case_key(case)[:2]
            for index, task in enumerate(listed_tasks(listing)):
                created = time_of(task, LIFE[0], f"tasks[{index}]")
                if created is not None and task.get("id"):
                    key = (*instance, str(task["id"]).lower())
                    self.created[key] = created
                    keys.append(key)
        if not keys:
            return SKIPPED
        for key in keys:
            created, began = self.created.get(key), self.first_step.get(key)
            if created is not None and began is not None and later(created, began):
                raise AssertionError(
                    f"task {key[-1]!r} was created at {created.text!r} (the listing's {created.where}), after its "
                    f"first step began at {began.text!r} (its progress's {began.where})"
                )
        return None


def _began(step: dict[str, Any], index: int) -> Time | None:
    return time_of(step, WINDOW[0], f"step_details[{index}]")


# The checks of one answer's times, in the order reports list them (`TaskTimes` is made per run).
TIME_CHECKS: tuple[CheckFunction, ...] = (
    times_not_in_the_future,
    sub_steps_inside_their_step,
    updated_at_not_before_created_at,
)
