"""Any server by configuration: `make contract BASE_URL=…` with the environment, proven on the emulator."""

from __future__ import annotations

import copy
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from schemathesis.core.result import Ok

from contract_tests import cli, replay
from contract_tests.emulator import DEFAULT_SCENARIO_PATH, load_scenario
from contract_tests.phases.cases import CONFIG_PATH, build_schema
from contract_tests.phases.probes.probe import progress_path
from contract_tests.settings.errors import SettingsError
from contract_tests.spec.api import STATE_CHANGING_METHODS, ApiSpec, load_spec
from contract_tests.spec.document import HTTP_METHODS
from contract_tests.target.auth import AkSkSigner, IamTokenAuth
from contract_tests.target.emulator import emulator_target, scenario_tasks
from contract_tests.target.loopback import running_emulator
from contract_tests.target.model import ABSENT_TASK
from contract_tests.target.policy import Aim, aim_state_change
from contract_tests.target.requirements import requirements

from .slice import SLICE_OPTIONS, remote
from .spec_figures import reachable_statuses

SCENARIO = load_scenario(DEFAULT_SCENARIO_PATH)
READABLE = scenario_tasks(SCENARIO).readable


def test_env_with_ak_sk_and_a_known_task() -> None:
    env = {
        "CLOUD_SDK_AK": "AK",
        "CLOUD_SDK_SK": "SECRET-SK",
        "CLOUD_SDK_SECURITY_TOKEN": "SECRET-STS",
        "DCS_PROJECT_ID": "p1",
        "DCS_INSTANCE_ID": "i1",
        "DCS_TASK_ID": "t1",
    }
    target = remote(env, "https://staging.example/")
    assert target.base_url == "https://staging.example"
    assert isinstance(target.auth, AkSkSigner)
    assert target.auth.security_token == "SECRET-STS"
    assert target.auth.project_id == "p1"
    assert [tuple(task) for task in target.readable_tasks] == [("p1", "i1", "t1")]
    required = {(need.operation_id, status) for need in requirements(target, load_spec()) for status in need.statuses}
    reads = [operation for operation in load_spec().operations if not operation.changes_state]
    assert {(operation.operation_id, 200) for operation in reads} <= required  # every read of the readable task
    assert not any(status == 500 for _, status in required)
    assert target.faulty_tasks == ()
    assert "SECRET" not in target.description + repr(target)


def test_the_vendor_sdk_names_are_read_as_the_sdk_reads_them() -> None:
    env = {
        "HUAWEICLOUD_SDK_AK": "AK",
        "HUAWEICLOUD_SDK_SK": "SECRET-SK",
        "HUAWEICLOUD_SDK_SECURITY_TOKEN": "SECRET-STS",
        "HUAWEICLOUD_SDK_PROJECT_ID": "p1",
    }
    target = remote(env)
    assert isinstance(target.auth, AkSkSigner)
    assert (target.auth.access_key, target.auth.security_token, target.auth.project_id) == ("AK", "SECRET-STS", "p1")
    assert set(target.secrets) == {"SECRET-SK", "SECRET-STS"}
    assert "HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK + HUAWEICLOUD_SDK_SECURITY_TOKEN" in target.description
    assert "SECRET" not in target.description + repr(target)


