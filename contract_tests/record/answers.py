"""What the run sends and gets back, and how an answer is read: the case and answer types (Schemathesis' response
for a generated case, `requests`' for a probe or a check's own request), a body as a JSON object, a header by
name (without case), and whether a body is the spec's documented error object."""

from __future__ import annotations

from typing import Any

import requests
from schemathesis import Case, Response

AnyCase = Case[Any]
Answer = Response | requests.Response  # Schemathesis' for a case, requests' for a probe or a check's own request


def json_object(response: Answer) -> dict[str, Any] | None:
    """The body when it is a JSON object, else None."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def is_error_body(response: Answer) -> bool:
    """Whether the body is the documented error object (`error_code` and `error_msg` strings)."""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("error_code"), str) and isinstance(body.get("error_msg"), str)


def header(response: Answer, name: str) -> str | None:
    """A response header's (first) value, whether Schemathesis' response (lists by lower-case name) or requests'."""
    if isinstance(response, requests.Response):
        return response.headers.get(name)
    values = response.headers.get(name.lower())
    return values[0] if values else None
