"""Broken servers for HTTP semantics (issue 22, item 3), each a bug a framework, a front or a maintainer could have,
caught by the check named for its rule:

- `head_answers_like_get`: HEAD served by the GET handler with the body dropped before `Content-Length` is
  computed (0); HEAD served by the GET handler outside the middleware that adds `Content-Type` and `X-Request-Id`;
  an authentication filter whose rules name GET and DELETE only, so HEAD reaches the GET handler unauthenticated.
- `options_answered`: a CORS middleware left unconfigured that crashes on OPTIONS; OPTIONS refused with 405 and no
  `Allow`; an `Allow` built from the first route of a path only (GET, where DELETE is declared too).
- `trace_not_echoed`: TRACE left enabled on the web server (the request echoed as `message/http`); a debug error
  page that quotes the request's headers in every 405.
- `accept_negotiated`: a serializer registry that raises on a media type it lacks (500); `Accept` compared as a
  whole string, so q-values get 406; XML written when asked for, under the JSON `Content-Type` every answer gets.
- `query_parameters_tolerated`: a parameter given twice parsed into a list that is then cast to an integer (500);
  a strict validator that refuses undeclared parameters with 422.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Scope

from contract_tests.emulator import Credential, Scenario, errors
from contract_tests.spec.api import load_spec

from .rules import _error
from .variants import (
    Headers,
    ResigningGateway,
    ResponseRewriter,
    Rewrite,
    Variant,
    Wrap,
    _answers,
    _claimed,
    _raw_path,
)

SPEC = load_spec()
Answer = tuple[int, Headers, bytes]
HEAD = frozenset({"head_answers_like_get"})
OPTIONS = frozenset({"options_answered"})
TRACE = frozenset({"trace_not_echoed"})
ACCEPT = frozenset({"accept_negotiated"})
QUERY = frozenset({"query_parameters_tolerated"})


def _request_headers(scope: Scope) -> dict[str, str]:
    return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}


def _without(headers: Headers, *names: bytes) -> Headers:
    return [(name, value) for name, value in headers if name.lower() not in names]


def head_served_as_get(rewrite: Rewrite) -> Wrap:
    """HEAD handed to the GET handler (re-signed as the caller: the handler takes it for a GET), its answer then
    passed through `rewrite`."""

    def wrap(app: ASGIApp, scenario: Scenario) -> ASGIApp:
        def caller(scope: Scope) -> Credential | None:
            return _claimed(scope, scenario) if scope["method"] == "HEAD" else None

        return ResponseRewriter(ResigningGateway(app, caller, lambda scope: {**scope, "method": "GET"}), rewrite)

    return wrap


def _head_unguarded(app: ASGIApp, scenario: Scenario) -> ASGIApp:
    """Authentication rules by method name GET and DELETE; HEAD falls through to the GET handler, served as the
    demo's whoever asks."""
    return ResigningGateway(
        app,
        lambda scope: scenario.demo if scope["method"] == "HEAD" else None,
        lambda scope: {**scope, "method": "GET"},
    )


