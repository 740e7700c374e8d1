"""HTTP semantics every operation owes (RFC 9110), whatever the spec says of its body: a status documented with no
content (a 204) answers with no body."""

from __future__ import annotations

from schemathesis import CheckContext, Response
from schemathesis.checks import CheckFunction

from ..record.answers import AnyCase, header
from .base import SKIPPED, operation_of


def no_body_where_no_content_documented(_ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
    """A status the spec documents with no content (a 204: RFC 9110 says it has none) answers with no body
    (every operation)."""
    operation = operation_of(case)
    documented = operation.without_content if operation is not None else frozenset()
    if str(response.status_code) not in documented:
        return SKIPPED
    # A body sent anyway is left unread by HTTP clients (`record.transport.read_body`); its Content-Length says so.
    # `Content-Length: 0` is harmless and common: tolerated.
    declared = header(response, "Content-Length") or "0"
    sent = max(len(response.content), int(declared) if declared.isdigit() else 1)
    if sent:
        raise AssertionError(f"{response.status_code} is documented without content, yet the answer has {sent} bytes")
    return None


HTTP_CHECKS: tuple[CheckFunction, ...] = (no_body_where_no_content_documented,)
