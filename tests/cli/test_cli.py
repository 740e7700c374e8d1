"""``dcs-tasks`` as a user runs it (the installed console script) against the emulator."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from contract_tests.target.loopback import free_port
from scripts.task_scenarios import INSTANCE_ID, TaskSpec, default_document
from tests.stub_servers import hanging_server

from .conftest import FAILING, FINISHING, LONG, Emulator, cli_env, run_cli

pytestmark = pytest.mark.slow  # runs the installed dcs-tasks against an emulator process

TaskArgs = Callable[[TaskSpec], list[str]]
KEYS = ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK")


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
    bare = {name: value for name, value in emulator.env.items() if name not in KEYS}
    missing = emulator.run("show", *task_args(LONG), env=bare)
    assert missing.returncode == 2
    for looked_at in ("HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK (not set)", "DCS_AUTH_TOKEN (not set)", "--token-env"):
        assert looked_at in missing.stderr
    no_project = {name: value for name, value in emulator.env.items() if name != "HUAWEICLOUD_SDK_PROJECT_ID"}
    nowhere = emulator.run("show", *task_args(LONG), env=no_project)
    assert nowhere.returncode == 2
    assert "pass --project or set DCS_PROJECT_ID or HUAWEICLOUD_SDK_PROJECT_ID" in nowhere.stderr
    for said in (missing.stderr, nowhere.stderr):  # flags and variables, never Python arguments
        assert "credentials=" not in said
        assert "project_id=" not in said
    assert emulator.run("show", INSTANCE_ID).returncode == 2  # usage: the task ID is missing


def test_an_iam_token_from_the_environment(emulator: Emulator, task_args: TaskArgs) -> None:
    token = default_document()["credentials"][0]["token"]
    base = {name: value for name, value in emulator.env.items() if name not in KEYS}
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


def test_options_are_accepted_before_or_after_the_command(emulator: Emulator, task_args: TaskArgs) -> None:
    after = run_cli("show", *task_args(FAILING), "--endpoint", emulator.url, "--output", "json", env=emulator.env)
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout)["step_details"][1]["step_status"] == "FAILED"
    between = run_cli("--output", "json", "list", "--endpoint", emulator.url, INSTANCE_ID, env=emulator.env)
    assert between.returncode == 0, between.stderr
    assert len(json.loads(between.stdout)) == 3
    both = run_cli("--region", "cn-north-4", "show", *task_args(FAILING), "--endpoint", emulator.url, env=emulator.env)
    assert both.returncode == 2
    assert both.stderr.strip() == "error: pass --region or --endpoint, not both"
    intervals = run_cli("watch", *task_args(LONG), "--min-interval", "5", "--max-interval", "2", env=emulator.env)
    assert intervals.returncode == 2
    assert intervals.stderr.strip() == "error: --min-interval 5 is longer than --max-interval 2"
    blank = run_cli("show", *task_args(LONG), "--project", " ", "--endpoint", emulator.url, env=emulator.env)
    assert blank.returncode == 2
    assert blank.stderr.strip() == "error: --project must be a non-empty project ID, got ' '"


def test_help_is_plain_text_with_examples_exit_codes_and_variables() -> None:
    done = run_cli("--help", env=cli_env())
    assert done.returncode == 0
    for part in ("examples:", "dcs-tasks watch INSTANCE TASK --output json", "exit codes:", "4    --timeout expired"):
        assert part in done.stdout
    for variable in ("CLOUD_SDK_SECURITY_TOKEN", "DCS_PROJECT_ID", "HUAWEICLOUD_SDK_CREDENTIALS_FILE", "DCS_LOG"):
        assert variable in done.stdout
    for markup in ("``", ":class:", ".. "):
        assert markup not in done.stdout
    watch = run_cli("watch", "--help", env=cli_env())
    assert "example:\n  dcs-tasks watch INSTANCE TASK --timeout 600" in watch.stdout
    assert "--endpoint URL" in watch.stdout, "the common options are listed after the command too"


@pytest.mark.parametrize("command", [["show", INSTANCE_ID, "t" * 32], ["list", INSTANCE_ID]])
def test_a_command_against_a_server_that_never_answers_ends_at_its_timeout(command: list[str]) -> None:
    # Timed from the CLI's connection, not from its start: the interpreter's start-up is no part of --timeout,
    # and takes seconds when the other test worker keeps the CPUs busy.
    accepted: list[float] = []
    with hanging_server(accepted) as url:
        done = run_cli(*command, "--endpoint", url, "--timeout", "3", env=cli_env())
        elapsed = time.monotonic() - accepted[0]
    assert done.returncode == 4, done.stderr
    assert elapsed < 4.5, elapsed
    port = url.rsplit(":", 1)[1]
    assert done.stderr.strip() == f"timed out: no answer from 127.0.0.1:{port} within --timeout 3 s"


def test_watch_against_a_server_that_never_answers_ends_at_its_timeout() -> None:
    accepted: list[float] = []  # timed from the first poll's connection, as above
    with hanging_server(accepted) as url:
        done = run_cli("watch", INSTANCE_ID, "t" * 32, "--endpoint", url, "--timeout", "2", env=cli_env())
        elapsed = time.monotonic() - accepted[0]
    assert done.returncode == 4, done.stderr
    assert elapsed < 3.5, elapsed
    assert "still unfinished after 2 s (no poll was answered)" in done.stderr


def test_connection_refused_names_the_host_and_port() -> None:
    port = free_port()
    done = run_cli("show", INSTANCE_ID, "t" * 32, "--endpoint", f"http://127.0.0.1:{port}", env=cli_env())
    assert done.returncode == 3
    assert f"cannot connect to 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr


def test_watch_json_writes_one_object_per_poll_and_the_result(emulator: Emulator, task_args: TaskArgs) -> None:
    done = emulator.run("watch", "--max-interval", "1", "--output", "json", *task_args(FINISHING))
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    polls, result = records[:-1], records[-1]
    assert len(polls) >= 3
    assert {record["event"] for record in polls} == {"poll"}
    progress = [record["progress"] for record in polls]
    assert progress == sorted(progress)
    assert progress[-1] == 100
    assert polls[-1]["response"]["step_details"][0]["step_status"] == "FINISH"
    assert result == {"event": "result", "task_id": FINISHING.task_id, "outcome": "finished", "exit_code": 0}
    failed = emulator.run("watch", "--output", "json", *task_args(FAILING))
    assert failed.returncode == 1
    assert json.loads(failed.stdout.splitlines()[-1])["failed_steps"] == [
        {"step": "Data migration", "error_code": "DCS.5000"}
    ]
