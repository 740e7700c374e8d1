"""The proxy's own answers, in the spec's ``Error`` schema as the API gateway writes it (``error_msg``,
``error_code``, ``request_id``) with an ``X-Request-Id`` header: the only answers a client gets that the
upstream did not send.

| status | error_code | when |
|---|---|---|
| 403 | ``PROXY.403`` | read-only mode (the default) and a POST, PUT, PATCH or DELETE: not forwarded |
| 502 | ``PROXY.502`` | no answer from the upstream (refused, reset, timed out, DNS, TLS), or nothing to sign with |

Codes have the gateway's shape and fit the schema's 9 characters, so no client confuses them with the
service's ``DCS.*`` or the gateway's ``APIG.*``.
"""

from __future__ import annotations

import json
import uuid

from .exchange import Answer, AnswerSource

REFUSED_STATUS, REFUSED_CODE = 403, "PROXY.403"
UNREACHABLE_STATUS, UNREACHABLE_CODE = 502, "PROXY.502"
MAX_MESSAGE = 1024  # the schema's maxLength of error_msg


def error_answer(status: int, code: str, message: str) -> Answer:
    request_id = uuid.uuid4().hex
    document = {"error_msg": message[:MAX_MESSAGE], "error_code": code, "request_id": request_id}
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    headers = (("content-type", "application/json"), ("content-length", str(len(body))), ("x-request-id", request_id))
    return Answer(AnswerSource.PROXY, status, headers, body, "HTTP/1.1")


def refused(method: str) -> Answer:
    return error_answer(
        REFUSED_STATUS,
        REFUSED_CODE,
        f"The validating proxy is read-only: {method} changes state, so it was not forwarded. "
        "Start the proxy with ALLOW_CHANGES=1 to forward POST, PUT, PATCH and DELETE.",
    )


def unreachable(upstream: str, reason: str) -> Answer:
    return error_answer(
        UNREACHABLE_STATUS, UNREACHABLE_CODE, f"The validating proxy got no answer from {upstream}: {reason}"
    )


def not_forwarded(reason: str) -> Answer:
    return error_answer(UNREACHABLE_STATUS, UNREACHABLE_CODE, f"The validating proxy could not forward it: {reason}")
