"""The suite's cross-operation rules applied to what passes by (`TrafficRules`), without a request of the proxy's
own: answers about one task are compared whenever one came before the other. The rules and their names are
`checks.family`'s; the suite fetches what it compares, the proxy waits for the clients to ask.

* `listed_status_agrees_with_progress`: a task's progress read after a listing showed it agrees with the listed
  status, or has moved on (SUCCESS: 100 %, FAILED: a FAILED step, EXECUTING: started and unfinished, WAITING and
  CREATED: not started; `family.progress_state`, `LISTED`, `RANK`, `moved_on`); a listing read after a progress
  read shows the task at least that far (and the same final status); a task whose progress answered 404 is not
  listed afterwards.
* `deleted_task_is_gone`: once a deletion (DELETE) succeeded, every later request for the task answers 404 (a
  repeated deletion too; a 429 says nothing either way) and no later listing shows it.

"Before" is strict: one exchange ended before the other's request left the proxy. Two that overlap are never
compared (the service may have answered them in either order). Exchanges reach the observers in the order they
end, so every answer strictly before this one has already been seen: each is compared with the history kept of
its task (the last `HISTORY` observations).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...checks.base import LISTING, PROGRESS, listed_tasks, step_statuses
from ...checks.family import LISTED, RANK, FamilyChecks, moved_on, progress_state
from ...record.answers import json_object
from ...spec.ids import id_key
from .passing import Passing
from .request_rules import Problem

LISTED_CHECK = FamilyChecks.listed_status_agrees_with_progress.__name__
GONE_CHECK = FamilyChecks.deleted_task_is_gone.__name__
HISTORY = 32  # observations kept per task
THROTTLED = 429  # an answer that says nothing about the task
TaskKey = tuple[str, ...]


@dataclass(frozen=True)
class Seen:
    """What one exchange said of one task: `listed` (with its state), `shown` (its progress, with its state),
    `gone` (its progress answered 404) or `deleted` (a deletion succeeded)."""

    what: str
    state: str | None
    status: str  # the listed status, or a summary of the progress
    number: int
    sent: float
    finished: float


def _summary(body: dict[str, Any]) -> str:
    return f"progress {body.get('progress')!r}, steps {step_statuses(body)}"


class TrafficRules:
    """The history of the tasks one proxy run has seen, and the rules that compare a new answer with it."""

    def __init__(self) -> None:
        self.history: dict[TaskKey, deque[Seen]] = {}

    def checks(self, passing: Passing) -> tuple[str, ...]:
        """The rules that apply to this exchange (those whose verdict it may change)."""
        operation, response = passing.operation, passing.response
        if operation is None or response is None or response.status_code == THROTTLED:
            return ()
        if operation.response_schemas.get(response.status_code) == LISTING:
            return (LISTED_CHECK, GONE_CHECK)
        if operation.takes_task:
            return (LISTED_CHECK, GONE_CHECK) if PROGRESS in operation.response_schemas.values() else (GONE_CHECK,)
        return ()

    def judge(self, passing: Passing) -> list[Problem]:
        """What this exchange contradicts in the answers strictly before it; then it joins the history."""
        if not self.checks(passing):
            return []
        problems: list[Problem] = []
        for key, seen in self._observations(passing):
            earlier = [old for old in self.history.get(key, ()) if old.finished <= passing.sent]
            problems += self._compare(key, seen, earlier)
            self.history.setdefault(key, deque(maxlen=HISTORY)).append(seen)
        return problems

    def _observations(self, passing: Passing) -> Iterator[tuple[TaskKey, Seen]]:
        operation, response = passing.operation, passing.response
        assert operation is not None  # `checks` says so
        assert response is not None
        status, schema = response.status_code, operation.response_schemas.get(response.status_code)
        times = (passing.number, passing.sent, passing.finished)
        body = json_object(response) if 200 <= status < 300 else None
        if schema == LISTING and body is not None:
            instance = id_key(passing.path_values)[:2]
            for task in listed_tasks(body):
                listed = str(task.get("status"))
                if task.get("id") and listed in LISTED:
                    yield (*instance, str(task["id"]).lower()), Seen("listed", LISTED[listed], listed, *times)
            return
        key = id_key(passing.path_values)
        if status == 404:
            yield key, Seen("gone", None, "404", *times)
        elif operation.method == "DELETE" and 200 <= status < 300:
            yield key, Seen("deleted", None, str(status), *times)
        elif schema == PROGRESS and body is not None and (state := progress_state(body)) is not None:
            yield key, Seen("shown", state, _summary(body), *times)
        else:
            yield key, Seen("asked", None, str(status), *times)  # compared with an earlier deletion only

    def _compare(self, key: TaskKey, seen: Seen, earlier: list[Seen]) -> list[Problem]:
        task = key[-1]
        problems = []
        deleted = next((old for old in reversed(earlier) if old.what == "deleted"), None)
        if deleted is not None and seen.what != "gone":
            what = "is listed" if seen.what == "listed" else f"answered {seen.status}, expected 404"
            problems.append(
                Problem(
                    GONE_CHECK,
                    "a deleted task " + ("is still listed" if seen.what == "listed" else "still answers"),
                    f"task {task!r} was deleted (exchange #{deleted.number}), and after that it {what} "
                    f"(exchange #{seen.number})",
                )
            )
            return problems
        for old in earlier:
            problem = _disagreement(task, old, seen)
            if problem is not None:
                problems.append(Problem(LISTED_CHECK, problem[0], problem[1]))
        return problems[:1]  # the first contradiction says it; the others repeat it


def _disagreement(task: str, old: Seen, new: Seen) -> tuple[str, str] | None:
    """Why `new`, strictly after `old`, contradicts it (title, message); None when they agree."""
    then = f"exchange #{old.number}"
    now = f"exchange #{new.number}"
    if old.what == "gone" and new.what == "listed":
        title = "a task whose progress answered 404 is listed after"
        return title, f"task {task!r}'s progress answered 404 ({then}), and a listing after that shows it ({now})"
    if old.state is None or new.state is None:
        return None
    if old.what == "listed" and new.what == "shown" and new.state != old.state and not moved_on(old.state, new.state):
        title = f"a task listed {old.status} shows {new.state} in its progress read after"
        shown = f"{new.state} ({new.status}, {now})"
        return title, f"task {task!r} is listed {old.status} ({then}) but its progress after that shows {shown}"
    behind = RANK[new.state] < RANK[old.state] or (RANK[new.state] == RANK[old.state] and new.state != old.state)
    if old.what == "shown" and new.what == "listed" and behind:
        title = f"a task listed {new.status} after its progress showed {old.state}"
        shown = f"{old.state} ({old.status}, {then})"
        return title, f"task {task!r}'s progress showed {shown}, and a listing after that shows it {new.status} ({now})"
    return None
