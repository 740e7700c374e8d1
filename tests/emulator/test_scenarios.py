"""Scenario files: the default one, other files, bad files, and the command line that serves them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest
import yaml

from contract_tests.emulator import (
    DEFAULT_SCENARIO_PATH,
    ManualClock,
    Scenario,
    ScenarioError,
    TaskRef,
    create_app,
    emulator_of,
    load_scenario,
    parse_scenario,
)
from contract_tests.emulator.__main__ import banner, main
from contract_tests.emulator.models import Backend
from contract_tests.emulator.server import serve_in_thread
from contract_tests.target.loopback import free_port
from tests.emulator.helpers import progress_path, shown_progress, signed_headers


def test_default_scenario_has_the_promised_shape(scenario: Scenario) -> None:
    tasks = scenario.known_tasks()
    assert len(tasks) == 13
    assert len({task.instance_id for task in tasks}) == 5
    changeable = scenario.changeable_tasks()  # the ones the contract suite may delete
    assert len(changeable) == 4
    assert all(scenario.demo.may_access(task.project_id) for task in changeable)
    failing = dict(scenario.internal_errors())  # each documented 500, reachable by the demo credentials
    # (a task of an instance whose listing fails counts: its instance's internal_error applies to it too)
    expected = [["DeleteBackgroundTask"], ["ListBackgroundTask"], ["ShowBackgroundTaskProgress"]]
    assert sorted(map(sorted, failing.values())) == expected
    assert all(task in tasks and scenario.demo.may_access(task.project_id) for task in failing)
    # the contract suite's fixtures: every other documented status (a listing's 500, 429, a deletion's 204)
    ((listing_fails, operations),) = scenario.failing_instances()
    assert operations == {"ListBackgroundTask"}
    ((throttled, operations),) = scenario.throttling_instances()
    assert operations == {"ListBackgroundTask", "ShowBackgroundTaskProgress", "DeleteBackgroundTask"}
    fixtures = [task for task in tasks if task.instance_id == throttled.instance_id]
    assert set(fixtures) < set(changeable)
    answers = [
        scenario.projects[t.project_id].instances[t.instance_id].tasks[t.task_id].delete_answer for t in fixtures
    ]
    assert sorted(answer.value for answer in answers) == ["message", "message", "no_content"]
    assert sum(task in failing for task in fixtures) == 1
    assert any(task.instance_id == listing_fails.instance_id for task in tasks)
    demo = scenario.demo
    assert demo.token
    assert demo.access_key
    assert demo.secret_key
    inaccessible = [task for task in tasks if not demo.may_access(task.project_id)]
    assert len(inaccessible) == 1  # a second project with its own task: 403 is reachable
    assert scenario.credential_for(inaccessible[0].project_id).name == "ops"
    with pytest.raises(LookupError):
        scenario.credential_for("ffffffffffffffffffffffffffffffff")


def test_the_quick_task_runs_from_the_emulator_start_for_75_s(scenario: Scenario) -> None:
    # What the README's "Try it against the emulator", its waiter and its `dcs-tasks watch` rely on.
    (quick,) = [task for task in scenario.known_tasks() if task.task_id == "e5f7a9b1c3d54e6f8a0b2c4d6e8f0a1b"]
    plan = scenario.projects[quick.project_id].instances[quick.instance_id].tasks[quick.task_id]
    assert scenario.demo.may_access(quick.project_id)
    assert (plan.start, plan.total, plan.failure_at, plan.internal_error) == (0, 75, None, frozenset())


def test_a_json_scenario_file_serves_its_tasks(tmp_path: Path, scenario: Scenario) -> None:
    document = yaml.safe_load(DEFAULT_SCENARIO_PATH.read_text(encoding="utf-8"))
    document["projects"] = document["projects"][:1]
    document["projects"][0]["instances"] = document["projects"][0]["instances"][:1]
    path = tmp_path / "small.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    app = create_app(path, clock=ManualClock())
    small = emulator_of(app).scenario
    assert small.source == str(path)
    assert small.known_tasks() == scenario.known_tasks()[:3]
    with serve_in_thread(app) as base_url:
        host = base_url.removeprefix("http://")
        for task in small.known_tasks():
            path_ = progress_path(task)
            assert httpx.get(base_url + path_, headers=signed_headers(small.demo, path_, host=host)).status_code == 200
        gone = progress_path(scenario.known_tasks()[3])
        assert httpx.get(base_url + gone, headers=signed_headers(small.demo, gone, host=host)).status_code == 404


CREDENTIALS = "credentials: [{name: a, access_key: b, secret_key: c, projects: [p]}]\n"
TASK = "projects: [{id: p, instances: [{id: i, name: n, tasks: [{id: t, name: n, start: 0, %s}]}]}]"
TASK_PATH = "$.projects[0].instances[0].tasks[0]"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("projects: [", "not valid YAML"),
        ("[]", "$: expected a mapping, got list []"),
        ("credentials: []\nprojects: []", "$.credentials: must not be empty"),
        (CREDENTIALS + "projects: [{id: 12345, instances: []}]", "$.projects[0].id: expected text, got int 12345"),
        (CREDENTIALS + "projects: [{id: p, instances: []}]\nowner: me", "$: unknown key(s) owner"),
        (CREDENTIALS + "projects: [{id: p}]", "$.projects[0].instances: required, missing"),
        (CREDENTIALS + "projects: [{id: p, instances: {}}]", "$.projects[0].instances: expected a list, got dict {}"),
        (
            CREDENTIALS + "projects: [{id: p, instances: []}, {id: P, instances: []}]",
            "$.projects: two entries have the same id",
        ),
        (
            CREDENTIALS + TASK % "time_format: rfc, steps: [{id: s, name: s}]",
            f"{TASK_PATH}.time_format: expected one of iso|space, got str 'rfc'",
        ),
        (
            CREDENTIALS + TASK % "internal_error: true, steps: [{id: s, name: s}]",
            f"{TASK_PATH}.internal_error: expected a list, got bool True",
        ),
        (CREDENTIALS + TASK % "steps: []", f"{TASK_PATH}.steps: must not be empty"),
        (CREDENTIALS + TASK % "steps: [{id: s, name: ''}]", f"{TASK_PATH}.steps[0].name: must not be empty"),
        (
            CREDENTIALS + TASK % "steps: [{id: s, name: s, duration: -5}]",
            f"{TASK_PATH}.steps[0].duration: must be 0 or more, got -5",
        ),
        (
            CREDENTIALS
            + TASK % "steps: [{id: s, name: s, sub_steps: [{id: u, name: u, duration: 1, detail: {DONE: x}}]}]",
            f"{TASK_PATH}.steps[0].sub_steps[0].detail['DONE']: expected one of WAITING|EXECUTING|FINISH|FAILED",
        ),
        (
            CREDENTIALS + TASK % "steps: [{id: s, name: s, duration: .nan}]",
            f"{TASK_PATH}.steps[0].duration: expected a finite",
        ),
        (
            CREDENTIALS + TASK % "steps: [{id: s, name: s, fail: {after: 1}}]",
            f"{TASK_PATH}.steps[0].fail.error_code: required, missing",
        ),
    ],
)
def test_bad_scenarios_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=re.escape(message)) as raised:
        load_scenario(path)
    assert str(raised.value).startswith(f"{path}: ")


def test_every_problem_of_a_file_is_named_at_once() -> None:
    text = "credentials: [{name: 7, access_key: b, secret_key: c, projects: p}]\nprojects: [{id: p, instances: [x]}]"
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(text, source="two.yaml")
    assert str(raised.value) == (
        "two.yaml: $.credentials[0].name: expected text, got int 7; "
        "$.credentials[0].projects: expected a list, got str 'p'; "
        "$.projects[0].instances[0]: expected a mapping, got str 'x'"
    )
    many = "credentials: [{name: a, access_key: b, secret_key: c, projects: [p]}]\nprojects: [1, 2, 3, 4, 5, 6, 7]"
    with pytest.raises(ScenarioError, match=re.escape("$.projects[4]: expected a mapping, got int 5 (and 2 more)")):
        parse_scenario(many)


def test_internal_error_comes_after_the_permission_check(tmp_path: Path) -> None:
    document = yaml.safe_load(DEFAULT_SCENARIO_PATH.read_text(encoding="utf-8"))
    foreign_task = document["projects"][1]["instances"][0]["tasks"][0]
    foreign_task["internal_error"] = ["ShowBackgroundTaskProgress"]
    path = tmp_path / "faulty-foreign.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    scenario = load_scenario(path)
    (task,) = [task for task in scenario.internal_error_tasks() if task.task_id == foreign_task["id"]]
    app = create_app(scenario, clock=ManualClock())
    with serve_in_thread(app) as base_url:
        host, path_ = base_url.removeprefix("http://"), progress_path(task)
        assert httpx.get(base_url + path_, headers=signed_headers(scenario.demo, path_, host=host)).status_code == 403
        ops = scenario.credential_for(task.project_id)
        assert httpx.get(base_url + path_, headers=signed_headers(ops, path_, host=host)).status_code == 500


def test_a_scenario_naming_an_operation_the_spec_lacks_is_refused() -> None:
    document = yaml.safe_load(DEFAULT_SCENARIO_PATH.read_text(encoding="utf-8"))
    task = document["projects"][0]["instances"][0]["tasks"][0]
    task["internal_error"] = ["ShowBackgroundTaskProgress", "ShowBackgroundTaskLogs"]
    task["changeable"] = ["PauseBackgroundTask"]
    scenario = parse_scenario(yaml.safe_dump(document, allow_unicode=True), source="odd.yaml")
    with pytest.raises(
        ScenarioError,
        match=re.escape("odd.yaml: operations not in the spec: PauseBackgroundTask, ShowBackgroundTaskLogs"),
    ):
        create_app(scenario)


def test_missing_scenario_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ScenarioError, match="cannot read scenario"):
        load_scenario(tmp_path / "absent.yaml")
    assert main(["--scenario", str(tmp_path / "absent.yaml")]) == 2
    assert "cannot read scenario" in capsys.readouterr().err


def test_banner_shows_the_url_and_demo_credentials(scenario: Scenario) -> None:
    text = banner("http://127.0.0.1:8080", scenario, control=True)
    for expected in ("http://127.0.0.1:8080", scenario.demo.access_key, scenario.demo.secret_key, "/_emulator/state"):
        assert expected in text
    assert all(task.task_id in text for task in scenario.known_tasks())


SPEED = 2.0


def progress_at(scenario: Scenario, task: TaskRef, origin: datetime, instant: datetime) -> int:
    """What the model says the task's progress is at ``instant`` of a clock started at ``origin``."""
    clock = ManualClock(origin)
    clock.set(instant)
    progress: int = shown_progress(Backend(scenario.projects, clock), *task)["progress"]
    return progress


