"""The ASGI app: routing and validation from the spec, then gateway checks, then the handlers.

Order of checks, as the real gateway and service apply them:
unknown path → 404 DCS.4001; undeclared method → 405 + ``Allow``; injected faults; the first request of an
operation an instance's ``throttled_once`` names → 429 APIG.0308 (``Retry-After: 0``);
authentication → 401 APIG.0301; malformed IDs → 400 DCS.4002/4061/4070; a declared query
parameter off its schema (or repeated) → 400 DCS.4800; project not allowed for
the credentials → 403 DCS.2003; unknown instance/task → 404; a task or instance the scenario marks
``internal_error`` for the operation → 500 DCS.5000; otherwise 200 (or 204 without content).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

from . import errors
from .auth import AuthenticationError
from .clock import Clock
from .control import control_routes
from .errors import RejectedError
from .faults import Fault, FaultConfig, FaultInjector
from .lockout import LockoutPolicy
from .responses import Extension, NoContent
from .scenario import DEFAULT_SCENARIO_PATH, Scenario, load_scenario
from .spec import Operation, split_raw_path
from .spec import Route as SpecRoute
from .state import Emulator

log = logging.getLogger("contract_tests.emulator")
MAX_BODY_BYTES = 1 << 20
JSON = (b"content-type", b"application/json")


class Dispatcher:
    """Raw ASGI endpoint for every spec path (no per-request framework objects: it is the hot path)."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = uuid.uuid4().hex
        headers: list[tuple[bytes, bytes]] = []
        try:
            answer = await self._handle(scope, receive, headers)
            status, body = (204, b"") if isinstance(answer, NoContent) else (200, answer)
        except RejectedError as rejected:
            if rejected.error is errors.DROP:
                # Promise a body, send none and return: uvicorn closes the socket mid-response.
                await send({"type": "http.response.start", "status": 500, "headers": [(b"content-length", b"64")]})
                return
            status, body = rejected.error.status, rejected.error.body(request_id)
        except Exception:  # a bug must still answer with the documented body, never a traceback
            log.exception("emulator error on %s", scope.get("path"))
            status, body = 500, errors.INTERNAL_ERROR.body(request_id)
        if status != 204:  # RFC 9110: a 204 has no content, so nothing to describe either
            headers += [JSON, (b"content-length", str(len(body)).encode())]
        headers.append((b"x-request-id", request_id.encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _handle(
        self, scope: Scope, receive: Receive, out_headers: list[tuple[bytes, bytes]]
    ) -> bytes | NoContent:
        emulator = self.emulator
        raw_path = _raw_path(scope)
        route, params = _route(emulator.routes, raw_path)
        method = scope["method"]
        operation = route.operations.get(method)
        if operation is None:
            out_headers.append((b"allow", route.allow.encode()))
            raise RejectedError(errors.METHOD_NOT_ALLOWED)
        await _inject_fault(emulator.faults, out_headers)
        if emulator.throttle.throttles(params, operation.operation_id):
            out_headers.append((b"retry-after", b"0"))
            raise RejectedError(errors.THROTTLED)
        body = await _read_body(receive)
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        try:
            credential = emulator.authenticator.authenticate(
                method=method,
                raw_path=raw_path,
                raw_query=scope.get("query_string", b"").decode("latin-1"),
                headers=headers,
                body=body,
            )
        except AuthenticationError as failure:
            raise RejectedError(errors.unauthorized(str(failure))) from None
        for parameter in route.parameters():
            if not parameter.is_valid(params[parameter.name]):
                raise RejectedError(errors.invalid_parameter(parameter.name))
        query = _query(operation, scope.get("query_string", b""))
        if "project_id" in params and not credential.may_access(params["project_id"]):
            raise RejectedError(errors.FORBIDDEN)
        return emulator.responder.handlers[operation.operation_id](params, query)


def _query(operation: Operation, raw: bytes) -> dict[str, int | str]:
    """The declared query parameters, typed and checked against the spec; undeclared ones are ignored."""
    if not operation.query or not raw:
        return {}
    values: dict[str, int | str] = {}
    for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="replace"):
        parameter = operation.query.get(name)
        if parameter is None:
            continue
        typed = parameter.parse(value)
        if typed is None or name in values:  # off the schema, or a scalar given twice
            raise RejectedError(errors.invalid_parameter(name))
        values[name] = typed
    return values


def _route(routes: list[SpecRoute], raw_path: str) -> tuple[SpecRoute, dict[str, str]]:
    segments = split_raw_path(raw_path)
    for route in routes:
        params = route.match(segments)
        if params is not None:
            return route, params
    raise RejectedError(errors.URL_NOT_FOUND)


async def _inject_fault(faults: FaultInjector, out_headers: list[tuple[bytes, bytes]]) -> None:
    decision = faults.decide()
    if decision.delay:
        await asyncio.sleep(decision.delay)
    if decision.fault is Fault.DROP:
        raise RejectedError(errors.DROP)
    if decision.fault is Fault.THROTTLE:
        out_headers.append((b"retry-after", str(faults.config.retry_after).encode()))
        raise RejectedError(errors.THROTTLED)
    if decision.fault is Fault.ERROR_500:
        raise RejectedError(errors.INTERNAL_ERROR)
    if decision.fault is Fault.ERROR_503:
        raise RejectedError(errors.SERVICE_UNAVAILABLE)


def _raw_path(scope: Scope) -> str:
    raw: bytes | None = scope.get("raw_path")
    if raw is None:
        return str(scope["path"])
    # Non-ASCII bytes are decoded as the UTF-8 a client would have signed.
    return raw.split(b"?", 1)[0].decode("utf-8", "replace")


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise RejectedError(errors.BODY_TOO_LARGE)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def create_app(
    scenario: Scenario | str | Path | None = None,
    *,
    clock: Clock | None = None,
    faults: FaultConfig | None = None,
    enable_control_api: bool = False,
    speed: float = 1.0,
    lockout: LockoutPolicy | None = LockoutPolicy(),  # noqa: B008 - frozen, shared safely
    spec: Mapping[str, Any] | None = None,
    extensions: tuple[Extension, ...] = (),
) -> Starlette:
    """The emulator as an ASGI app; ``app.state.emulator`` is its :class:`Emulator`.

    ``scenario`` is a loaded Scenario, a path to a scenario file, or None for the default one.
    ``clock`` defaults to real time times ``speed`` from now. ``lockout``: the gateway's AK/SK lockout
    (more than five failed authentications in a row lock a key for five minutes of ``clock``); None turns it off.
    ``spec`` (default ``openapi/dcs.yaml``) is the document served, and ``extensions`` give the handlers of
    its operations ``responses.py`` does not have (each operation needs one).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario or DEFAULT_SCENARIO_PATH)
    emulator = Emulator(
        scenario, clock=clock, faults=faults, speed=speed, lockout=lockout, spec=spec, extensions=extensions
    )
    routes = [Mount("/_emulator", routes=control_routes(emulator))] if enable_control_api else []
    app = Starlette(routes=routes)
    # Everything the control API does not match goes to the dispatcher, as a raw ASGI default:
    # Starlette's own path patterns stop at characters such as a decoded newline.
    app.router.default = Dispatcher(emulator)
    app.router.redirect_slashes = False
    app.state.emulator = emulator
    return app


def emulator_of(app: Starlette) -> Emulator:
    emulator: Emulator = app.state.emulator
    return emulator