def test_env_with_a_token_and_no_task() -> None:
    target = remote({"DCS_AUTH_TOKEN": "SECRET-TOKEN", "DCS_PROJECT_ID": "p1"})
    assert isinstance(target.auth, IamTokenAuth)
    assert target.readable_tasks == ()
    needs = requirements(target, load_spec())
    assert not any(200 in need.statuses for need in needs)  # nothing known to read
    changing = {operation.operation_id for operation in load_spec().operations if operation.changes_state}
    assert changing
    assert not any(need.operation_id in changing for need in needs if need.statuses & {200, 204})
    assert "SECRET" not in target.description + repr(target)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CLOUD_SDK_AK": "a", "CLOUD_SDK_SK": "b"}, "DCS_PROJECT_ID"),
        ({"DCS_PROJECT_ID": "p", "CLOUD_SDK_AK": "a"}, "CLOUD_SDK_SK"),
        ({"DCS_PROJECT_ID": "p", "DCS_AUTH_TOKEN": "t", "DCS_TASK_ID": "t1"}, "DCS_INSTANCE_ID"),
    ],
)
def test_incomplete_env_says_what_is_missing(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        remote(env)


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    with running_emulator(DEFAULT_SCENARIO_PATH) as url:
        yield url


def _remote_env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name in ("CLOUD_SDK_AK", "CLOUD_SDK_SK", "CLOUD_SDK_SECURITY_TOKEN", "DCS_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    task = READABLE[0]
    monkeypatch.setenv("DCS_PROJECT_ID", task.project_id)
    monkeypatch.setenv("DCS_INSTANCE_ID", task.instance_id)
    monkeypatch.setenv("DCS_TASK_ID", task.task_id)
    for name, value in values.items():
        monkeypatch.setenv(name, value)


TEMPORARY = next(credential for credential in SCENARIO.credentials if credential.security_token)


SLOW = pytest.mark.slow  # one more suite run each; the fast runs keep the two schemes


@pytest.mark.parametrize(
    "scheme",
    [
        "ak/sk",
        "token",
        pytest.param("temporary, staging recipe names", marks=SLOW),
        pytest.param("temporary, vendor SDK names", marks=SLOW),
    ],
)
def test_make_contract_against_a_configured_server(
    scheme: str, emulator_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The suite reads credentials as the SDK does; the emulator refuses temporary keys without X-Security-Token."""
    demo = SCENARIO.demo
    assert TEMPORARY.security_token is not None
    if scheme == "ak/sk":
        _remote_env(monkeypatch, CLOUD_SDK_AK=demo.access_key, CLOUD_SDK_SK=demo.secret_key)
    elif scheme == "token":
        assert demo.token is not None
        _remote_env(monkeypatch, DCS_AUTH_TOKEN=demo.token)
    else:
        prefix = "CLOUD_SDK" if "staging recipe" in scheme else "HUAWEICLOUD_SDK"
        keys = {"AK": TEMPORARY.access_key, "SK": TEMPORARY.secret_key, "SECURITY_TOKEN": TEMPORARY.security_token}
        _remote_env(monkeypatch, **{f"{prefix}_{name}": value for name, value in keys.items()})
        if prefix == "HUAWEICLOUD_SDK":  # the vendor SDK's project variable instead of DCS_PROJECT_ID
            monkeypatch.setenv("HUAWEICLOUD_SDK_PROJECT_ID", READABLE[0].project_id)
            monkeypatch.delenv("DCS_PROJECT_ID")
    junit, summary = tmp_path / "contract-junit.xml", tmp_path / "contract-summary.json"
    argv = ["--base-url", emulator_url, "--max-examples", "25", "--seed", "11"]
    code = cli.main([*argv, "--reports-dir", str(tmp_path)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "make contract SEED=11 MAX_EXAMPLES=25 BASE_URL=" in printed
    written = junit.read_text() + summary.read_text() + printed
    for secret in (demo.secret_key, demo.token or "-", TEMPORARY.secret_key, TEMPORARY.security_token):
        assert secret not in written
    report = json.loads(summary.read_text())
    assert report["ok"]
    assert report["cases_by_status"]["200"] > 0
    assert report["missing_statuses"] == []


def test_a_base_url_without_credentials_is_a_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DCS_PROJECT_ID", "p1")
    # the report files in tmp_path, not in the repo's reports/: other tests run the suite at the same time
    reports = ["--reports-dir", str(tmp_path)]
    assert cli.main(["--base-url", "http://127.0.0.1:9", *reports]) == 2
    said = capsys.readouterr().err
    for looked_at in ("HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK (not set)", "CLOUD_SDK_AK/CLOUD_SDK_SK", "DCS_AUTH_TOKEN"):
        assert looked_at in said


@pytest.mark.slow  # runs `make contract` end to end
def test_make_contract_default_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What `make contract` does on a fresh clone (its own emulator, the default budget), with a fixed seed."""
    summary, html, har = (
        tmp_path / name for name in ("contract-summary.json", "contract-report.html", "contract-failures.har")
    )
    code = cli.main(["--seed", "20240101", "--reports-dir", str(tmp_path)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    report = json.loads(summary.read_text())
    assert report["cases"] >= 1000, printed
    assert {"200", "400", "401", "403", "404", "500"} <= set(report["cases_by_status"]), printed
    assert report["missing_statuses"] == [], printed
    assert report["ok"], printed
    assert "500 ✓" in printed
    assert "500 required: from the target's known-faulty task only" in printed
    # the report and the HAR: every operation and documented status shown, each required one reached, no secret
    page, exchanges = html.read_text(), json.loads(har.read_text())
    assert exchanges["log"]["entries"] == []  # nothing failed
    for operation in load_spec().operations:
        assert operation.operation_id in page
        assert all(f'<th class="num">{status}</th>' in page for status in operation.statuses)
    labels = {operation.label: operation.operation_id for operation in load_spec().operations}
    reached = {
        (labels[operation], status)
        for operation, row in report["coverage"]["statuses_by_operation"].items()
        for status, n in row["documented"].items()
        if n
    }
    for need in requirements(emulator_target(), load_spec()):
        assert any((need.operation_id, str(status)) in reached for status in need.statuses), need.label()
    # beyond what is required: every status every operation documents that the scenario has a fixture for (its
    # fixtures' instances throttle once, delete with 204, fail a listing and a deletion; a 429 or a 500 only of the
    # operations they name); links from a deletion need the stateful phase to delete an offered task the phases
    # before it left, which a seed may not give: not asserted
    reachable = reachable_statuses(SCENARIO)
    assert reached == reachable, printed
    ids = {operation.operation_id: operation.label for operation in load_spec().operations}
    documented = {(operation.operation_id, s) for operation in load_spec().operations for s in operation.statuses}
    unprovoked = sorted(f"{ids[name]} {status}" for name, status in documented - reachable)
    assert report["coverage"]["statuses"]["missing"] == unprovoked, printed
    for secret in emulator_target().secrets:
        assert secret not in page + har.read_text() + summary.read_text() + printed


def test_deleting_needs_explicit_permission_and_named_tasks() -> None:
    base = {"DCS_AUTH_TOKEN": "t", "DCS_PROJECT_ID": "p1", "DCS_INSTANCE_ID": "i1", "DCS_TASK_ID": "t1"}
    assert remote(base).changeable_tasks == ()
    named = {**base, "DCS_CHANGEABLE_TASKS": "i1/d1,i1/d2"}
    assert remote(named).changeable_tasks == (), "named but not allowed"
    allowed = remote({**named, "ALLOW_CHANGES": "1"})
    assert [tuple(task) for task in allowed.changeable_tasks] == [("p1", "i1", "d1"), ("p1", "i1", "d2")]
    with pytest.raises(SettingsError, match="ALLOW_CHANGES=1 needs DCS_CHANGEABLE_TASKS"):
        remote({**base, "ALLOW_CHANGES": "1"})


def test_a_base_url_without_permission_leaves_delete_out_of_the_run() -> None:
    target = remote({"DCS_AUTH_TOKEN": "t", "DCS_PROJECT_ID": "p1"})
    schema = build_schema(target, SLICE_OPTIONS)
    methods = {result.ok().method.upper() for result in schema.get_all_operations() if isinstance(result, Ok)}
    assert methods == {"GET"}


@pytest.mark.parametrize(
    ("task_id", "offered", "sent"),
    [
        ("8abf6e1e72c12e7c0172c15b508500aa", False, "ffffffffffffffffffffffffffffffff"),  # not offered: re-aimed
        ("9a8b7c6d5e4f40312a3b4c5d6e7f8091", True, "9a8b7c6d5e4f40312a3b4c5d6e7f8091"),  # offered: sent as is
        ("not an id", False, "not an id"),  # malformed: refused by the server before any lookup
    ],
)
def test_only_offered_tasks_are_deleted(task_id: str, offered: bool, sent: str) -> None:
    target = emulator_target(SCENARIO)
    operation = build_schema(target, SLICE_OPTIONS).find_operation_by_label(
        "DELETE /v2/{project_id}/instances/{instance_id}/tasks/{task_id}"
    )
    assert operation is not None
    ids = {"project_id": READABLE[0].project_id, "instance_id": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"}
    case = operation.Case(path_parameters={**ids, "task_id": task_id})
    assert any(task.task_id == task_id for task in target.changeable_tasks) is offered
    aim = aim_state_change(case, target, load_spec())
    assert case.path_parameters["task_id"] == sent
    assert aim == (Aim.CHANGEABLE if offered else Aim.REAIMED if sent != task_id else Aim.MALFORMED)


@pytest.mark.parametrize("offered", [False, True])
def test_a_reads_case_sent_with_a_state_changing_method_is_aimed_as_its_paths_state_change(offered: bool) -> None:
    """A copy of the spec with a read on the path of the state-changing operation (a task's detail beside its
    deletion): Schemathesis sends that path's undeclared methods with the read's IDs. A PUT is aimed as the
    deletion's own request would be: re-aimed at an absent task unless the task is offered for it (a read's IDs
    sent as is would change a real task on a server that took PUT, and a remote target would withhold it)."""
    spec = load_spec()
    changing = next(operation for operation in spec.operations if operation.changes_state and operation.takes_task)
    read = next(operation for operation in spec.operations if not operation.changes_state and operation.takes_task)
    document = copy.deepcopy(dict(spec.document))
    document["paths"][changing.path]["get"] = {
        **document["paths"][read.path]["get"],
        "operationId": "ShowBackgroundTaskCopy",
    }
    target = emulator_target(SCENARIO)
    task = target.changeable_for(changing.operation_id)[0] if offered else READABLE[0]
    operation = schemathesis.openapi.from_dict(document).find_operation_by_label(f"GET {changing.path}")
    assert operation is not None
    case = operation.Case(method="PUT", path_parameters=task.as_path_parameters())
    aim = aim_state_change(case, target, ApiSpec(document))
    assert aim is (Aim.CHANGEABLE if offered else Aim.REAIMED)
    assert case.path_parameters["task_id"] == (task.task_id if offered else ABSENT_TASK)
    read_case = operation.Case(path_parameters=task.as_path_parameters())
    assert aim_state_change(read_case, target, ApiSpec(document)) is Aim.READ  # the GET itself: a read


@pytest.mark.parametrize(("auth", "status"), [("signed", 200), ("unsigned", 401)])
def test_replay_resends_one_request_to_a_fresh_emulator(
    auth: str, status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """What a failure's `replay:` line runs: the request, signed afresh as `--auth` says; no secret printed."""
    path = progress_path(READABLE[0])
    assert replay.main(["--auth", auth, "GET", path]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"GET {path} → {status} in ")
    assert SCENARIO.demo.secret_key not in printed
    assert ("APIG.0301" in printed) is (status == 401)


def test_replay_names_an_auth_mode_the_target_does_not_offer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _remote_env(monkeypatch, DCS_AUTH_TOKEN="SECRET-TOKEN")
    assert replay.main(["--base-url", "http://127.0.0.1:9", "--auth", "nonsense", "GET", "/v2/x"]) == 2
    assert "--auth nonsense: this target offers signed, unsigned, token-altered" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("base_url", "said"),
    [
        ("127.0.0.1:8080", "has no scheme: give the server's root URL (write http://127.0.0.1:8080"),
        ("http://127.0.0.1:8080/v2", "has the path /v2, which the spec's server URL"),
    ],
)
def test_replay_refuses_a_base_url_make_contract_refuses(
    base_url: str, said: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same one line as `make contract` gives, before anything is sent (nothing listens on that port)."""
    _remote_env(monkeypatch, DCS_AUTH_TOKEN="SECRET-TOKEN")
    assert replay.main(["--base-url", base_url, "GET", "/v2/x"]) == 2
    printed = capsys.readouterr().err
    assert said in printed
    assert printed.count("\n") == 1


def test_schemathesis_configuration_names_the_state_changing_methods_of_api_spec() -> None:
    """The shared configuration turns Schemathesis' warnings off for re-aimed state-changing requests: for exactly
    the methods `spec.api.changes_state` names (a TOML file cannot import them)."""
    settings = tomllib.loads(CONFIG_PATH.read_text(encoding="utf-8"))
    (quiet,) = settings["operations"]
    pattern = re.compile(quiet["include-method-regex"])
    assert {method.upper() for method in HTTP_METHODS if pattern.fullmatch(method.upper())} == STATE_CHANGING_METHODS
    assert quiet["warnings"] is False
