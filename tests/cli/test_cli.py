"""``dcs-tasks`` as a user runs it (the installed console script) against the emulator."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from scripts.task_scenarios import INSTANCE_ID, TaskSpec, default_document

from .conftest import FAILING, FINISHING, LONG, Emulator

pytestmark = pytest.mark.slow  # runs the installed dcs-tasks against an emulator process

TaskArgs = Callable[[TaskSpec], list[str]]


def test_show_draws_steps_sub_steps_statuses_and_error_codes(emulator: Emulator, task_args: TaskArgs) -> None:
    done = emulator.run("show", *task_args(FAILING))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    row = next(line for line in lines if "Migrate shard 2" in line)
    assert "FAILED" in row
    assert "DCS.5000" in row
    assert any("Pre-check" in line and "FINISH" in line for line in lines)
    assert any("└ Migrate shard 3" in line and "WAITING" in line for line in lines)
    assert "%" in done.stdout


def test_show_json_prints_the_raw_body(emulator: Emulator, task_args: TaskArgs) -> None:
    done = emulator.run("show", "--output", "json", *task_args(FAILING))
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert [step["step_status"] for step in body["step_details"]] == ["FINISH", "FAILED"]
    # Untouched by the SDK's parsing: the timestamp is the emulator's text, not a re-rendered datetime.
    assert body["step_details"][0]["begin_time"].endswith("Z")


def test_api_errors_are_one_line_with_status_code_and_request_id(emulator: Emulator) -> None:
    for output in ("table", "json"):
        done = emulator.run("show", "--output", output, INSTANCE_ID, "0" * 32)
        assert done.returncode == 3
        assert done.stdout == ""
        message = done.stderr.strip()
        assert "\n" not in message
        assert message.startswith("error: HTTP 404 DCS.4001: ")
        assert "(request id " in message
        assert "request id -" not in message


def test_refused_or_missing_credentials_are_configuration_errors(emulator: Emulator, task_args: TaskArgs) -> None:
    wrong = emulator.run("show", *task_args(LONG), env={**emulator.env, "HUAWEICLOUD_SDK_SK": "not-the-secret"})
    assert wrong.returncode == 2
    assert wrong.stderr.startswith("error: HTTP 401 APIG.0301")
    assert "Traceback" not in wrong.stderr
    bare = {name: value for name, value in emulator.env.items() if not name.startswith("HUAWEICLOUD_SDK_A")}
    missing = emulator.run("show", *task_args(LONG), env=bare)
    assert missing.returncode == 2
    assert "DCS_AUTH_TOKEN" in missing.stderr
    no_project = {name: value for name, value in emulator.env.items() if name != "HUAWEICLOUD_SDK_PROJECT_ID"}
    assert emulator.run("show", *task_args(LONG), env=no_project).returncode == 2
    assert emulator.run("show", INSTANCE_ID).returncode == 2  # usage: the task ID is missing


def test_an_iam_token_from_the_environment(emulator: Emulator, task_args: TaskArgs) -> None:
    token = default_document()["credentials"][0]["token"]
    base = {name: value for name, value in emulator.env.items() if not name.startswith("HUAWEICLOUD_SDK_A")}
    assert emulator.run("show", *task_args(LONG), env={**base, "DCS_AUTH_TOKEN": token}).returncode == 0
    custom = emulator.run("--token-env", "MY_TOKEN", "show", *task_args(LONG), env={**base, "MY_TOKEN": token})
    assert custom.returncode == 0, custom.stderr
    refused = emulator.run("show", *task_args(LONG), env={**base, "DCS_AUTH_TOKEN": "wrong"})
    assert refused.returncode == 2


def test_watch_exits_0_when_the_task_finishes(emulator: Emulator, task_args: TaskArgs) -> None:
    done = emulator.run("watch", "--max-interval", "1", *task_args(FINISHING))
    assert done.returncode == 0, done.stderr
    assert f"finished: task {FINISHING.task_id}" in done.stdout
    assert "Data migration: EXECUTING → FINISH" in done.stdout  # a change, as it happened


def test_watch_exits_1_naming_the_failed_step_and_code(emulator: Emulator, task_args: TaskArgs) -> None:
    done = emulator.run("watch", "--max-interval", "1", *task_args(FAILING))
    assert done.returncode == 1, done.stderr
    assert "failed: step 'Data migration', error code DCS.5000" in done.stdout


def test_watch_timeout_exits_4(emulator: Emulator, task_args: TaskArgs) -> None:
    done = emulator.run("watch", "--timeout", "1.5", *task_args(LONG))
    assert done.returncode == 4
    assert done.stderr.startswith("timed out: task ")


def test_list_shows_every_task_of_the_instance_as_a_table_or_json(emulator: Emulator) -> None:
    table = emulator.run("list", INSTANCE_ID)
    assert table.returncode == 0, table.stderr
    assert "3 tasks" in table.stdout
    assert "FAILED" in table.stdout
    listed = emulator.run("list", "--output", "json", INSTANCE_ID)
    assert listed.returncode == 0, listed.stderr
    tasks = json.loads(listed.stdout)
    assert {task["id"] for task in tasks} == {FAILING.task_id, FINISHING.task_id, LONG.task_id}
    assert {task["status"] for task in tasks} <= {"SUCCESS", "FAILED", "EXECUTING", "WAITING", "CREATED"}
    future = emulator.run("list", "--output", "json", "--since", "2999-01-01T00:00", INSTANCE_ID)
    assert json.loads(future.stdout) == []
    assert emulator.run("list", "--since", "yesterday", INSTANCE_ID).returncode == 2
