"""No false alarm from the rules on answers' times and hygiene (issue 22, items 5 and 7): correct but unusual servers a
naive rule would fail, proven to pass a slice run — times written with the vendor's region offset (+08:00) and a
`Date` header from a gateway whose clock is ten minutes behind; a gateway's own headers (`Server: api-gateway`,
`X-Apig-*`, `Via` through it), `Connection: close` on every answer, and error messages that echo the URL asked for
(the emulator's loopback address) or carry digits that look like an address. A traceback that quotes the caller's
credentials is reported with them scrubbed."""

from __future__ import annotations

import dataclasses
import datetime
import email.utils
import json
from typing import Any

import pytest
from dcs_tasks import parse_timestamp
from starlette.types import Scope

from contract_tests.checks.hygiene import RULES
from contract_tests.checks.times import TIME_CHECKS
from contract_tests.emulator import DEFAULT_SCENARIO_PATH, create_app, load_scenario
from contract_tests.emulator.server import serve_in_thread
from contract_tests.record.run_report import SuiteReport
from contract_tests.reporting.summary import format_summary
from contract_tests.run.runner import run_suite
from contract_tests.run.state import SuiteRun
from contract_tests.target.auth import IamTokenAuth
from contract_tests.target.emulator import emulator_target
from contract_tests.target.model import Target

from .broken.hygiene import PYTHON_TRACE
from .broken.variants import Headers, ResponseRewriter
from .slice import SLICE_OPTIONS

pytestmark = pytest.mark.slow  # a suite run against each correct server

SCENARIO = load_scenario(DEFAULT_SCENARIO_PATH)
Answer = tuple[int, Headers, bytes]
REGION = datetime.timezone(datetime.timedelta(hours=8))
TIME_FIELDS = ("begin_time", "end_time", "created_at", "updated_at")


def _run(target: Target) -> tuple[SuiteReport, str]:
    report = run_suite(SuiteRun(target, SLICE_OPTIONS))
    return report, format_summary(report, target=target.description, replay="(control)")


def _objects(value: object) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value, *(found for item in value.values() for found in _objects(item))]
    if isinstance(value, list):
        return [found for item in value for found in _objects(item)]
    return []


class _RegionTimes:
    """Every time as the same instant in +08:00, the steps' to the second (a task created at 01:26:29.526 has its
    first step begun at 01:26:29, earlier to a naive comparison), and a `Date` header from a gateway whose clock is
    ten minutes behind; counts the running steps seen."""

    def __init__(self) -> None:
        self.running_steps = 0

    def __call__(self, _scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
        behind = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=10)
        headers = [*headers, (b"date", email.utils.format_datetime(behind, usegmt=True).encode())]
        if status != 200:
            return status, headers, body
        document = json.loads(body)
        for item in _objects(document):
            self.running_steps += "step_status" in item and not item.get("end_time")
            for name in TIME_FIELDS:
                if isinstance(item.get(name), str) and item[name]:
                    instant = parse_timestamp(item[name]).astimezone(REGION)
                    # Steps timed to the second (their fraction dropped, as the service's zone-less form does).
                    whole = name in ("begin_time", "end_time")
                    item[name] = instant.isoformat(timespec="seconds" if whole else "milliseconds")
        return status, headers, json.dumps(document, ensure_ascii=False).encode()


def test_times_in_the_region_offset_with_a_late_date_header_pass() -> None:
    region = _RegionTimes()
    report, summary = _run(emulator_target(SCENARIO, app=ResponseRewriter(create_app(SCENARIO), region)))
    assert report.ok, summary
    assert region.running_steps > 0  # a step still running, no end_time: judged, and right
    for check in TIME_CHECKS:
        assert report.checks[check.__name__] > 0, check.__name__
    assert report.checks["task_created_before_first_step"] > 0, summary


GATEWAY_HEADERS = [
    (b"server", b"api-gateway"),
    (b"x-apig-latency", b"12"),
    (b"x-apig-upstream-latency", b"9"),
    (b"x-apig-ratelimit-api", b"remain:199,limit:200,time:1 second"),
    (b"via", b"1.1 apig"),
    (b"connection", b"close"),
]


def _gateway(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """The gateway's headers on every answer (`Connection: close` too), `charset=utf-8`, and error messages that echo
    the URL asked for (on loopback: 127.0.0.1) or hold digits shaped like an address."""
    kept = [(name, value) for name, value in headers if name.lower() not in (b"server", b"content-type")]
    headers = [*kept, *GATEWAY_HEADERS, (b"content-type", b"application/json; charset=utf-8")]
    if status == 404:
        host = dict(scope["headers"]).get(b"host", b"").decode()
        url = f"{scope['scheme']}://{host}{scope['path']}"
        message = (
            f"The requested URL {url} does not exist (API v2.10.0.5, request 1010a8c0-0100-4000-8000-000000000001)."
        )
        body = json.dumps({**json.loads(body), "error_msg": message}).encode()
    return status, headers, body


def test_a_gateway_s_headers_and_echoing_errors_pass() -> None:
    with serve_in_thread(ResponseRewriter(create_app(SCENARIO), _gateway)) as url:
        report, summary = _run(emulator_target(SCENARIO, base_url=url))
    assert url.startswith("http://127.0.0.1:")
    assert report.ok, summary
    for name in RULES:
        assert report.checks[name] > 0, name


def test_a_traceback_quoting_credentials_is_reported_scrubbed() -> None:
    """A debug handler prints the request's headers in its traceback: the finding quotes it, without the token."""
    token = SCENARIO.demo.token
    assert token is not None

    def leaky(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
        if status < 400:
            return status, headers, body
        sent = dict(scope["headers"]).get(b"x-auth-token", b"").decode()
        text = f"Traceback (most recent call last): X-Auth-Token={sent} expired\n{PYTHON_TRACE}"
        return status, headers, json.dumps({**json.loads(body), "error_msg": text}).encode()

    target = dataclasses.replace(
        emulator_target(SCENARIO, app=ResponseRewriter(create_app(SCENARIO), leaky)),
        auth=IamTokenAuth(token),
        secrets=(token,),
    )
    report = run_suite(SuiteRun(target, SLICE_OPTIONS))
    found = [failure for failure in report.failures.values() if failure.check == "error_without_stack_trace"]
    assert found, format_summary(report, target=target.description, replay="(control)")
    assert any("X-Auth-Token=[redacted] expired" in failure.message for failure in found)
    assert token not in report.to_json()
