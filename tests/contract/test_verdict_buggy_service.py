"""The first verdict judges the target, not its bugs (issue 22, item 8): a server whose successes are the documented
bodies is the service, however wrong its error bodies; it is run, and the error-body checks fail it with exit 1. The
targets that are not the service (`wrong_targets.WRONG_TARGETS`) still get "NOT THE SERVICE?" and exit 2
(`test_verdict.test_a_wrong_target_gets_one_paragraph_and_exit_2`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.types import Scope

from contract_tests import cli
from contract_tests.emulator import create_app
from contract_tests.emulator.server import serve_in_thread

from .broken.variants import Headers, ResponseRewriter
from .test_verdict import SCENARIO, outputs, staging_env

Answer = tuple[int, Headers, bytes]


def _error_body(change: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[Scope, int, Headers, bytes], Answer]:
    def rewrite(_scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
        if status < 400:
            return status, headers, body
        return status, headers, json.dumps(change(json.loads(body))).encode()

    return rewrite


def _without_error_code(body: dict[str, Any]) -> dict[str, Any]:
    """An error handler that writes only the message (the code dropped by a serializer's field list)."""
    return {key: value for key, value in body.items() if key != "error_code"}


def _message_renamed(body: dict[str, Any]) -> dict[str, Any]:
    """A framework's error shape: `message` and `code` instead of the documented names."""
    return {"code": body["error_code"], "message": body["error_msg"]}


def _errors_as_text(_scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """Errors written by the web server's default handler: the message as text/plain."""
    if status < 400:
        return status, headers, body
    kept = [(name, value) for name, value in headers if name.lower() != b"content-type"]
    return status, [*kept, (b"content-type", b"text/plain; charset=utf-8")], json.loads(body)["error_msg"].encode()


BUGGY_SERVICES = [
    ("error bodies without error_code", _error_body(_without_error_code), "response_schema_conformance"),
    ("error_msg renamed to message", _error_body(_message_renamed), "response_schema_conformance"),
    ("errors as text/plain", _errors_as_text, "content_type_conformance"),
]


@pytest.mark.slow  # a suite run over loopback each
@pytest.mark.parametrize("buggy", BUGGY_SERVICES, ids=[bug for bug, _, _ in BUGGY_SERVICES])
def test_the_service_with_buggy_error_bodies_is_run_and_fails_the_error_body_check(
    buggy: tuple[str, Callable[[Scope, int, Headers, bytes], Answer], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bug, rewrite, check = buggy
    staging_env(monkeypatch)
    with serve_in_thread(ResponseRewriter(create_app(SCENARIO), rewrite)) as url:
        code = cli.main(["--base-url", url, "--seed", "1", "--max-examples", "10", *outputs(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "NOT THE SERVICE?" not in out, bug
    summary = json.loads((tmp_path / "contract-summary.json").read_text())
    assert summary["first_verdict"]["looks_like_the_service"] is True
    assert check in {failure["check"] for failure in summary["failures"]}, out
