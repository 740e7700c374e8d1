"""The proxy's proofs: the emulator (on a still clock, so the same request gets the same bytes) as the upstream,
a proxy on a free loopback port in front of it, configured from the variables the emulator prints, an
observer that records what the proxy hands over, and the judge with its reports in a directory of the test's."""

from __future__ import annotations

import io
import json
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from dcs_tasks import AkSkAuth, Credentials, DcsClient
from starlette.applications import Starlette

from contract_tests.emulator import DEFAULT_SCENARIO_PATH, ManualClock, Scenario, create_app, emulator_of, load_scenario
from contract_tests.emulator.__main__ import environment
from contract_tests.emulator.server import serve_in_thread
from contract_tests.proxy import (
    Exchange,
    ExchangeObserver,
    Finding,
    ProxyRun,
    ProxyServer,
    load_settings,
    running,
)
from contract_tests.proxy.judging import Judge

ORIGIN = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


class Recorder(ExchangeObserver):
    """Everything the proxy hands over. It does so on its own thread, after the client has its answer:
    ``wait_for`` waits until that many exchanges have arrived."""

    def __init__(self) -> None:
        self.run: ProxyRun | None = None
        self.exchanges: list[Exchange] = []
        self.findings: list[Finding] = []
        self.events: list[str] = []
        self.stopped_after: float | None = None
        self._arrived = threading.Condition()

    def on_start(self, run: ProxyRun) -> None:
        self.run = run
        self.events.append("start")

    def on_finding(self, finding: Finding) -> None:
        self.findings.append(finding)
        self.events.append(f"finding {finding.exchange}")

    def on_exchange(self, exchange: Exchange) -> None:
        with self._arrived:
            self.exchanges.append(exchange)
            self.events.append(f"exchange {exchange.number}")
            self._arrived.notify_all()

    def on_stop(self, run: ProxyRun, elapsed: float) -> None:  # noqa: ARG002 - the seam's signature
        self.stopped_after = elapsed
        self.events.append("stop")

    def wait_for(self, count: int, timeout: float = 10) -> list[Exchange]:
        with self._arrived:
            assert self._arrived.wait_for(lambda: len(self.exchanges) >= count, timeout), self.exchanges
            return sorted(self.exchanges, key=lambda exchange: exchange.number)


@dataclass
class Emulated:
    url: str
    app: Starlette
    scenario: Scenario

    @property
    def environ(self) -> dict[str, str]:
        """What `python -m contract_tests.emulator --print-env` exports: DCS_ENDPOINT (the proxy's upstream
        when UPSTREAM is unset), the demo AK/SK and project."""
        return environment(self.url, self.scenario)


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    return load_scenario(DEFAULT_SCENARIO_PATH)


@pytest.fixture(scope="module")
def emulated(scenario: Scenario) -> Iterator[Emulated]:
    app = create_app(scenario, clock=ManualClock(ORIGIN))
    with serve_in_thread(app) as url:
        yield Emulated(url, app, scenario)


@pytest.fixture
def upstream(emulated: Emulated) -> Emulated:
    """The module's emulator with its scenario restored (a deletion in one test leaves the next unaffected)."""
    emulator_of(emulated.app).reset()
    return emulated


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@contextmanager
def proxy_for(environ: Mapping[str, str], *observers: ExchangeObserver, **flags: str) -> Iterator[ProxyServer]:
    """A proxy on a free port, configured from ``environ`` and flags (``RATE_LIMIT="5/s"``, …)."""
    settings = load_settings(flags, port=0, environ=environ)
    with running(settings, observers) as proxy:
        yield proxy


@dataclass
class Judged:
    """A judged proxy run: the judge, what it printed, and its report files."""

    judge: Judge
    reports: Path
    out: io.StringIO

    @property
    def printed(self) -> str:
        return self.out.getvalue()

    def summary(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads((self.reports / "proxy-summary.json").read_text(encoding="utf-8"))
        return document

    def failed(self) -> set[str]:
        """The checks that found something."""
        return {failure["check"] for failure in self.summary()["failures"]}

    def har_comments(self) -> list[str]:
        har = json.loads((self.reports / "proxy-failures.har").read_text(encoding="utf-8"))
        return [entry["comment"] for entry in har["log"]["entries"]]

    def junit(self) -> ET.Element:
        return ET.parse(self.reports / "proxy-junit.xml").getroot()  # noqa: S314 - our own file

    def files(self) -> str:
        """Every report file's text, for what must never be in one."""
        return "".join(path.read_text(encoding="utf-8") for path in sorted(self.reports.glob("proxy-*")))


@contextmanager
def judged_proxy(
    environ: Mapping[str, str], reports: Path, *observers: ExchangeObserver, **flags: str
) -> Iterator[tuple[ProxyServer, Judged]]:
    """A proxy that judges every exchange, its reports under ``reports``; the judge has written them on exit."""
    settings = load_settings(flags, port=0, environ={**environ, "REPORTS_DIR": str(reports), "PROGRESS": "off"})
    out = io.StringIO()
    judged = Judged(Judge(settings, out), reports, out)
    with running(settings, [judged.judge, *observers]) as proxy:
        yield proxy, judged


def assert_clean(judged: Judged, operations: set[str]) -> None:
    """Exit 0, no finding in any file, and the operations the client used reached (and only those)."""
    summary = judged.summary()
    assert judged.judge.exit_code == 0, judged.printed
    assert summary["failures"] == [], judged.printed
    assert summary["ok"]
    assert judged.har_comments() == []
    suite = judged.junit().find("testsuite")
    assert suite is not None
    assert (suite.get("name"), suite.get("failures")) == ("proxy", "0")
    judged_checks = {case.get("name") for case in suite.iter("testcase")}
    assert {"response_schema_conformance", "request_parameters_declared", "request_id_unique"} <= judged_checks
    by_operation: dict[str, dict[str, int]] = summary["statuses_by_operation"]
    reached = {name for name, statuses in by_operation.items() if any(count for count in statuses.values())}
    assert reached == operations, by_operation
    assert "result:      PASSED" in judged.printed


def sdk(endpoint: str, scenario: Scenario, secret_key: str | None = None) -> DcsClient:
    """The project's SDK as the demo user, no retries (each call is one exchange)."""
    demo = scenario.demo
    keys = Credentials(demo.access_key, secret_key or demo.secret_key)
    project = scenario.known_tasks()[0].project_id
    return DcsClient(endpoint=endpoint, credentials=keys, project_id=project, max_retries=0)


def progress_path(scenario: Scenario, index: int = 0) -> str:
    task = scenario.known_tasks()[index]
    return f"/v2/{task.project_id}/instances/{task.instance_id}/tasks/{task.task_id}/progress"


def signed_get(url: str, keys: Credentials) -> httpx.Response:
    """A GET signed by the SDK's ``httpx.Auth`` (for keys the SDK client would not take, or a wrong secret)."""
    with httpx.Client(timeout=10) as client:
        return client.get(url, auth=AkSkAuth(keys))
