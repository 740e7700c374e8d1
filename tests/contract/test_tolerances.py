"""No false alarm on a correct server: for each tolerance of the suite, a correct server a naive rule would fail,
proven to pass — a shared service changed by others while the run pages and reads (a task created, a task
deleted, a task that finishes between two reads), a deletion answered 204 without content, and docs/contract-suite.md's
changing recipe."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl

import attrs
import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contract_tests import cli
from contract_tests.emulator import DEFAULT_SCENARIO_PATH, ManualClock, create_app, emulator_of, load_scenario
from contract_tests.emulator.__main__ import environment, suite_environment
from contract_tests.emulator.server import serve_in_thread
from contract_tests.record.run_report import SuiteReport
from contract_tests.reporting.summary import format_summary
from contract_tests.run.runner import run_suite
from contract_tests.run.state import SuiteRun
from contract_tests.spec.api import load_spec
from contract_tests.spec.ids import KnownTask
from contract_tests.target.emulator import emulator_target
from contract_tests.target.model import Target

from .broken.rules import task_path_ids
from .broken.variants import Headers, ResponseRewriter
from .slice import SLICE_OPTIONS
from .spec_figures import reachable_statuses

pytestmark = pytest.mark.slow  # a suite run against each correct server

SCENARIO = load_scenario(DEFAULT_SCENARIO_PATH)
QUICK, LONG = (
    "e5f7a9b1c3d54e6f8a0b2c4d6e8f0a1b",
    "2d4f6a8c0e1b43d5a7c9e1f3b5d7f9a1",
)  # the scenario's quick and 6-h tasks


def _task(task_id: str) -> KnownTask:
    return next(task for task in SCENARIO.known_tasks() if task.task_id == task_id)


class _AfterAnswer:
    """Calls `then(scope, status, body)` once the app has answered (the request already judged by the app)."""

    def __init__(self, app: ASGIApp, then: Callable[[Scope, int, bytes], None]) -> None:
        self.app, self.then = app, then

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        status, chunks = [0], []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, keep)
        if scope["type"] == "http":
            self.then(scope, status[0], b"".join(chunks))


def _run(target: Target) -> tuple[SuiteReport, str]:
    report = run_suite(SuiteRun(target, SLICE_OPTIONS))
    return report, format_summary(report, target=target.description, replay="(control)")


def test_a_task_created_by_someone_else_while_the_suite_pages() -> None:
    """Right after the first page of the pages check (offset 0, limit 2), someone creates a task on that
    instance: it comes first (newest first), so the next page repeats a task and `task_count` grows. The
    service said so (the count, the new task's `created_at`): the suite reads the pages again, and passes."""
    app = create_app(SCENARIO)
    backend = emulator_of(app).backend
    created: list[KnownTask] = []

    def create_once(scope: Scope, status: int, _body: bytes) -> None:
        query = dict(parse_qsl(bytes(scope.get("query_string", b"")).decode()))
        ids = task_path_ids(scope)
        if created or status != 200 or "task_id" in ids or query != {"offset": "0", "limit": "2"}:
            return
        plan = backend.task(*_task(QUICK))
        started = (backend.clock.now() - backend.clock.origin).total_seconds()
        new = attrs.evolve(plan, id="0a1b2c3d4e5f40718293a4b5c6d7e8f9", start=started)
        backend.add_task(ids["project_id"], ids["instance_id"], new)
        created.append(KnownTask(ids["project_id"], ids["instance_id"], new.id))

    report, summary = _run(emulator_target(SCENARIO, app=_AfterAnswer(app, create_once)))
    assert created, summary
    assert report.ok, summary
    assert report.excused["listing changed while it was paged"] == 1, summary
    assert "tolerated:   1 listing changed while it was paged" in summary


def test_a_task_deleted_by_someone_else_while_the_suite_pages() -> None:
    """Right after the first page of the instance holding the six-hour task, someone deletes that task (the
    newest but two, on the next page): the first page's `task_count` is one more than the last page's and than
    the distinct tasks the pages hold. A rule holding the pages to the first count would fail; the suite's
    holds them to the last, and passes. (The task is not one the run was told it may read.)"""
    app = create_app(SCENARIO)
    backend = emulator_of(app).backend
    gone, deleted = _task(LONG), list[KnownTask]()

    def delete_once(scope: Scope, status: int, _body: bytes) -> None:
        query = dict(parse_qsl(bytes(scope.get("query_string", b"")).decode()))
        ids = task_path_ids(scope)
        paging = status == 200 and "task_id" not in ids and query == {"offset": "0", "limit": "2"}
        if not deleted and paging and ids["instance_id"] == gone.instance_id:
            backend.delete(*gone)
            deleted.append(gone)

    target = emulator_target(SCENARIO, app=_AfterAnswer(app, delete_once))
    report, summary = _run(
        dataclasses.replace(target, readable_tasks=tuple(t for t in target.readable_tasks if t != gone))
    )
    assert deleted, summary
    assert report.ok, summary


def test_a_listed_task_deleted_by_someone_else_before_its_progress_is_read() -> None:
    """Someone deletes a listed task just before the suite reads its progress: 404, and a listing read after
    that no longer shows it, so the suite passes. (The task is not one the run was told it may read.)"""
    app = create_app(SCENARIO)
    backend = emulator_of(app).backend
    gone = _task(LONG)
    deleted: list[str] = []

    async def delete_first(scope: Scope, receive: Receive, send: Send) -> None:
        ids = task_path_ids(scope)
        if scope["type"] == "http" and not deleted and ids.get("task_id") == gone.task_id and scope["method"] == "GET":
            backend.delete(*gone)
            deleted.append(gone.task_id)
        await app(scope, receive, send)

    target = emulator_target(SCENARIO, app=delete_first)
    target = dataclasses.replace(target, readable_tasks=tuple(task for task in target.readable_tasks if task != gone))
    report, summary = _run(target)
    assert deleted, summary
    assert report.ok, summary
    assert report.excused["listed task deleted by someone else before its progress was read"] == 1, summary
    assert "tolerated:   " in summary


def test_a_task_that_finishes_between_the_listing_and_its_progress() -> None:
    """Listed EXECUTING, then the emulator's clock runs on (as a real one does while the suite works) and the
    progress says it finished; a listing read after that shows it finished too: the task moved on, no bug."""
    clock = ManualClock()
    app = create_app(SCENARIO, clock=clock)
    ran: list[float] = []

    def finish_quick_task(scope: Scope, status: int, body: bytes) -> None:
        listed = json.loads(body).get("tasks") if status == 200 and "task_id" not in task_path_ids(scope) else None
        if scope.get("query_string") == b"offset=0&limit=100":
            return  # a check's own read of the whole instance (the state checks' before the probes): not a case

        if not ran and any(task.get("id") == QUICK and task.get("status") == "EXECUTING" for task in listed or []):
            clock.advance(80)  # the quick task takes 75 s
            ran.append(80)

    report, summary = _run(emulator_target(SCENARIO, app=_AfterAnswer(app, finish_quick_task)))
    assert ran, summary
    assert report.ok, summary
    assert report.excused["task moved on between the listing and its progress"] >= 1, summary


def _no_content(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    if scope["method"] == "DELETE" and status == 200:
        return 204, [(name, value) for name, value in headers if name.lower() != b"content-type"], b""
    return status, headers, body


def test_a_deletion_answered_204_without_content() -> None:
    """RFC 9110: a 204 has no content; the spec documents it so, beside 200 with `{"message": ""}`. Every deletion
    is answered so, with `Content-Length: 0` (`ResponseRewriter` sets it), which says the same and many servers
    send: a rule refusing any Content-Length on a 204 would fail this server."""
    report, summary = _run(emulator_target(SCENARIO, app=ResponseRewriter(create_app(SCENARIO), _no_content)))
    assert report.ok, summary
    assert report.by_operation["DeleteBackgroundTask"][204] >= 1, summary
    assert not report.by_operation["DeleteBackgroundTask"][200], summary
    assert re.search(r"\n  DeleteBackgroundTask +200 ·  204 ✓", summary), summary
    assert report.checks["no_body_where_no_content_documented"] >= 1, summary


def test_the_changing_recipe_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/contract-suite.md's recipe against a loopback emulator: `eval "$(make -s emulator-env)"` (the
    scenario's tasks, those and the instance known to fail, the changeable ones, another tenant) and `make contract
    BASE_URL=$DCS_ENDPOINT ALLOW_CHANGES=1`. The stateful phase runs with the deletes it may send (re-aimed
    ones included), the summary says what was sent, every documented status is reached, and only the changeable
    tasks whose deletion does not fail are gone."""
    for name in ("CLOUD_SDK_AK", "CLOUD_SDK_SK", "CLOUD_SDK_SECURITY_TOKEN", "DCS_AUTH_TOKEN", "DCS_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)
    for name in ("DCS_INSTANCE_ID", "DCS_TASK_ID"):
        monkeypatch.delenv(name, raising=False)
    summary = tmp_path / "contract-summary.json"
    app = create_app(SCENARIO)
    with serve_in_thread(app) as url:
        exports = environment(url, SCENARIO) | suite_environment(SCENARIO) | {"ALLOW_CHANGES": "1"}
        for name, value in exports.items():
            monkeypatch.setenv(name, value)
        argv = ["--base-url", url, "--max-examples", "40", "--seed", "3"]
        code = cli.main([*argv, "--reports-dir", str(tmp_path)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    report = json.loads(summary.read_text())
    assert report["cases_by_phase"]["stateful"] >= 10, printed
    assert report["state_changing_sent"]["changeable"] >= 1, printed
    assert report["state_changing_sent"]["re-aimed"] >= 1, printed
    assert report["withheld_state_changing"] == 0, printed
    assert report["statuses_by_operation"]["ShowBackgroundTaskProgress"]["500"] >= 1, printed  # DCS_FAULTY_TASKS
    assert report["checks"]["cross_tenant_access_denied"] > 0, printed
    assert "ALLOW_CHANGES is off" not in printed
    assert "state-changing requests: " in printed
    # every documented status the scenario has a fixture for (DCS_FAULTY_TASKS names the listing too)
    labels = {operation.operation_id: operation.label for operation in load_spec().operations}
    reachable = {f"{labels[name]} {status}" for name, status in reachable_statuses(SCENARIO)}
    assert not reachable & set(report["coverage"]["statuses"]["missing"]), printed
    failing = [task for task, operations in SCENARIO.internal_errors() if "DeleteBackgroundTask" in operations]
    gone = [task for task in SCENARIO.changeable_tasks() if task not in failing]
    assert gone, "the scenario offers a task to the deletion that does not fail on it"
    backend = emulator_of(app).backend
    assert all(backend.task(*task) for task in SCENARIO.known_tasks() if task not in gone)  # every other one left
    for task in gone:
        with pytest.raises(LookupError):
            backend.task(*task)
