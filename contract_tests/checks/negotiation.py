"""The right answers to the HTTP-semantics probes (RFC 9110), on every documented path:

- `head_answers_like_get` (§9.3.2): HEAD where GET is documented gets GET's status and headers (its media type, the
  documented `X-Request-Id`, a `Content-Length` if any that is GET's) without a body, or is refused as an undeclared
  method is (`METHOD_REJECTION`: 405 with an `Allow` naming GET, or the gateway's 404, which a HEAD answer cannot
  show the code of); never 5xx. Unsigned, it gets what an unsigned GET gets: 401 (or that refusal).
- `options_answered` (§9.3.7): OPTIONS gets a success, a status the path documents, or 405 with `Allow`; an `Allow`
  names every method the path declares (§10.2.1); never 5xx.
- `trace_not_echoed` (§9.3.8; ZAP 90028, cross-site tracing): TRACE is never served (2xx) and its answer never
  quotes the request (a marker header, the `Authorization` value); never 5xx but a 501 (the method not
  implemented).
- `accept_negotiated` (§12.5.1): an `Accept` the service cannot produce gets 406 or a JSON answer, never 5xx;
  `*/*` and q-values get the documented success in JSON.
- `query_parameters_tolerated` (§4.2.4 leaves parameters to the resource): an undeclared or repeated query
  parameter is ignored (the documented success) or refused with the documented 400 and its error body; never 5xx.
"""

from __future__ import annotations

from collections.abc import Collection

import requests

from ..record.answers import is_error_body
from ..spec.api import is_json_media_type
from .probe_rules import Judge

HEAD_LIKE_GET = "head_answers_like_get"
OPTIONS_ANSWERED = "options_answered"
TRACE_NOT_ECHOED = "trace_not_echoed"
ACCEPT_NEGOTIATED = "accept_negotiated"
QUERY_TOLERATED = "query_parameters_tolerated"
# A HEAD may leave out what only the content determines (§9.3.2); the task may move on between the two reads, so
# a declared length may differ from GET's by a few digits, never by more.
LENGTH_DRIFT = 16


