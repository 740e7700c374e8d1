"""Adding an operation needs only the spec, the emulator's model and, optionally, new domain checks: the suite
judges each operation by what the spec says of it.

A copy of the spec gets two operations it does not have — a read (`ListBackgroundTaskLogs`, a task's log lines)
and a state-changing POST (`RetryBackgroundTask`) — served by a test model plugged into the emulator
(`create_app(spec=…, extensions=…)`), on a scenario whose expectations name the operations: the changeable task
may be retried as well as deleted, the failed task's logs fail inside the service (500) while its progress
does not. The suite runs unchanged; each check judges only its operations; and against a remote target
(ALLOW_CHANGES=1) the POST reaches the server only for the task named as changeable.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from schemathesis import Response

from contract_tests.emulator import DEFAULT_SCENARIO_PATH, create_app, parse_scenario
from contract_tests.emulator.__main__ import environment, suite_environment
from contract_tests.emulator.errors import dump
from contract_tests.emulator.models import Backend
from contract_tests.emulator.responses import Handler
from contract_tests.emulator.server import serve_in_thread
from contract_tests.record.answers import AnyCase
from contract_tests.record.recording import RunObserver
from contract_tests.record.run_report import SuiteReport
from contract_tests.reporting.summary import format_summary
from contract_tests.run.runner import run_suite
from contract_tests.run.state import SuiteRun
from contract_tests.spec.api import load_spec
from contract_tests.spec.document import SPEC_PATH
from contract_tests.spec.ids import KnownTask
from contract_tests.target.emulator import emulator_target
from contract_tests.target.model import ABSENT_TASK

from .slice import SLICE_OPTIONS, remote

pytestmark = pytest.mark.slow  # two suite runs on a copy of the spec

LOGS, RETRY = "ListBackgroundTaskLogs", "RetryBackgroundTask"
TASK_PATH = "/v2/{project_id}/instances/{instance_id}/tasks/{task_id}"
FAILED_TASK = "5c9e2a7b3d1f4e6a8b0c2d4e6f8a0b1c"  # the scenario's failed task: its logs fail inside the service
RETRIED_TASK = "e5f7a9b1c3d54e6f8a0b2c4d6e8f0a1b"  # the quick task: offered to the retry only
DISPOSABLE_TASK = "9a8b7c6d5e4f40312a3b4c5d6e7f8091"  # the example's deletable task: offered to both
ERRORS = {
    code: {"$ref": f"#/components/responses/{name}"}
    for code, name in (
        ("400", "BadRequest"),
        ("401", "Unauthorized"),
        ("403", "Forbidden"),
        ("404", "NotFound"),
        ("429", "TooManyRequests"),
        ("500", "InternalServerError"),
    )
}


def _ok(description: str, schema: str) -> dict[str, Any]:
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    headers = {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}}
    return {"200": {"description": description, "headers": headers, "content": content}, **ERRORS}


def spec_with_extra_operations(spec: dict[str, Any]) -> dict[str, Any]:
    spec = copy.deepcopy(spec)
    ids = [{"$ref": f"#/components/parameters/{name}"} for name in ("ProjectId", "InstanceId", "TaskId")]
    spec["components"]["schemas"]["BackgroundTaskLogs"] = {
        "type": "object",
        "properties": {
            "logs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "time": {"$ref": "#/components/schemas/Timestamp"},
                        "message": {"type": "string"},
                    },
                },
            }
        },
    }
    spec["components"]["schemas"]["RetryBackgroundTaskResponse"] = {
        "type": "object",
        "properties": {"message": {"type": "string"}},
    }
    common = {"tags": ["Background tasks"], "description": "An operation the real spec does not have."}
    spec["paths"][TASK_PATH + "/logs"] = {
        "parameters": ids,
        "get": {
            "operationId": LOGS,
            "summary": "List a task's log lines",
            **common,
            "responses": _ok("Logs.", "BackgroundTaskLogs"),
        },
    }
    spec["paths"][TASK_PATH + "/retry"] = {
        "parameters": ids,
        "post": {
            "operationId": RETRY,
            "summary": "Retry a background task",
            **common,
            "responses": _ok("Retried.", "RetryBackgroundTaskResponse"),
        },
    }
    return spec


class TaskLogModel:
    """The test's emulator model of the two operations: log lines derived from a task's progress, and a record of
    every retry it carried out (after authentication, validation, access and lookup, as any handler)."""

    def __init__(self) -> None:
        self.retried: list[KnownTask] = []

    def __call__(self, backend: Backend) -> Mapping[str, Handler]:
        def logs(params: Mapping[str, str], _query: Mapping[str, int | str]) -> bytes:
            task = backend.task(params["project_id"], params["instance_id"], params["task_id"], operation=LOGS)
            progress = task.progress_at(backend.task_start(task), backend.clock.now())
            lines = [
                {"time": step.begin_time, "message": f"{step.name}: {step.status.value}"}
                for step in progress.steps
                if step.begin_time is not None
            ]
            return dump({"logs": lines})

        def retry(params: Mapping[str, str], _query: Mapping[str, int | str]) -> bytes:
            task = backend.task(params["project_id"], params["instance_id"], params["task_id"], operation=RETRY)
            self.retried.append(KnownTask(params["project_id"], params["instance_id"], task.id))
            return dump({"message": ""})

        return {LOGS: logs, RETRY: retry}


@pytest.fixture(scope="module")
def spec_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("extra") / "dcs.yaml"
    original = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(spec_with_extra_operations(original), allow_unicode=True), encoding="utf-8")
    return path


def scenario_naming_the_new_operations() -> Any:
    document = yaml.safe_load(DEFAULT_SCENARIO_PATH.read_text(encoding="utf-8"))
    for project in document["projects"]:
        for instance in project["instances"]:
            for task in instance["tasks"]:
                if task["id"] == DISPOSABLE_TASK:  # offered to both: the deletion's examples run first, and delete it
                    task["changeable"] = ["DeleteBackgroundTask", RETRY]
                if task["id"] == RETRIED_TASK:
                    task["changeable"] = [RETRY]
                if task["id"] == FAILED_TASK:
                    task["internal_error"] = [LOGS]
    return parse_scenario(yaml.safe_dump(document, allow_unicode=True), source="extra-operations.yaml")


SCENARIO = scenario_naming_the_new_operations()
DISPOSABLE, RETRIED = (
    next(task for task in SCENARIO.changeable_tasks() if task.task_id == task_id)
    for task_id in (DISPOSABLE_TASK, RETRIED_TASK)
)
PROGRESS_CHECKS = {
    "progress_complete_iff_steps_finished",
    "remain_time_zero_when_done",
    "end_time_not_before_begin_time",
    "failed_step_has_error_code",
    "progress_never_decreases",
    "status_values_upper_case",
    "remain_time_not_negative",
    "steps_in_execution_order",
}
LISTING_CHECKS = {
    "offset_past_end_is_empty",
    "listed_status_agrees_with_progress",
    "pages_partition_the_listing",
    "time_window_respected",
}


def judged_by(report: SuiteReport) -> dict[str, set[str]]:
    """Each check and the operations (by label) whose answers it judged."""
    judged: dict[str, set[str]] = {}
    for check, operation in report.checks_by_operation:
        judged.setdefault(check, set()).add(operation)
    return judged


class PostsSent(RunObserver):
    """Every request of the state-changing POST the suite sent (its path parameters as they went out; a POST to a
    read operation's path is an undeclared-method case, which the server must refuse: not one of these)."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def case_done(self, case: AnyCase, response: Response | None) -> None:
        if response is not None and case.operation.definition.raw.get("operationId") == RETRY:
            self.sent.append(dict(case.path_parameters))


def test_the_suite_runs_and_each_check_judges_only_its_operations(spec_copy: Path) -> None:
    spec = load_spec(spec_copy)
    assert {LOGS, RETRY} <= set(spec.by_id)
    model = TaskLogModel()
    app = create_app(SCENARIO, spec=spec.document, extensions=(model,))
    target = emulator_target(SCENARIO, app=app)
    report = run_suite(SuiteRun(target, dataclasses.replace(SLICE_OPTIONS, spec_path=spec_copy)))
    summary = format_summary(report, target=target.description, replay="(extra operations)")
    assert report.ok, summary
    assert report.tests_passed == len(spec.operations) + 3, summary
    logs, retry = (f"{spec.by_id[op].method} {spec.by_id[op].path}" for op in (LOGS, RETRY))
    assert {logs, retry} <= report.operations, summary
    # the scenario's expectations, by operation: the failed task's logs fail (500), its progress does not
    assert {200, 400, 401, 403, 404, 500} <= set(report.by_operation[LOGS]), summary
    assert {200, 400, 401, 403, 404} <= set(report.by_operation[RETRY]), summary
    assert not report.missing(), summary
    judged = judged_by(report)
    progress = f"GET {spec.by_id['ShowBackgroundTaskProgress'].path}"
    listing = f"GET {spec.by_id['ListBackgroundTask'].path}"
    for check in PROGRESS_CHECKS:
        assert judged[check] == {progress}, (check, judged[check])
    for check in LISTING_CHECKS:
        assert judged[check] == {listing}, (check, judged[check])
    assert judged["deleted_task_is_gone"] <= {progress, listing, f"DELETE {TASK_PATH}"}
    for check in ("known_tasks_answer_as_expected", "request_id_unique", "signed_request_accepted"):
        assert {logs, retry} <= judged[check], (check, judged[check])
    # the POST the emulator carried out, it carried out on the tasks offered to it and on no other (the changeable
    # one only while it was not deleted yet)
    assert {task.task_id.lower() for task in model.retried} - {DISPOSABLE.task_id} == {RETRIED.task_id}, summary


def test_against_a_remote_target_the_post_goes_only_to_the_task_named_changeable(spec_copy: Path) -> None:
    spec = load_spec(spec_copy)
    model = TaskLogModel()
    app = create_app(SCENARIO, spec=spec.document, extensions=(model,))
    with serve_in_thread(app) as url:
        env = environment(url, SCENARIO) | suite_environment(SCENARIO) | {"ALLOW_CHANGES": "1"}
        target = remote(env, url)
        posts = PostsSent()
        options = dataclasses.replace(SLICE_OPTIONS, spec_path=spec_copy)
        report = run_suite(SuiteRun(target, options, [posts]))
    summary = format_summary(report, target=target.description, replay="(extra operations, remote)")
    assert report.ok, summary
    # DCS_CHANGEABLE_TASKS: offered to every state-changing operation, so both go to the deletion first
    changeable = set(SCENARIO.changeable_tasks())
    assert {DISPOSABLE, RETRIED} < changeable
    assert set(target.changeable_for(RETRY)) == set(target.changeable_for("DeleteBackgroundTask")) == changeable
    offered, malformed = {task.task_id for task in changeable}, spec.resource_id
    assert {sent["task_id"].lower() for sent in posts.sent} & offered, summary  # POSTs went to the offered tasks …
    for sent in posts.sent:  # … and otherwise only to an absent task, or with an ID the server must refuse
        ids = [str(sent.get(name, "")) for name in ("project_id", "instance_id", "task_id")]
        named = sent["task_id"].lower()
        assert named in (*offered, ABSENT_TASK) or not all(malformed.fullmatch(value) for value in ids), sent
    assert {task.task_id.lower() for task in model.retried} <= offered, summary
    assert report.state_changing["re-aimed"] > 0, summary
    # the deletion goes first and deletes what it can: the retry succeeds on the task whose deletion fails
    assert report.by_operation[RETRY][200] >= 1, summary
    assert "the run deleted every task offered to it first" not in summary


def test_the_copy_is_a_valid_spec(spec_copy: Path) -> None:
    """The copy the two tests above run against passes the validator the project's own spec passes."""
    from openapi_spec_validator import validate  # noqa: PLC0415 - only this test needs it

    validate(yaml.safe_load(spec_copy.read_text(encoding="utf-8")))
