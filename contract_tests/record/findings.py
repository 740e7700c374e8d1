"""What a run found, one record each (`FailureRecord`: the check, why, the request as curl and the command that
re-sends it), and `redact`, which keeps credentials out of every text a run prints or writes."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Header values never printed: credentials and the signature derived from them.
SECRET_HEADERS = ("authorization", "x-auth-token", "x-security-token")
_SECRET_HEADERS = re.compile(rf"(-H '(?:{'|'.join(SECRET_HEADERS)}): )[^']*'", re.IGNORECASE)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`text` without credential headers' values and without any of `secrets`, wherever they appear."""
    text = _SECRET_HEADERS.sub(r"\1[redacted]'", text)
    for secret in secrets:
        text = text.replace(secret, "[redacted]")
    return text


@dataclass(frozen=True)
class FailureRecord:
    check: str  # e.g. "response_schema_conformance"
    title: str
    message: str
    request: str  # a curl command, credentials redacted
    status: int | None
    replay: str = ""  # a command that re-sends this one request
    field: str = ""  # where in the body a schema failure is, e.g. step_details[0].step_status
