"""WORKERS=N: a concurrent run reports what a serial one does for the same cases; the lockout rule holds with 8
workers; RATE_LIMIT bounds every worker together; MAX_TIME stops them all; Ctrl-C stops the run and still writes
its reports."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from schemathesis import Response
from schemathesis.python import asgi
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from contract_tests import cli
from contract_tests.emulator import DEFAULT_SCENARIO_PATH, FaultConfig, create_app, load_scenario
from contract_tests.record.answers import AnyCase
from contract_tests.record.recording import RunObserver
from contract_tests.record.transport import TransportStats, paced_requests
from contract_tests.reporting.summary import format_summary
from contract_tests.run.runner import run_suite
from contract_tests.run.state import SuiteRun
from contract_tests.run.workers import Workers
from contract_tests.spec.document import REPO_ROOT
from contract_tests.target.emulator import emulator_target

from .slice import SLICE_OPTIONS, assert_ak_never_locked
from .test_broken_variants import ALL_VARIANTS

SCENARIO = load_scenario(DEFAULT_SCENARIO_PATH)

TIMINGS = ("slowest_response_seconds", "slow_responses")  # what differs between any two runs, serial or not


def _summary(reports: Path) -> dict[str, Any]:
    summary: dict[str, Any] = json.loads((reports / "contract-summary.json").read_text(encoding="utf-8"))
    for key in TIMINGS:
        summary.pop(key)
    summary["target"] = re.sub(r":\d+", ":PORT", summary["target"])  # each run's emulator has a port of its own
    # The first verdict's answers say how long its requests took.
    summary["first_verdict"]["answers"] = [a for a in summary["first_verdict"]["answers"] if "answers in" not in a]
    return summary


def _junit(reports: Path) -> list[tuple[str | None, list[str]]]:
    cases = ET.parse(reports / "contract-junit.xml").getroot().iter("testcase")  # noqa: S314 - the run just wrote it
    return [(case.get("name"), sorted(child.tag for child in case)) for case in cases]


def _har(reports: Path) -> list[str]:
    har = json.loads((reports / "contract-failures.har").read_text(encoding="utf-8"))
    return sorted(entry["request"]["url"] for entry in har["log"]["entries"])


def test_a_concurrent_run_reports_what_a_serial_run_reports(tmp_path: Path) -> None:
    """`make contract` with the same seed, serially and with 4 workers, each against a fresh emulator over loopback:
    the same summary (cases by phase and status, every check's count, probes, statuses per operation, spec
    coverage, the tolerances applied), the same JUnit tests and outcomes, the same failing exchanges."""
    runs = {}
    for workers in ("1", "4"):
        reports = tmp_path / workers
        argv = ["--seed", "5", "--max-examples", "10", "--progress", "off", "--reports-dir", str(reports)]
        assert cli.main([*argv, "--workers", workers]) == 0
        runs[workers] = reports
    serial, concurrent = runs["1"], runs["4"]
    assert _summary(serial) == _summary(concurrent)
    assert _summary(serial)["coverage"]  # coverage is compared too
    assert _junit(serial) == _junit(concurrent)
    assert _har(serial) == _har(concurrent)


def test_the_lockout_rule_holds_with_8_workers() -> None:
    """The emulator answers after 20 ms, so 8 workers overlap: the failing signatures still never come more than two in
    a row for the demo AK, and it is never locked."""
    app = create_app(SCENARIO, faults=FaultConfig(latency_ms=20))
    options = dataclasses.replace(SLICE_OPTIONS, max_examples=10, workers=8)
    report = run_suite(SuiteRun(emulator_target(SCENARIO, app=app), options))
    assert_ak_never_locked(app, report, SCENARIO.demo.access_key)


def test_rate_limit_bounds_every_worker_together() -> None:
    """4 workers sending 24 requests at RATE_LIMIT=10/s: never more than 10 reach the server in any second."""
    arrivals: list[float] = []

    async def record(_request: Request) -> PlainTextResponse:
        arrivals.append(time.monotonic())
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/", record)])
    client = functools.partial(asgi.get_client, app)  # type: ignore[arg-type]  # Starlette's ASGI alias
    workers = Workers(4, client(), client)

    def send() -> None:
        workers.session().get("http://testserver/").raise_for_status()

    with paced_requests(TransportStats(), rate_limit=10, slow_after=5, wire=workers.wire), workers.holding():
        started = time.monotonic()
        workers.settle([workers.submit(send) for _ in range(24)])
        elapsed = time.monotonic() - started
    assert len(arrivals) == 24
    arrivals.sort()
    windows = [later - first for first, later in zip(arrivals, arrivals[10:], strict=False)]
    assert min(windows) >= 0.95, windows  # the 11th request after any one came at least a second later
    assert elapsed >= 1.9  # 10 in the first second, 10 in the next, 4 in the third


def test_max_time_stops_every_worker() -> None:
    """MAX_TIME runs out while 4 workers send a read operation's cases: the cases generated after that are not sent,
    the stateful phase does not start, the chains of auth probes stop, and the run is a partial pass saying why."""
    run = SuiteRun(emulator_target(SCENARIO), dataclasses.replace(SLICE_OPTIONS, max_time=600.0, workers=4))

    class TimeFlies(RunObserver):
        """Once the first case has been sent, the run's budget is spent (observers hear of it under the run's lock)."""

        def case_done(self, _case: AnyCase, response: Response | None) -> None:
            if response is not None and not run.report.stopped:
                run.sender.started -= 601

    run.recorder.observers = [TimeFlies()]
    report = run_suite(run)
    summary = format_summary(report, target="emulator", replay="-")
    assert report.stopped == "MAX_TIME 600 s reached", summary
    assert report.unsent > 10 * report.total_cases, summary  # almost nothing sent after the first case
    assert report.phases["stateful"] == 0, summary
    assert report.ok, summary


def test_ctrl_c_stops_the_workers_and_still_writes_the_reports(tmp_path: Path) -> None:
    """SIGINT while 4 workers send: the run stops, says so, writes every report and exits 130."""
    reports = tmp_path / "reports"
    command = [sys.executable, "-m", "contract_tests.cli", "--workers", "4", "--seed", "1", "--progress", "plain"]
    command += ["--max-examples", "2000", "--reports-dir", str(reports)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("first look:"):
            break
    time.sleep(5)  # into the suite's tests
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 130, out
    summary: dict[str, Any] = json.loads((reports / "contract-summary.json").read_text(encoding="utf-8"))
    assert summary["stopped"] == "interrupted (Ctrl-C)"
    assert summary["requests_sent"] > 0
    for name in ("contract-junit.xml", "contract-report.html", "contract-failures.har"):
        assert (reports / name).stat().st_size > 0, name
    assert "STOPPED EARLY: interrupted (Ctrl-C)" in out


CONCURRENT_PROOFS = (  # a rule on one answer, across polls, across operations, on the probes' chain
    "wrong field type",
    "progress goes backwards",
    "running tasks listed as SUCCESS",
    "signatures not verified",
)


@pytest.mark.parametrize("name", CONCURRENT_PROOFS)
def test_broken_servers_are_caught_by_the_same_check_with_4_workers(name: str) -> None:
    """Workers hide no bug: a broken server of each kind is reported by the check named for it, as serially."""
    variant = next(variant for variant in ALL_VARIANTS if variant.name == name)
    broken = variant.wrap(create_app(SCENARIO), SCENARIO)
    target = emulator_target(SCENARIO, app=broken, label=f"broken emulator ({variant.name})")
    report = run_suite(SuiteRun(target, dataclasses.replace(SLICE_OPTIONS, workers=4)))
    summary = format_summary(report, target=target.description, replay="(proof)")
    assert report.tests_failed >= 1, summary
    assert variant.caught_by <= {failure.check for failure in report.failures.values()}, summary
