"""No false alarm from the signing probes (issue 22, item 1): for each tolerance of their rules, a correct but unusual
server a naive rule would fail, proven to pass a slice run — another gateway and backend (a 401 in the gateway's own
code and message, its own 400 to odd characters in a path before authentication, IDs looked up case-sensitively),
a clock ten minutes off either way (inside the allowed skew), and header names read as sent but case-insensitively
(over HTTP)."""

from __future__ import annotations

import json
import re
import time
from urllib.parse import unquote

import pytest
from starlette.types import Scope

from contract_tests.emulator import DEFAULT_SCENARIO_PATH, create_app, emulator_of, errors, load_scenario
from contract_tests.emulator.auth import Authenticator
from contract_tests.emulator.server import serve_in_thread
from contract_tests.record.run_report import SuiteReport
from contract_tests.reporting.summary import format_summary
from contract_tests.run.runner import run_suite
from contract_tests.run.state import SuiteRun
from contract_tests.spec.api import load_spec
from contract_tests.target.auth_modes import SKEW
from contract_tests.target.emulator import emulator_target
from contract_tests.target.model import Target

from .broken.http_front import RawHeaders, http_front
from .broken.rules import _error, task_path_ids
from .broken.variants import Headers, ResponseRewriter, _raw_path
from .slice import SLICE_OPTIONS

pytestmark = pytest.mark.slow  # a suite run against each correct server

SCENARIO = load_scenario(DEFAULT_SCENARIO_PATH)
Answer = tuple[int, Headers, bytes]


def _run(target: Target) -> tuple[SuiteReport, str]:
    report = run_suite(SuiteRun(target, SLICE_OPTIONS))
    return report, format_summary(report, target=target.description, replay="(control)")


def _gateway_401(_scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """Every 401 in the gateway's own words: its code and message, a `request_id`, no `error_ext_msg` (the rules want
    401 with the documented error body, not the emulator's code, for a re-signed method, an altered host, …)."""
    if status != 401:
        return status, headers, body
    request_id = next((value for name, value in headers if name.lower() == b"x-request-id"), b"").decode()
    words = {
        "error_code": "APIG.0303",
        "error_msg": "Incorrect app authentication information",
        "request_id": request_id,
    }
    return status, headers, json.dumps(words).encode()


def _refuses_odd_paths(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """A path with characters outside RFC 3986's unreserved ones refused with the gateway's own 400, before any
    signature is checked (a malformed ID must get exactly 400: this one is)."""
    if re.search(r"[^A-Za-z0-9\-._~/]", unquote(_raw_path(scope))):
        return _error(errors.ApiError(400, "APIG.0201", "API request error."), headers)
    return status, headers, body


def _case_sensitive_ids(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """IDs looked up as sent: one in upper case is unknown (the spec's pattern takes either case). The probes send an
    ID in upper case signed in lower case and want 401: authentication comes first, so it still is."""
    path = _raw_path(scope)
    if status < 300 and task_path_ids(scope) and path != path.lower():
        return _error(errors.TASK_NOT_FOUND, headers)
    return status, headers, body


def _another_gateway(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    for rewrite in (_case_sensitive_ids, _gateway_401, _refuses_odd_paths):  # the backend's, then the gateway's
        status, headers, body = rewrite(scope, status, headers, body)
    return status, headers, body


def test_another_gateway_and_backend_pass() -> None:
    report, summary = _run(emulator_target(SCENARIO, app=ResponseRewriter(create_app(SCENARIO), _another_gateway)))
    assert report.ok, summary
    assert report.checks["signature_binds_request"] >= len(load_spec().operations), summary
    assert report.checks["tampered_signature_rejected"] >= 7, summary
    assert report.checks["malformed_id_rejected"] >= 3, summary


@pytest.mark.parametrize("minutes", [-10, 10], ids=["behind", "ahead"])
def test_a_server_clock_ten_minutes_off_passes(minutes: int) -> None:
    """Inside the 15 minutes the gateway allows, the server takes every correct request; a date 30 minutes off is
    still past the skew for it, both ways (a 20-minute probe would be 10 minutes off for one of these)."""
    assert SKEW.total_seconds() / 60 - abs(minutes) > 15
    app = create_app(SCENARIO)
    emulator = emulator_of(app)
    emulator.authenticator = Authenticator(
        SCENARIO.credentials, wall_time=lambda: time.time() + minutes * 60, lockout=emulator.lockout
    )
    report, summary = _run(emulator_target(SCENARIO, app=app))
    assert report.ok, summary
    assert report.checks["tampered_signature_rejected"] >= 7, summary


def test_header_names_read_as_sent_and_case_insensitively_pass() -> None:
    """Over HTTP the names go as the suite writes them (`authorization`, `X-SDK-DATE`, …): a server that sees them so
    and looks them up as it must (RFC 9110 §5.1: case-insensitively) passes."""
    seen: list[RawHeaders] = []

    def case_insensitive(raw: RawHeaders) -> str | None:
        seen.append(raw)
        names = {name.lower() for name, _ in raw}
        return "x-sdk-date not found" if "authorization" in names and "x-sdk-date" not in names else None

    with serve_in_thread(create_app(SCENARIO)) as upstream, http_front(upstream, case_insensitive) as url:
        report, summary = _run(emulator_target(SCENARIO, base_url=url))
    assert report.ok, summary
    reads = [operation for operation in load_spec().operations if not operation.changes_state]
    assert report.checks["header_names_case_insensitive"] == len(reads), summary
    assert any({"authorization", "X-SDK-DATE", "CONTENT-type"} <= {name for name, _ in raw} for raw in seen)
