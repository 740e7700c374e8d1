"""Broken emulator variants for the times of an answer (issue 22, item 5), two or more of different causes per rule,
in the style of `variants.py` (whose wrappers they reuse): each changes the times of the documented success bodies
(a progress's steps and sub-steps, a listing's tasks) as a real service's bug would."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

from dcs_tasks import parse_timestamp

from .variants import Variant, _progress_bodies  # changes every 200 JSON body: the listings' and the progress's alike

FUTURE = frozenset({"times_not_in_the_future"})
INSIDE = frozenset({"sub_steps_inside_their_step"})
LIFE = frozenset({"updated_at_not_before_created_at"})
FIRST_STEP = frozenset({"task_created_before_first_step"})
Item = dict[str, Any]


def _written(instant: datetime.datetime, *, zone: str = "Z") -> str:
    """An instant as the service documents it (`2020-06-17T07:38:42.503Z`), or with no zone when `zone` is ""."""
    return instant.strftime("%Y-%m-%dT%H:%M:%S.") + f"{instant.microsecond // 1000:03d}" + zone


def _shifted(value: object, by: datetime.timedelta, *, zone: str = "Z") -> object:
    """A time moved `by` and written with `zone` as the zone label (not an offset applied): a clock or zone bug."""
    if not isinstance(value, str) or not value:
        return value
    return _written(parse_timestamp(value).astimezone(datetime.UTC) + by, zone=zone)


def _steps(document: Item) -> Iterator[Item]:
    yield from (step for step in document.get("step_details") or [] if isinstance(step, dict))


def _sub_steps(step: Item) -> list[Item]:
    return [sub for sub in step.get("sub_step_details") or [] if isinstance(sub, dict)]


def _tasks(document: Item) -> Iterator[Item]:
    yield from (task for task in document.get("tasks") or [] if isinstance(task, dict))


def _every_time(document: Item, change: Callable[[object], object]) -> None:
    items = [*_tasks(document), *_steps(document)]
    items += [sub for step in _steps(document) for sub in _sub_steps(step)]
    for item in items:
        for name in ("begin_time", "end_time", "created_at", "updated_at"):
            if name in item:
                item[name] = change(item[name])


# -- no time later than the moment of the answer ------------------------------------------------------------------


def _local_time_labelled_utc(document: Item) -> None:
    """A host in UTC+8 (the vendor's home region) writes its local wall-clock time with a `Z`."""
    _every_time(document, lambda value: _shifted(value, datetime.timedelta(hours=8)))


def _estimated_end_as_end_time(document: Item) -> None:
    """A running step's `end_time` filled with when it is expected to end (now plus `remain_time`)."""
    expected = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=int(document.get("remain_time") or 0))
    for step in _steps(document):
        if step.get("step_status") == "EXECUTING" and not step.get("end_time"):
            step["end_time"] = _written(expected)


# -- sub-steps inside their step's window -------------------------------------------------------------------------


def _step_restarted_at_each_sub_step(document: Item) -> None:
    """The step's `begin_time` overwritten each time one of its sub-steps starts (its last sub-step's start)."""
    for step in _steps(document):
        began = [sub["begin_time"] for sub in _sub_steps(step) if sub.get("begin_time")]
        if len(began) > 1:
            step["begin_time"] = max(began, key=parse_timestamp)


def _worker_clock_ahead(document: Item) -> None:
    """The sub-steps run on a worker whose clock is two minutes ahead of the scheduler's, which times the steps."""
    for step in _steps(document):
        for sub in _sub_steps(step):
            for name in ("begin_time", "end_time"):
                sub[name] = _shifted(sub.get(name), datetime.timedelta(minutes=2))


# -- updated_at ≥ created_at ---------------------------------------------------------------------------------------


def _created_at_restamped_by_migration(document: Item) -> None:
    """A data migration five minutes ago rewrote every task's `created_at` with its own run time."""
    migrated = _written(datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5))
    for task in _tasks(document):
        if task.get("created_at"):
            task["created_at"] = migrated


def _updated_at_defaults_to_epoch(document: Item) -> None:
    """A finished task's `updated_at` left at the column's default, the Unix epoch."""
    for task in _tasks(document):
        if task.get("status") in ("SUCCESS", "FAILED"):
            task["updated_at"] = "1970-01-01T00:00:00.000Z"


# -- a task created before its first step began -------------------------------------------------------------------


def _listing_host_clock_ahead(document: Item) -> None:
    """The listing's database host runs five minutes ahead of the hosts that run the steps."""
    for task in _tasks(document):
        for name in ("created_at", "updated_at"):
            task[name] = _shifted(task.get(name), datetime.timedelta(minutes=5))


def _created_at_written_at_commit(document: Item) -> None:
    """The task row is written (and `created_at` stamped) when its last change is committed, not when it was asked
    for: `created_at` equals `updated_at`."""
    for task in _tasks(document):
        if task.get("updated_at"):
            task["created_at"] = task["updated_at"]


TIME_VARIANTS: tuple[Variant, ...] = (
    Variant("local time labelled Z", _progress_bodies(_local_time_labelled_utc), FUTURE),
    Variant("a running step's expected end as end_time", _progress_bodies(_estimated_end_as_end_time), FUTURE),
    Variant("step restarted at each sub-step", _progress_bodies(_step_restarted_at_each_sub_step), INSIDE),
    Variant("sub-steps timed by a worker's clock 2 min ahead", _progress_bodies(_worker_clock_ahead), INSIDE),
    Variant("created_at restamped by a migration", _progress_bodies(_created_at_restamped_by_migration), LIFE),
    Variant("updated_at defaults to the epoch", _progress_bodies(_updated_at_defaults_to_epoch), LIFE),
    Variant("listing host's clock 5 min ahead", _progress_bodies(_listing_host_clock_ahead), FIRST_STEP),
    Variant("created_at written at commit", _progress_bodies(_created_at_written_at_commit), FIRST_STEP),
)
