"""The invariants of one page of a listing (answers whose documented body is `ListBackgroundTaskResponse`, every
one, fuzzed offsets included): at most `limit` tasks, none past its own `task_count`, none at an offset at or past
the end."""

from __future__ import annotations

from typing import Any

from schemathesis.checks import CheckFunction

from ..record.answers import AnyCase
from .base import LISTING, SKIPPED, body_check, task_count


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
    total, offset, limit = task_count(body), _query_int(case, "offset") or 0, _query_int(case, "limit")
    if not isinstance(tasks, list) or total is None:
        return SKIPPED
    if limit is not None and len(tasks) > limit:
        raise AssertionError(f"the page holds {len(tasks)} tasks, more than limit={limit}")
    if offset >= total and tasks:
        raise AssertionError(f"offset {offset} is at or past the end (task_count {total}) yet holds {len(tasks)} tasks")
    if tasks and offset + len(tasks) > total:
        raise AssertionError(f"the page at offset {offset} holds {len(tasks)} tasks, past task_count {total}")
    return None


LISTING_CHECKS: tuple[CheckFunction, ...] = (offset_past_end_is_empty,)