class ClockReading(NamedTuple):
    origin: datetime
    now: datetime  # read by the emulator between `sent` and `answered` (this process's monotonic seconds)
    sent: float
    answered: float


def read_clock(base_url: str) -> ClockReading:
    """The served emulator's clock, from its control API."""
    sent = time.monotonic()
    state = httpx.get(base_url + "/_emulator/state").json()
    answered = time.monotonic()
    return ClockReading(datetime.fromisoformat(state["origin"]), datetime.fromisoformat(state["now"]), sent, answered)


def test_the_command_line_serves_the_emulator(scenario: Scenario) -> None:
    port = free_port()
    command = [sys.executable, "-m", "contract_tests.emulator", "--port", str(port), "--speed", str(SPEED)]
    command += ["--faults", "latency_ms=1,seed=3", "--enable-control-api"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            first_line = process.stdout.readline()
            assert first_line.startswith(f"DCS emulator on http://127.0.0.1:{port}")
            base_url = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    state = httpx.get(base_url + "/_emulator/state").json()
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            assert state["faults"]["latency_ms"] == 1.0
            example = scenario.known_tasks()[0]
            path = progress_path(example)
            host = f"127.0.0.1:{port}"
            # The emulator's clock runs in real time, so bracket the query between two readings of it
            # and compare with the model at both ends: exact however slow the machine is.
            first = read_clock(base_url)
            response = httpx.get(base_url + path, headers=signed_headers(scenario.demo, path, host=host))
            time.sleep(0.2)
            last = read_clock(base_url)
            origin = first.origin
            assert progress_at(scenario, example, origin, origin) == 30  # the default picture at the start
            assert response.status_code == 200
            low, high = (progress_at(scenario, example, origin, reading.now) for reading in (first, last))
            assert low <= response.json()["progress"] <= high
            # --speed 2: the emulated clock moved twice the real time between the two readings
            # (1 ms of slack for the microseconds isoformat keeps).
            emulated = (last.now - first.now).total_seconds()
            assert (
                SPEED * (last.sent - first.answered) - 1e-3 <= emulated <= SPEED * (last.answered - first.sent) + 1e-3
            )
        finally:
            process.terminate()
            process.wait(timeout=10)
