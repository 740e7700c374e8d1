"""What every check of the suite stands on: its protocol (`SKIPPED`, in Schemathesis' terms the answer a check does
not judge), the case's operation as the spec describes it, an answer's body when the spec documents a given
schema for its status (`body_check`: a check of the answers of one response schema, whichever operations
answer with it), and the parts of a progress or listing body several checks read (steps, listed tasks, task_count).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from schemathesis import CheckContext, Response
from schemathesis.checks import CheckFunction

from ..record.answers import AnyCase, json_object
from ..spec.api import OperationSpec, spec_of
from ..spec.ids import id_key

SKIPPED = True
FINISH, FAILED, WAITING = "FINISH", "FAILED", "WAITING"
# The response schemas the single-answer checks judge (their names in the spec's components).
PROGRESS, LISTING = "ShowBackgroundTaskProgressResponse", "ListBackgroundTaskResponse"
BodyJudge = Callable[[dict[str, Any], AnyCase], bool | None]


def operation_of(case: AnyCase) -> OperationSpec | None:
    """The case's operation as the spec of its schema describes it."""
    operation_id = str(case.operation.definition.raw.get("operationId", ""))
    return spec_of(case.operation.schema).operation(operation_id)


def documented_body(case: AnyCase, response: Response, schema: str) -> dict[str, Any] | None:
    """The answer's JSON object body when the spec documents `schema` as the body of its status, else None."""
    operation = operation_of(case)
    if operation is None or operation.response_schemas.get(response.status_code) != schema:
        return None
    return json_object(response)


def body_check(schema: str) -> Callable[[BodyJudge], CheckFunction]:
    """A check of the answers whose documented body is `schema`: `judge` sees the body and the case; answers of
    any other schema, and bodies that are not a JSON object, are SKIPPED. Nothing is registered anywhere: the run
    hands its checks to Schemathesis (`checks.registry`)."""

    def register(judge: BodyJudge) -> CheckFunction:
        def check(_ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
            body = documented_body(case, response, schema)
            return SKIPPED if body is None else judge(body, case)

        functools.update_wrapper(check, judge)  # the judge's name is the check's name in reports
        return check

    return register


def steps(body: dict[str, Any]) -> list[dict[str, Any]]:
    steps = body.get("step_details")
    return [step for step in steps if isinstance(step, dict)] if isinstance(steps, list) else []


def listed_tasks(body: dict[str, Any]) -> list[dict[str, Any]]:
    """A listing's tasks (the objects of its `tasks` array)."""
    tasks = body.get("tasks")
    return [task for task in tasks if isinstance(task, dict)] if isinstance(tasks, list) else []


def step_statuses(body: dict[str, Any]) -> list[Any]:
    """Each top-level step's `step_status`, in the order listed."""
    return [step.get("step_status") for step in steps(body)]


def case_key(case: AnyCase) -> tuple[str, ...]:
    """The IDs a case's path names (project, instance, task; lower-cased, empty where it has none)."""
    return id_key(case.path_parameters)


def task_count(body: Mapping[str, Any]) -> int | None:
    """A listing's `task_count`, a string of digits or a number (both documented)."""
    value = body.get("task_count")
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None
