"""Servers a BASE_URL may point at by mistake, and correct servers that answer in unusual ways, as ASGI apps.

The wrong ones are what a person meets in practice: a sign-in page, a crashed upstream, a mock that serves
everyone, another JSON API, a gateway that does not route this API, a catch-all health endpoint. The
unusual correct ones wrap the real emulator: a gateway that throttles the first requests, one that writes
the JSON content type with parameters. Test support only.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from contract_tests.emulator import Scenario
from contract_tests.phases.verdict import verdict_reads
from contract_tests.spec.api import load_spec

from .broken.variants import ResigningGateway, ResponseRewriter

SIGN_IN = b"""<!doctype html><html><head><title>Sign in</title></head>
<body><form action="/login" method="post"><input name="user"><input name="password" type="password">
<button>Sign in</button></form></body></html>"""

Answer = Callable[[Scope], tuple[int, list[tuple[bytes, bytes]], bytes]]


class Canned:
    """Answers every request with `answer(scope)`, whatever the method, path or credentials."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer

    async def __call__(self, scope: Scope, _receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        status, headers, body = self.answer(scope)
        headers = [*headers, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _json(status: int, document: object, *, request_id: bool = True) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    headers = [(b"content-type", b"application/json")]
    if request_id:
        headers.append((b"x-request-id", uuid.uuid4().hex.encode()))
    return status, headers, json.dumps(document).encode()


def _signed(scope: Scope) -> bool:
    return any(name.lower() in (b"authorization", b"x-auth-token") for name, _ in scope["headers"])


def sign_in_page(_scope: Scope) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """An SSO portal: its sign-in page, 200 text/html, for every URL."""
    return 200, [(b"content-type", b"text/html; charset=utf-8")], SIGN_IN


def crashed_upstream(_scope: Scope) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """A service whose backend is down: the documented 500 error body to everything (even a request ID)."""
    return _json(500, {"error_code": "DCS.5000", "error_msg": "Internal service error.", "error_ext_msg": None})


def another_json_api(scope: Scope) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """A JSON API that is not DCS (FastAPI's shapes): 401 without credentials, 404 for paths it does not have."""
    if not _signed(scope):
        return _json(401, {"detail": "Not authenticated"}, request_id=False)
    return _json(404, {"detail": "Not Found"}, request_id=False)


def unrouted_gateway(_scope: Scope) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """An API gateway in front of nothing: APIG.0101 (the API does not exist) to every request, signed or not."""
    request_id = uuid.uuid4().hex
    body = {
        "error_code": "APIG.0101",
        "error_msg": "The API does not exist or has not been published.",
        "request_id": request_id,
    }
    return (
        404,
        [(b"content-type", b"application/json"), (b"x-request-id", request_id.encode())],
        json.dumps(body).encode(),
    )


def health_check(_scope: Scope) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """A catch-all route of a load balancer: 200 {"status": "UP"} to everything."""
    return _json(200, {"status": "UP"}, request_id=False)


@dataclass(frozen=True)
class WrongTarget:
    name: str
    app: Callable[[ASGIApp, Scenario], ASGIApp]  # (the emulator's app, its scenario) → what answers
    said: str  # what the verdict's paragraph must say


def accepts_unsigned(app: ASGIApp, scenario: Scenario) -> ASGIApp:
    """The emulator behind a gateway that signs every request as the demo user: a mock that serves everyone."""
    return ResigningGateway(app, lambda _scope: scenario.demo)


WRONG_TARGETS = (
    WrongTarget(
        "HTML sign-in page",
        lambda _app, _s: Canned(sign_in_page),
        "not one answer was JSON (every answer was text/html",
    ),
    WrongTarget(
        "500 for everything", lambda _app, _s: Canned(crashed_upstream), "every request got a server error (500)"
    ),
    WrongTarget(
        "2xx to unsigned requests",
        accepts_unsigned,
        # the verdict's unsigned request for the readable task goes to the last of its reads
        f"an unsigned request ({verdict_reads(load_spec())[-1].operation_id}, the readable task) was answered 200",
    ),
    # not named by the issue:
    WrongTarget("another JSON API", lambda _app, _s: Canned(another_json_api), "never the documented error body"),
    WrongTarget(
        "a gateway that does not route the API",
        lambda _app, _s: Canned(unrouted_gateway),
        "every request got 404, the unsigned one too",
    ),
    WrongTarget("a catch-all health check", lambda _app, _s: Canned(health_check), "got the same answer"),
)


class ThrottlingGateway:
    """A correct gateway that throttles: 429 APIG.0308 with `Retry-After: 0` to the first `first` requests."""

    def __init__(self, app: ASGIApp, first: int) -> None:
        self.app, self.left = app, first

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.left > 0:
            self.left -= 1
            status, headers, body = _json(
                429,
                {"error_code": "APIG.0308", "error_msg": "The request is throttled.", "request_id": uuid.uuid4().hex},
            )
            headers = [*headers, (b"retry-after", b"0"), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


def charset_parameter(app: ASGIApp) -> ASGIApp:
    """The emulator with `Content-Type: application/json;charset=UTF-8` (what Spring writes): still JSON."""

    def rewrite(
        _scope: Scope, status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        headers = [(n, b"application/json;charset=UTF-8" if n.lower() == b"content-type" else v) for n, v in headers]
        return status, headers, body

    return ResponseRewriter(app, rewrite)
