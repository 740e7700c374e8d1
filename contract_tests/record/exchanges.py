"""One request and its answer as the reports show them (`Exchange`): method, URL, headers and bodies as
text, with credential headers and every secret of the target redacted. The HTML report, the HAR file and
the first verdict's evidence are all made from these, so nothing reaches a file unscrubbed.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

import requests
from schemathesis import Response

from .findings import SECRET_HEADERS, redact

BODY_LIMIT = 64 * 1024  # characters of a body kept in a report; the rest is cut and said to be
REDACTED = "[redacted]"
EPOCH = datetime.datetime.fromtimestamp(0, datetime.UTC)
Answer = Response | requests.Response
Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Exchange:
    method: str
    url: str
    request_headers: Headers
    request_body: str
    status: int | None  # None: no answer (timeout, connection failed)
    reason: str = ""
    http_version: str = "HTTP/1.1"
    response_headers: Headers = ()
    response_body: str = ""
    body_size: int = 0  # bytes the server sent
    elapsed: float = 0.0  # seconds
    started: datetime.datetime = EPOCH

    @property
    def content_type(self) -> str:
        return next((value for name, value in self.response_headers if name.lower() == "content-type"), "")

    def header(self, name: str) -> str:
        return next((value for key, value in self.response_headers if key.lower() == name.lower()), "")

    @property
    def path(self) -> str:
        """The URL without scheme and host, for one-line evidence."""
        rest = self.url.split("://", 1)[-1]
        return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


def _text(body: object) -> str:
    """A body as text (a streamed request body, which the suite never sends, as its type's name)."""
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    return body if isinstance(body, str) else f"<{type(body).__name__}>"


def _cut(text: str) -> str:
    return (
        text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + f"\n… ({len(text) - BODY_LIMIT} more characters cut)"
    )


def scrub_headers(headers: list[tuple[str, str]], secrets: tuple[str, ...]) -> Headers:
    return tuple(
        (name, REDACTED if name.lower() in SECRET_HEADERS else redact(value, secrets)) for name, value in headers
    )


def _answer_parts(answer: Answer) -> tuple[list[tuple[str, str]], bytes, str, str, float]:
    """Headers, body, reason, HTTP version and seconds taken, from either kind of response."""
    if isinstance(answer, Response):
        headers = [(name, value) for name, values in answer.headers.items() for value in values]
        return headers, answer.content or b"", answer.message, f"HTTP/{answer.http_version}", answer.elapsed
    version = {10: "HTTP/1.0", 11: "HTTP/1.1", 20: "HTTP/2"}.get(getattr(answer.raw, "version", 11), "HTTP/1.1")
    return list(answer.headers.items()), answer.content, answer.reason or "", version, answer.elapsed.total_seconds()


def capture(
    request: requests.PreparedRequest, answer: Answer | None, secrets: tuple[str, ...], *, elapsed: float = 0.0
) -> Exchange:
    """The exchange, scrubbed of credential headers and of `secrets` wherever they appear."""
    sent = [(name, _text(value)) for name, value in request.headers.items()]
    now = datetime.datetime.now(datetime.UTC)
    unanswered = Exchange(
        method=str(request.method),
        url=redact(str(request.url), secrets),
        request_headers=scrub_headers(sent, secrets),
        request_body=redact(_cut(_text(request.body)), secrets),
        status=None,
        elapsed=elapsed,
        started=now - datetime.timedelta(seconds=elapsed),
    )
    if answer is None:
        return unanswered
    headers, body, reason, version, took = _answer_parts(answer)
    return dataclasses.replace(
        unanswered,
        status=answer.status_code,
        reason=reason,
        http_version=version,
        response_headers=scrub_headers(headers, secrets),
        response_body=redact(_cut(_text(body)), secrets),
        body_size=len(body),
        elapsed=took,
        started=now - datetime.timedelta(seconds=took),
    )
