"""No false alarm from the path-variant, HTTP-semantics and format probes (issue 22, items 2-4): for each tolerance of
their rules, a correct but unusual server a naive rule would fail, proven to pass a slice run (one run per group):

- in-process: a front that verifies the signature on the path as sent, then normalises it (percent-encoded
  unreserved characters decoded, RFC 3986 §6.2.2.2; dot segments resolved, §5.2.4; slashes merged; the trailing one
  dropped) and serves what it names, so the same-resource variants get 200; HEAD served like GET; a real `Accept`
  negotiation that answers 406 to a type it cannot produce;
- over HTTP: `Connection: close` on every answer, behind a gateway that answers every method a path does not
  declare with its 404 `APIG.0101` (HEAD, OPTIONS and TRACE included; `METHOD_REJECTION=any`); undeclared
  parameters ignored and every path variant 404, as the emulator does.

The emulator as it is (HEAD answered 405 with `Allow`) passes the default slice (`test_contract_slice.py`).
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

import pytest
from starlette.types import ASGIApp, Scope

from contract_tests.emulator import DEFAULT_SCENARIO_PATH, Credential, create_app, errors, load_scenario
from contract_tests.emulator.server import serve_in_thread
from contract_tests.record.run_report import SuiteReport
from contract_tests.reporting.summary import format_summary
from contract_tests.run.runner import run_suite
from contract_tests.run.state import SuiteRun
from contract_tests.target.emulator import emulator_target
from contract_tests.target.model import Target

from .broken.negotiation import head_served_as_get
from .broken.rules import _error
from .broken.signing import BuggyVerifier, Verification
from .broken.variants import Headers, ResigningGateway, ResponseRewriter, _claimed, _raw_path
from .slice import SLICE_OPTIONS

pytestmark = pytest.mark.slow  # a suite run against each correct server

SCENARIO = load_scenario(DEFAULT_SCENARIO_PATH)
Answer = tuple[int, Headers, bytes]
ITEM_CHECKS = (
    "unsigned_path_variant_refused",
    "signed_path_variant_contained",
    "head_answers_like_get",
    "options_answered",
    "trace_not_echoed",
    "accept_negotiated",
    "query_parameters_tolerated",
    "integer_bounds_respected",
    "date_time_edges_handled",
)


def _run(target: Target) -> tuple[SuiteReport, str]:
    report = run_suite(SuiteRun(target, SLICE_OPTIONS))
    return report, format_summary(report, target=target.description, replay="(control)")


def _normalised(path: str) -> str:
    """RFC 3986 §6.2.2: unreserved characters decoded, dot segments resolved; and slashes merged, the trailing one
    dropped (what a normalising front such as nginx's `merge_slashes` does)."""
    decoded = re.sub(r"%(2[dDeE]|3[0-9]|[46][1-9a-fA-F]|[57][0-9aA]|5[fF]|7[eE])", lambda m: unquote(m[0]), path)
    return posixpath.normpath(decoded)


def normalising_front(app: ASGIApp) -> ASGIApp:
    """Signed requests whose path normalises to another: re-signed as the caller over the normalised path (the
    verifier in front checked the signature on the path as sent)."""

    def caller(scope: Scope) -> Credential | None:
        return _claimed(scope, SCENARIO) if _normalised(_raw_path(scope)) != _raw_path(scope) else None

    def normalise(scope: Scope) -> Scope:
        path = _normalised(_raw_path(scope))
        return {**scope, "path": unquote(path), "raw_path": path.encode()}

    return BuggyVerifier(ResigningGateway(app, caller, normalise), SCENARIO, Verification())


def _weights(accept: str) -> dict[str, float]:
    """Each media range of `Accept` and its weight (RFC 9110 §12.5.1)."""
    ranges: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in accept.split(","))):
        media, *parameters = (piece.strip() for piece in item.split(";"))
        weight = next((float(p[2:]) for p in parameters if p.startswith("q=")), 1.0)
        ranges[media.lower()] = weight
    return ranges


def _negotiated(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """406 when `Accept` allows neither `application/json`, `application/*` nor `*/*`."""
    accept = dict(scope["headers"]).get(b"accept", b"*/*").decode("latin-1")
    weights = _weights(accept)
    if not any(weights.get(media, 0) > 0 for media in ("application/json", "application/*", "*/*")):
        return _error(errors.ApiError(406, "DCS.4006", "Not acceptable."), headers)
    return status, headers, body


def _same(_scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    return status, headers, body


def _gateway_behind_connection_close(_scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """The gateway matches method and path first: an undeclared method is an API that does not exist (404)."""
    if status == 405:
        gateway = errors.ApiError(404, "APIG.0101", "The API does not exist or has not been published.")
        status, headers, body = _error(gateway, [(name, value) for name, value in headers if name.lower() != b"allow"])
    return status, [*headers, (b"connection", b"close")], body


def _assert_judged(report: SuiteReport, summary: str, checks: tuple[str, ...]) -> None:
    assert report.ok, summary
    for check in checks:
        assert report.checks[check] > 0, f"{check} judged nothing\n{summary}"


def test_normalising_front_head_like_get_and_406_pass() -> None:
    seen: list[tuple[str, str, int]] = []

    def spy(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
        seen.append((scope["method"], _raw_path(scope), status))
        return status, headers, body

    head_like_get = head_served_as_get(_same)(create_app(SCENARIO), SCENARIO)
    app = ResponseRewriter(ResponseRewriter(normalising_front(head_like_get), _negotiated), spy)
    report, summary = _run(emulator_target(SCENARIO, app=app, label="normalising, HEAD-serving, negotiating server"))
    _assert_judged(report, summary, ITEM_CHECKS)
    # What a naive rule would fail was there: same-resource variants served (200), HEAD served, 406 answered; the
    # escapes, normalised, denied (403).
    statuses = {status for method, path, status in seen if "%2e" in path or path.endswith("/")}
    assert 200 in statuses, seen
    assert any(method == "HEAD" and status == 200 for method, _, status in seen), seen
    assert any(status == 406 for _, _, status in seen), seen
    assert any("/../" in path and status == 403 for _, path, status in seen), seen


def test_connection_close_and_the_gateways_404_to_head_pass_over_http() -> None:
    seen: list[tuple[str, int]] = []

    def spy(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
        seen.append((scope["method"], status))
        return _gateway_behind_connection_close(scope, status, headers, body)

    with serve_in_thread(ResponseRewriter(create_app(SCENARIO), spy)) as url:
        target = emulator_target(SCENARIO, base_url=url, label="Connection: close", method_rejection="any")
        report, summary = _run(target)
    _assert_judged(report, summary, ITEM_CHECKS)
    assert {("HEAD", 405), ("OPTIONS", 405), ("TRACE", 405)} <= set(seen), seen  # each answered the gateway's 404