def _head_length_zero(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """The body dropped before its length is computed: `Content-Length: 0`."""
    return (status, headers, b"") if scope["method"] == "HEAD" else (status, headers, body)


def _head_outside_middleware(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """The middleware that adds `Content-Type` and `X-Request-Id` wraps the GET route only."""
    if scope["method"] == "HEAD":
        return status, _without(headers, b"content-type", b"x-request-id"), body
    return status, headers, body


def _cors_crash(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    if scope["method"] == "OPTIONS":
        return _error(errors.INTERNAL_ERROR, _without(headers, b"allow"))
    return status, headers, body


def _options_without_allow(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    if scope["method"] == "OPTIONS":
        return status, _without(headers, b"allow"), body
    return status, headers, body


def _trace_echoed(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """TRACE answered by the web server itself: the request as it came (RFC 9110 §9.3.8 allows it; ZAP flags it)."""
    if scope["method"] != "TRACE":
        return status, headers, body
    lines = [f"TRACE {_raw_path(scope)} HTTP/1.1", *(f"{k}: {v}" for k, v in _request_headers(scope).items())]
    kept = _without(headers, b"content-type", b"allow")
    return 200, [*kept, (b"content-type", b"message/http")], "\r\n".join(lines).encode("latin-1")


def _debug_405(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """A debug error page: every 405 quotes the request it refused, headers and all."""
    if status != 405:
        return status, headers, body
    document = json.loads(body)
    document["request"] = {"method": scope["method"], "headers": _request_headers(scope)}
    return status, headers, json.dumps(document).encode()


def _first_route_allow(_scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """`Allow` built from the first route matching the path: only GET, whatever else the path declares."""
    if any(name.lower() == b"allow" for name, _ in headers):
        return status, [*_without(headers, b"allow"), (b"allow", b"GET")], body
    return status, headers, body


def _xml_labelled_json(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """An XML writer picked by `Accept`, the `Content-Type` set by a middleware to JSON for every answer."""
    if "xml" in _accept(scope) and status < 300:
        fields = "".join(
            f"<{key}>{value}</{key}>" for key, value in json.loads(body).items() if not isinstance(value, list)
        )
        return status, headers, f"<?xml version='1.0'?><response>{fields}</response>".encode()
    return status, headers, body


def _accept(scope: Scope) -> str:
    return _request_headers(scope).get("accept", "*/*").strip()


def _serializer_missing(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """A serializer looked up by the first media type of `Accept`: one it lacks raises (500)."""
    first = _accept(scope).split(",", 1)[0].split(";", 1)[0].strip()
    if first not in ("application/json", "*/*", ""):
        return _error(errors.INTERNAL_ERROR, headers)
    return status, headers, body


def _accept_whole_string(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """`Accept` compared as a whole string: only `application/json` and `*/*` are understood (406 otherwise)."""
    if _accept(scope) not in ("application/json", "*/*", ""):
        return _error(errors.ApiError(406, "DCS.4006", "Not acceptable."), headers)
    return status, headers, body


def _pairs(scope: Scope) -> list[tuple[str, str]]:
    return parse_qsl(bytes(scope.get("query_string", b"")).decode("latin-1"), keep_blank_values=True)


def _repeated_cast(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """A parameter given twice comes out of the parser as a list; casting it to a number raises (500)."""
    names = [name for name, _ in _pairs(scope)]
    if len(names) != len(set(names)):
        return _error(errors.INTERNAL_ERROR, headers)
    return status, headers, body


def _strict_undeclared(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """A strict request validator: a parameter the operation does not declare gets 422 (after authentication)."""
    found = SPEC.operation_for(scope["method"], _raw_path(scope))
    declared = set(found[0].query_parameters) if found is not None else set()
    if status < 300 and any(name not in declared for name, _ in _pairs(scope)):
        return _error(errors.ApiError(422, "DCS.4220", "Unknown query parameter."), headers)
    return status, headers, body


NEGOTIATION_VARIANTS: tuple[Variant, ...] = (
    Variant("HEAD declares Content-Length 0", head_served_as_get(_head_length_zero), HEAD),
    Variant("HEAD served outside the headers middleware", head_served_as_get(_head_outside_middleware), HEAD),
    Variant("HEAD outside the authentication rules", _head_unguarded, HEAD),
    Variant("an unconfigured CORS middleware crashes on OPTIONS", _answers(_cors_crash), OPTIONS),
    Variant("OPTIONS refused with 405 and no Allow", _answers(_options_without_allow), OPTIONS),
    Variant("Allow built from the first route only", _answers(_first_route_allow), OPTIONS),
    Variant("TRACE enabled on the web server", _answers(_trace_echoed), TRACE),
    Variant("a debug 405 page quoting the request", _answers(_debug_405), TRACE),
    Variant("no serializer for the Accept type (500)", _answers(_serializer_missing), ACCEPT),
    Variant("Accept compared as a whole string", _answers(_accept_whole_string), ACCEPT),
    Variant("XML under a JSON Content-Type", _answers(_xml_labelled_json), ACCEPT),
    Variant("a repeated parameter cast from a list (500)", _answers(_repeated_cast), QUERY),
    Variant("undeclared parameters refused with 422", _answers(_strict_undeclared), QUERY),
)
