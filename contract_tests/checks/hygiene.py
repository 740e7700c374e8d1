"""The hygiene of every answer (issue 22, item 7; ZAP's passive API scan rules, OWASP API8:2023 Security
Misconfiguration, RFC 8259 §8.1), whatever the operation and status:

* `json_body_utf8`: a JSON body is UTF-8, without a byte order mark, whatever charset its Content-Type names;
* `error_without_stack_trace`: an error answer (4xx, 5xx) carries no stack trace, exception class name or file path;
* `error_without_sql`: an error answer carries no SQL error or statement;
* `error_without_internal_address`: an error answer names no private address or internal host;
* `headers_without_server_internals`: no header names the software's version, its platform, or an internal hop.

Each finding quotes the offending text (the recorder scrubs the run's secrets from it, as from every report). The same
rules judge a case's answer (Schemathesis' check functions, `HYGIENE_CHECKS`) and a probe's or a check's own request
(`judge_hygiene`, on `requests`' answer). What the client sent (the URL, its host, path segments and query values) is
no disclosure: it is taken out of the text first (`disclosure.without_echo`).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import requests
from schemathesis import CheckContext, Response
from schemathesis.checks import CheckFunction

from ..record.answers import Answer, AnyCase
from ..record.recording import Recorder
from ..spec.api import is_json_media_type
from . import disclosure
from .base import SKIPPED

BOMS = {b"\xef\xbb\xbf": "UTF-8", b"\xff\xfe": "UTF-16 (little-endian)", b"\xfe\xff": "UTF-16 (big-endian)"}
_CHARSET = re.compile(r";\s*charset\s*=\s*\"?([\w.:-]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Seen:
    """An answer as the hygiene rules read it, from either kind of response."""

    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    sent: tuple[str, ...]  # what the client sent (`disclosure.sent_parts`)

    @property
    def content_type(self) -> str:
        return next((value for name, value in self.headers if name.lower() == "content-type"), "")

    @functools.cached_property
    def error_text(self) -> str | None:
        """An error answer's text, the client's echo taken out: every string of a JSON body, else the body."""
        if self.status < 400 or not self.content:
            return None
        text = self.content.decode("utf-8", "replace")
        try:
            strings = "\n".join(_strings(json.loads(text)))
        except ValueError:
            strings = text
        return disclosure.without_echo(strings, self.sent)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def seen(answer: Answer) -> Seen:
    if isinstance(answer, requests.Response):
        headers = tuple(answer.headers.items())
    else:
        headers = tuple((name, value) for name, values in answer.headers.items() for value in values)
    url = str(answer.request.url) if answer.request is not None else ""
    return Seen(answer.status_code, headers, answer.content, disclosure.sent_parts(url) if url else ())


Rule = Callable[[Seen], str | bool | None]  # a problem, None when right, SKIPPED when the rule says nothing


def json_body_utf8(answer: Seen) -> str | bool | None:
    """A JSON body is UTF-8 (RFC 8259 §8.1), with no byte order mark, whatever charset the Content-Type names."""
    if not answer.content or not is_json_media_type(answer.content_type):
        return SKIPPED
    body, named = answer.content, _CHARSET.search(answer.content_type)
    label = f" (Content-Type {answer.content_type!r})" if named else ""
    for bom, encoding in BOMS.items():
        if body.startswith(bom):
            return f"the JSON body starts with a {encoding} byte order mark {bom!r}{label}: RFC 8259 §8.1 forbids one"
    if b"\x00" in body:
        at = body.index(b"\x00")
        return f"the JSON body holds NUL bytes (UTF-16 or UTF-32, not UTF-8){label}: {body[max(0, at - 8) : at + 24]!r}"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as error:
        excerpt = body[max(0, error.start - 24) : error.end + 24]
        return f"the JSON body is not UTF-8{label}: byte {error.start} in {excerpt!r} ({error.reason})"
    return None


def _error_rule(doc: str, *finders: Callable[[str], str | None]) -> Callable[[Seen], str | bool | None]:
    def judge(answer: Seen) -> str | bool | None:
        text = answer.error_text
        if text is None:
            return SKIPPED
        for finder in finders:
            found = finder(text)
            if found is not None:
                return f"the {answer.status} answer's error text shows {found}"
        return None

    judge.__doc__ = doc
    return judge


def _finder(pattern: re.Pattern[str]) -> Callable[[str], str | None]:
    return functools.partial(disclosure.first, pattern)


error_without_stack_trace = _error_rule(
    "An error answer carries no stack trace, exception class name or server file path (ZAP 90022, 10023).",
    _finder(disclosure.STACK_TRACE),
    _finder(disclosure.EXCEPTION_CLASS),
    _finder(disclosure.FILE_PATH),
)
error_without_sql = _error_rule(
    "An error answer carries no SQL error or statement (ZAP 90019, 40018).", _finder(disclosure.SQL_ERROR)
)
error_without_internal_address = _error_rule(
    "An error answer names no private address or internal host (ZAP 2).", disclosure.internal_address
)


def headers_without_server_internals(answer: Seen) -> str | bool | None:
    """No header names the server's software version or platform, debug data, or an internal hop."""
    found = [
        shown for name, value in answer.headers if (shown := disclosure.header_disclosure(name, value, answer.sent))
    ]
    return f"the answer's headers disclose the server's internals: {', '.join(found)}" if found else None


RULES: dict[str, Rule] = {
    "json_body_utf8": json_body_utf8,
    "error_without_stack_trace": error_without_stack_trace,
    "error_without_sql": error_without_sql,
    "error_without_internal_address": error_without_internal_address,
    "headers_without_server_internals": headers_without_server_internals,
}


def _check(name: str, rule: Rule) -> CheckFunction:
    def check(_ctx: CheckContext, response: Response, _case: AnyCase) -> bool | None:
        found = rule(seen(response))
        if isinstance(found, str):
            raise AssertionError(found)
        return SKIPPED if found is SKIPPED else None

    check.__name__ = check.__qualname__ = name  # the rule's name is the check's name in reports
    check.__doc__ = rule.__doc__
    return check


# Every answer of a case or a check's own request, judged by Schemathesis; in the order reports list them.
HYGIENE_CHECKS: tuple[CheckFunction, ...] = tuple(_check(name, rule) for name, rule in RULES.items())


def judge_hygiene(recorder: Recorder, response: requests.Response, auth: str) -> None:
    """Every hygiene rule on an answer no Schemathesis check sees (a probe's, the guard request between them)."""
    answer = seen(response)
    for name, rule in RULES.items():
        found = rule(answer)
        if found is SKIPPED:
            continue
        recorder.report.checks[name] += 1
        if isinstance(found, str):
            recorder.wrong_answer(name, found, response, auth)
