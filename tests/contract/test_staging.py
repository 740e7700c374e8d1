"""The suite against staging-like servers: its settings, its safety (no AK locked, read-only), and clear
verdicts for correct-but-slow, correct-but-throttling, hanging and unreachable servers."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from pathlib import Path

import pytest
from schemathesis import Response
from schemathesis.python import asgi
from starlette.types import ASGIApp, Receive, Scope, Send

from contract_tests import cli
from contract_tests.emulator import DEFAULT_SCENARIO_PATH, FaultConfig, create_app, emulator_of, load_scenario
from contract_tests.emulator.__main__ import suite_environment
from contract_tests.emulator.server import serve_in_thread
from contract_tests.phases.probes.probe import progress_path
from contract_tests.phases.probes.tenancy import mixed_tenancy
from contract_tests.record.answers import AnyCase
from contract_tests.record.recording import RunObserver
from contract_tests.record.transport import MAX_THROTTLE_RETRIES, TransportStats, limiter_rate, paced_requests
from contract_tests.reporting.summary import format_summary
from contract_tests.run.runner import run_suite
from contract_tests.run.state import SuiteRun
from contract_tests.settings import parsers
from contract_tests.settings.errors import SettingsError
from contract_tests.settings.reading import read_settings
from contract_tests.settings.table import Settings
from contract_tests.spec.api import load_spec
from contract_tests.spec.ids import KnownTask
from contract_tests.target.auth import AkSkSigner
from contract_tests.target.auth_modes import auth_modes
from contract_tests.target.emulator import emulator_target
from contract_tests.target.policy import Aim, may_send
from contract_tests.target.requirements import requirements

from .broken.variants import VARIANTS
from .slice import SLICE_OPTIONS, assert_ak_never_locked, remote

SCENARIO = load_scenario(DEFAULT_SCENARIO_PATH)
PROGRESS = "/v2/{project_id}/instances/{instance_id}/tasks/{task_id}/progress"
BASE_ENV = {"CLOUD_SDK_AK": "AK", "CLOUD_SDK_SK": "SECRET-SK", "DCS_PROJECT_ID": "p1"}


def test_staging_settings_from_the_environment() -> None:
    env = BASE_ENV | dict(CLOUD_SDK_SECURITY_TOKEN="SECRET-STS", DCS_INSTANCE_ID="i1", DCS_TASK_ID="t1")
    env |= {
        "DCS_TASKS": "i1/t2, i2/t3,p9/i9/t9",
        "DCS_FOREIGN_PROJECT_ID": "fp",
        "DCS_FOREIGN_INSTANCE_ID": "fi",
        "DCS_FOREIGN_TASK_ID": "ft",
        "DCS_FOREIGN_AK": "FAK",
        "DCS_FOREIGN_SK": "SECRET-FSK",
        "REQUEST_TIMEOUT": "12.5",
        "RATE_LIMIT": "600/m",
        "MAX_TIME": "90",
        "AUTH_PROBES": "0",
        "DCS_FAULTY_TASKS": "i1/t5@ShowBackgroundTaskProgress+OtherRead, p9/i9/t9, i7/*",
    }
    settings = read_settings(["--base-url", "https://staging.example"], env)
    assert (settings.request_timeout, settings.rate_limit, settings.max_time, settings.auth_probes) == (
        12.5,
        10.0,
        90.0,
        False,
    )
    target = remote(env, "https://staging.example")
    assert [tuple(t) for t in target.readable_tasks] == [("p1", "i1", "t1"), ("p1", "i1", "t2"), ("p1", "i2", "t3")]
    assert target.foreign_tasks == (KnownTask("fp", "fi", "ft"),)
    spec = load_spec().by_id
    progress, listing, delete = (
        spec[name] for name in ("ShowBackgroundTaskProgress", "ListBackgroundTask", "DeleteBackgroundTask")
    )
    assert target.faulty_for(progress) == (KnownTask("p1", "i1", "t5"), KnownTask("p9", "i9", "t9"))
    # without `@…`: the read operations whose path takes exactly those IDs (`i7/*`: the instance, its listing)
    assert target.faulty_for(listing) == (KnownTask("p1", "i7", ""),)
    assert target.faulty_for(delete) == ()
    assert KnownTask("p9", "i9", "t9") not in target.readable_tasks  # known to fail: read only where it does not
    assert isinstance(target.foreign_auth, AkSkSigner)
    assert target.temporary_auth is target.auth  # the configured credentials carry the security token
    assert target.read_only
    assert target.method_rejection == "any"  # 405 + Allow or the gateway's 404 APIG.0101
    assert not any(403 in need.statuses for need in requirements(target, load_spec()))  # 404 may hide it
    assert "SECRET-FSK" in target.secrets
    assert {"security-token-dropped", "security-token-altered", "other-tenant"} <= set(auth_modes(target))


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RATE_LIMIT": "fast"}, "RATE_LIMIT"),
        ({"DCS_FOREIGN_PROJECT_ID": "fp"}, "DCS_FOREIGN_INSTANCE_ID"),
        ({"DCS_TASKS": "only-one-part"}, "DCS_TASKS"),
        ({"DCS_FOREIGN_AK": "x"}, "DCS_FOREIGN_SK"),
        ({"ALLOW_CHANGES": "1"}, "DCS_CHANGEABLE_TASKS"),
        ({"ALLOW_DESTRUCTIVE": "1"}, "DCS_CHANGEABLE_TASKS"),  # the former name, still read
        ({"METHOD_REJECTION": "406"}, "METHOD_REJECTION"),
    ],
)
def test_bad_staging_settings_say_what_is_wrong(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        remote({**BASE_ENV, **env})


def test_rates() -> None:
    assert parsers.rate("10/s") == 10.0
    assert parsers.rate("120/m") == 2.0
    assert parsers.rate("5") == 5.0


def test_tenancy_mixes_name_every_half_and_half_combination() -> None:
    mine, theirs = KnownTask("P", "I", "T"), KnownTask("p", "i", "t")
    mixed = {tuple(task) for _, task in mixed_tenancy((mine,), (theirs,))}
    assert mixed == {
        ("P", "i", "t"),
        ("P", "I", "t"),
        ("P", "i", "T"),
        ("p", "I", "T"),
        ("p", "i", "T"),
        ("p", "I", "t"),
    }


def test_read_only_targets_get_no_state_changing_request_but_the_method_probes() -> None:
    target, spec = remote(BASE_ENV), load_spec()
    assert may_send(target, spec, "GET", PROGRESS, Aim.READ)
    assert may_send(target, spec, "DELETE", PROGRESS, Aim.REAIMED)  # undeclared on a read-only path: the 405 probe
    # a path that declares DELETE is no longer read-only: nothing but reads, whatever was aimed
    task_path = "/v2/{project_id}/instances/{instance_id}/tasks/{task_id}"
    for aim in Aim:
        assert not may_send(target, spec, "DELETE", task_path, aim)
        assert not may_send(target, spec, "POST", task_path, aim)


def test_a_remote_target_gets_state_changing_requests_only_for_offered_re_aimed_or_malformed_tasks() -> None:
    """The changing recipe: DCS_CHANGEABLE_TASKS offered to every state-changing operation; a request for any
    other task is re-aimed at an absent one and sent (withholding it would starve the stateful phase)."""
    env = {**BASE_ENV, "DCS_CHANGEABLE_TASKS": "i1/t1", "ALLOW_CHANGES": "1"}
    target, spec = remote(env), load_spec()
    assert target.changeable_for("DeleteBackgroundTask") == (KnownTask("p1", "i1", "t1"),)
    assert target.changeable_for("AnyOtherStateChangingOperation") == (KnownTask("p1", "i1", "t1"),)
    task_path = "/v2/{project_id}/instances/{instance_id}/tasks/{task_id}"
    sent = {aim for aim in Aim if may_send(target, spec, "DELETE", task_path, aim)}
    assert sent == {Aim.CHANGEABLE, Aim.REAIMED, Aim.MALFORMED}  # a request without a task ID is withheld
    assert may_send(dataclasses.replace(target, remote=False), spec, "DELETE", task_path, Aim.UNAIMABLE)  # emulator


@pytest.mark.slow  # the default budget of `make contract`, in-process
@pytest.mark.parametrize("workers", [1, 8])
def test_a_full_run_never_locks_the_demo_ak(workers: int) -> None:
    app = create_app(SCENARIO)
    settings = Settings(seed=7, max_examples=1000, workers=workers)
    report = run_suite(SuiteRun(emulator_target(SCENARIO, app=app), settings))
    assert_ak_never_locked(app, report, SCENARIO.demo.access_key)


def test_a_burst_of_six_bad_signatures_locks_the_ak() -> None:
    app = create_app(SCENARIO)
    target = emulator_target(SCENARIO, app=app)
    modes = auth_modes(target)
    url = target.base_url + progress_path(target.readable_tasks[0])
    with asgi.get_client(app) as session:  # type: ignore[arg-type] # the in-process client, as the suite uses it
        statuses = [session.get(url, auth=modes["signature-altered"]).status_code for _ in range(6)]
        assert statuses == [401] * 6
        assert session.get(url, auth=modes["signed"]).status_code == 401  # locked
    lockout = emulator_of(app).lockout
    assert lockout is not None
    assert lockout.is_locked(SCENARIO.demo.access_key)


@pytest.mark.slow  # waits out Retry-After
def test_a_throttling_server_passes_and_the_waits_are_counted() -> None:
    waits: list[float] = []
    app = create_app(SCENARIO, faults=FaultConfig(throttle_429=0.15, retry_after=3, seed=5))
    options = dataclasses.replace(SLICE_OPTIONS, sleep=waits.append)
    report = run_suite(SuiteRun(emulator_target(SCENARIO, app=app), options))
    summary = format_summary(report, target="throttling emulator", replay="-")
    assert report.ok, summary
    assert report.transport.throttled > 0, summary
    assert set(waits) == {3.0, 0.0}  # Retry-After honoured: the faults' 3 s, the fixtures' instance's 0
    assert not any(429 in need.statuses for need in report.requirements)
    assert f"throttled:   {report.transport.throttled} answers 429" in summary


class _Delayed:
    """The emulator, answering the requests `slow(scope)` picks after `seconds`."""

    def __init__(self, app: ASGIApp, seconds: float, every: int) -> None:
        self.app, self.seconds, self.every, self.count = app, seconds, every, 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.count += 1
            if self.count % self.every == 0:
                await asyncio.sleep(self.seconds)
        await self.app(scope, receive, send)


@pytest.mark.slow  # waits on a slow server
def test_a_slow_but_correct_server_passes() -> None:
    app = _Delayed(create_app(SCENARIO), seconds=0.4, every=25)
    with serve_in_thread(app) as url:
        options = dataclasses.replace(SLICE_OPTIONS, request_timeout=3.0)
        report = run_suite(SuiteRun(emulator_target(SCENARIO, base_url=url), options))
    assert report.ok, format_summary(report, target="slow emulator", replay="-")
    assert report.transport.slowest >= 0.4


@pytest.mark.slow  # waits out a timeout
def test_a_hanging_server_is_a_named_timeout_with_the_request_and_the_time() -> None:
    app = _Delayed(create_app(SCENARIO), seconds=3.0, every=40)
    with serve_in_thread(app) as url:
        options = dataclasses.replace(SLICE_OPTIONS, request_timeout=1.0)
        report = run_suite(SuiteRun(emulator_target(SCENARIO, base_url=url), options))
    summary = format_summary(report, target="hanging emulator", replay="-")
    timeouts = [f for f in report.failures.values() if f.check == "request_timeout"]
    assert not report.ok
    assert timeouts, summary
    assert "no answer within REQUEST_TIMEOUT=1 s (1." in timeouts[0].title.replace("(after ", "("), summary
    assert timeouts[0].request
    assert timeouts[0].replay.startswith(".venv/bin/python -m contract_tests.replay")
    assert "[request_timeout]" in summary
    assert summary.splitlines()[-1].endswith("exit code 1")


def test_failures_print_the_field_path_a_replay_command_and_no_false_missing_statuses() -> None:
    variant = next(v for v in VARIANTS if v.name == "wrong field type")
    app = variant.wrap(create_app(SCENARIO), SCENARIO)
    report = run_suite(SuiteRun(emulator_target(SCENARIO, app=app), SLICE_OPTIONS))
    summary = format_summary(report, target="broken", replay="make contract SEED=1")
    assert "       field: progress" in summary
    assert "       replay:  .venv/bin/python -m contract_tests.replay --auth signed GET /v2/" in summary
    assert "NOT REACHED" not in summary  # after the first failure, unreached statuses are not a second bug
    assert summary.splitlines()[-1].endswith("exit code 1")


@pytest.mark.parametrize(
    ("base_url", "said"),
    [("http://127.0.0.1:9", "connection refused"), ("http://no-such-host.invalid", "DNS lookup failed")],
)
def test_an_unreachable_target_is_named_with_exit_code_2(
    base_url: str, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in BASE_ENV.items():
        monkeypatch.setenv(name, value)
    # the report files in tmp_path, not in the repo's reports/: other tests run the suite at the same time
    reports = ["--reports-dir", str(tmp_path)]
    assert cli.main(["--base-url", base_url, "--request-timeout", "5", *reports]) == 2
    printed = capsys.readouterr()
    assert said in printed.err
    assert printed.out.splitlines()[-1].endswith("exit code 2")


def test_make_contract_against_staging_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The staging recipe, against the emulator: several tasks, another tenant, temporary credentials."""
    demo = SCENARIO.demo
    readable = [t for t in SCENARIO.known_tasks() if demo.may_access(t.project_id)]
    readable = [t for t in readable if t not in SCENARIO.internal_error_tasks()]
    foreign = next(t for t in SCENARIO.known_tasks() if not demo.may_access(t.project_id))
    tenant = next(c for c in SCENARIO.credentials if c.name == "tenant-b")
    env = {
        "CLOUD_SDK_AK": demo.access_key,
        "CLOUD_SDK_SK": demo.secret_key,
        "DCS_PROJECT_ID": readable[0].project_id,
        "DCS_TASKS": ",".join(f"{t.instance_id}/{t.task_id}" for t in readable),
        "DCS_FOREIGN_PROJECT_ID": foreign.project_id,
        "DCS_FOREIGN_INSTANCE_ID": foreign.instance_id,
        "DCS_FOREIGN_TASK_ID": foreign.task_id,
        "DCS_FOREIGN_AK": tenant.access_key,
        "DCS_FOREIGN_SK": tenant.secret_key,
        # the scenario's task whose progress fails by design: listed, so its 500 must be expected (or it fails)
        "DCS_FAULTY_TASKS": suite_environment(SCENARIO)["DCS_FAULTY_TASKS"],
    }
    for name in ("CLOUD_SDK_SECURITY_TOKEN", "DCS_AUTH_TOKEN", "DCS_INSTANCE_ID", "DCS_TASK_ID"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    summary = tmp_path / "contract-summary.json"
    with serve_in_thread(create_app(SCENARIO)) as url:
        argv = ["--base-url", url, "--max-examples", "30", "--seed", "3", "--rate-limit", "2000/s"]
        code = cli.main([*argv, "--reports-dir", str(tmp_path)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "credentials: not locked" in printed
    assert "METHOD_REJECTION=any" in printed
    assert "read-only" in printed
    report = json.loads(summary.read_text())
    assert report["checks"]["cross_tenant_access_denied"] >= 12
    assert report["checks"]["status_values_upper_case"] > 0
    assert report["statuses_by_operation"]["ShowBackgroundTaskProgress"]["500"] > 0  # the faulty task's, as declared
    for secret in (demo.secret_key, tenant.secret_key):
        assert secret not in printed + summary.read_text()


def test_rates_become_schemathesis_limiter_rates() -> None:
    assert [limiter_rate(rate) for rate in (10.0, 5.0, 0.5, 1 / 3, 2.5, 1 / 3600)] == [
        "10/s",
        "5/s",
        "30/m",
        "20/m",
        "150/m",
        "1/h",
    ]


@pytest.mark.slow  # waits for the limiter
def test_rate_limit_paces_every_request_of_a_run() -> None:
    """RATE_LIMIT=10/s: at most ten requests in any second, whatever sends them (here: requests of its own)."""
    app = create_app(SCENARIO)
    target = emulator_target(SCENARIO, app=app)
    url = target.base_url + progress_path(target.readable_tasks[0])
    stats = TransportStats()
    started = time.monotonic()
    with asgi.get_client(app) as session, paced_requests(stats, rate_limit=10.0, slow_after=5.0):  # type: ignore[arg-type]
        statuses = [session.get(url, auth=target.auth).status_code for _ in range(25)]
    assert statuses == [200] * 25
    assert time.monotonic() - started >= 2.0  # 10 in the first second, 10 in the next, 5 in the third


def test_max_time_stops_the_run_and_says_so() -> None:
    """MAX_TIME runs out while the stateful phase is under way: the cases left are not sent, the phase stops
    where it is, and the run is a partial pass that says why (not a crashed state machine)."""
    run = SuiteRun(emulator_target(SCENARIO), dataclasses.replace(SLICE_OPTIONS, max_time=600.0))

    class TimeFlies(RunObserver):
        """Once the stateful phase has sent its first step, the run's budget is spent."""

        def case_done(self, case: AnyCase, _response: Response | None) -> None:
            if case.meta is not None and case.meta.phase.name.value == "stateful":
                run.sender.started -= 601

    run.recorder.observers = [TimeFlies()]
    report = run_suite(run)
    summary = format_summary(report, target="emulator", replay="-")
    assert report.stopped == "MAX_TIME 600 s reached", summary
    assert report.phases["stateful"] >= 2, summary  # the step that spent the budget, and one not sent
    assert report.unsent >= 1, summary
    assert report.ok, summary
    assert "STOPPED EARLY: MAX_TIME 600 s reached" in summary
    assert summary.splitlines()[-1].startswith("result:      PASSED (partial: the run stopped early)")


def test_the_throttled_hook_sees_each_429_waited_out_and_the_last_one_is_left_to_the_caller() -> None:
    """A gateway that throttles forever: each 429 the transport waits out is judged by its hook; the last one goes
    back to the caller, whose checks judge and count it (once: the hook does not see it too)."""
    app = create_app(SCENARIO, faults=FaultConfig(throttle_429=1.0, retry_after=0, seed=1))
    target = emulator_target(SCENARIO, app=app)
    url = target.base_url + progress_path(target.readable_tasks[0])
    stats, hooked = TransportStats(), []
    with (
        asgi.get_client(app) as session,  # type: ignore[arg-type]
        paced_requests(stats, rate_limit=None, slow_after=5.0, throttled=lambda _req, resp: hooked.append(resp)),
    ):
        status = session.get(url, auth=target.auth).status_code
    assert status == 429
    assert len(hooked) == stats.throttled == MAX_THROTTLE_RETRIES
    assert stats.throttled_final == 1