def _media(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()


def _allowed(response: requests.Response) -> set[str]:
    return {item.strip().upper() for item in response.headers.get("Allow", "").split(",") if item.strip()}


def documented_success(successes: Collection[int]) -> Judge:
    """A documented success, in JSON."""

    def judge(response: requests.Response) -> str | None:
        if response.status_code not in successes:
            return f"answered {response.status_code}, expected the documented success {sorted(successes)}"
        return _not_json(response)

    return judge


def _not_json(response: requests.Response) -> str | None:
    """What keeps a body from being JSON: its media type, or its text (None: it is JSON, or empty)."""
    if not response.content:
        return None
    if not is_json_media_type(response.headers.get("Content-Type")):
        return f"answered {response.status_code} as {response.headers.get('Content-Type')!r}, not JSON"
    try:
        response.json()
    except ValueError:
        return f"answered {response.status_code} labelled JSON, its body not JSON: {response.text[:80]!r}"
    return None


class HeadComparison:
    """The GET answer of each path, recorded by its judge (`get`), that the HEAD sent right after is compared to
    (`head`)."""

    def __init__(self) -> None:
        self.seen: dict[str, requests.Response] = {}

    def get(self, path: str, judge: Judge) -> Judge:
        def record(response: requests.Response) -> str | None:
            self.seen[path] = response
            return judge(response)

        return record

    def head(self, path: str, rejection: str) -> Judge:
        refused = head_refused(rejection)

        def judge(response: requests.Response) -> str | None:
            status = response.status_code
            if status in (404, 405) and (problem := refused(response)) != _NOT_REFUSED:
                return problem
            if status >= 500:
                return f"crashed the server ({status})"
            got = self.seen.get(path)
            if got is None:
                return None  # no GET to compare with (it had no answer: reported on its own)
            return _unlike(response, got)

        return judge


_NOT_REFUSED = "not refused as an undeclared method"


def head_refused(rejection: str) -> Judge:
    """HEAD refused as an undeclared method is by `rejection` (`METHOD_REJECTION`): 405 with an `Allow` naming GET,
    and/or a 404 (the gateway's `APIG.0101`: a HEAD answer has no body to show it). `_NOT_REFUSED` otherwise."""

    def judge(response: requests.Response) -> str | None:
        status = response.status_code
        if status == 405 and rejection in ("405", "any"):
            return None if "GET" in _allowed(response) else f"answered 405 with Allow {_allow_text(response)}"
        if status == 404 and rejection in ("404", "any"):
            return None
        return _NOT_REFUSED

    return judge


def unsigned_head(rejection: str) -> Judge:
    """An unsigned HEAD: refused as an unsigned GET is (401), or as an undeclared method (`head_refused`)."""
    refused = head_refused(rejection)

    def judge(response: requests.Response) -> str | None:
        status = response.status_code
        if status == 401 or (problem := refused(response)) != _NOT_REFUSED:
            return None if status == 401 else problem
        what = "served without authentication" if status < 300 else "answered"
        return f"{what} ({status}) where an unsigned GET gets 401"

    return judge


def _allow_text(response: requests.Response) -> str:
    return repr(response.headers.get("Allow")) + ", not naming GET"


def _unlike(head: requests.Response, get: requests.Response) -> str | None:
    """How a HEAD answer differs from the GET answer of the same path (None: it does not)."""
    if head.status_code != get.status_code:
        return f"answered {head.status_code} where GET answered {get.status_code}"
    if head.content:
        return f"answered with a {len(head.content)}-byte body"
    if _media(head) != _media(get):
        return f"answered as {_media(head)!r} where GET answered as {_media(get)!r}"
    missing = sorted(name for name in ("X-Request-Id",) if get.headers.get(name) and not head.headers.get(name))
    if missing:
        return f"answered without {', '.join(missing)}, which GET sends"
    declared = head.headers.get("Content-Length")
    if declared is not None and get.content:
        length = int(declared) if declared.strip().isdigit() else -1
        if abs(length - len(get.content)) > LENGTH_DRIFT:
            return f"declared Content-Length {declared} where GET's body has {len(get.content)} bytes"
    return None


def options_judge(documented: Collection[int], declared: Collection[str]) -> Judge:
    """OPTIONS on a path whose operations document `documented` and declare `declared` methods."""

    def judge(response: requests.Response) -> str | None:
        status = response.status_code
        if status >= 500:
            return f"crashed the server ({status})"
        if status == 405 and not _allowed(response):
            return "answered 405 without Allow"
        missing = sorted(set(declared) - _allowed(response))
        if _allowed(response) and missing:  # RFC 9110 §10.2.1: Allow lists what the resource supports
            return f"answered {status} with Allow {response.headers.get('Allow')!r}, leaving out {missing}"
        if status < 300 or status in (*documented, 405):
            return None
        return f"answered {status}, which the path does not document (expected a success, {sorted(documented)} or 405)"

    return judge


def trace_judge(marker: str) -> Judge:
    """TRACE sent with `marker` as a header value, signed."""

    def judge(response: requests.Response) -> str | None:
        status = response.status_code
        text = response.text
        if marker in text or "SDK-HMAC-SHA256" in text or _media(response) == "message/http":
            return f"answered {status} echoing the request (its headers, Authorization included: cross-site tracing)"
        if 200 <= status < 300:
            return f"answered {status}: TRACE is enabled"
        if status >= 500 and status != 501:
            return f"crashed the server ({status})"
        return None

    return judge


def unproducible_accept(response: requests.Response) -> str | None:
    """`Accept` naming only a type the service cannot produce: 406, or an answer in JSON anyway."""
    status = response.status_code
    if status >= 500:
        return f"crashed the server ({status})"
    if status == 406:
        return None
    problem = _not_json(response)
    return None if problem is None else f"{problem}: neither 406 nor JSON"


def ignored_or_refused(successes: Collection[int]) -> Judge:
    """The documented success, or the documented 400 with its error body."""
    success = documented_success(successes)

    def judge(response: requests.Response) -> str | None:
        status = response.status_code
        if status >= 500:
            return f"crashed the server ({status})"
        if status == 400:
            return None if is_error_body(response) else "answered 400 without the documented error body"
        return success(response)

    return judge
