"""`requests` adapters that authenticate the suite's requests with the project's one signer.

Schemathesis serializes a case (negative cases may carry raw bytes) and hands the prepared request
to `requests`, which calls these adapters last — so the signature covers exactly the method, path,
query, headers and body that go on the wire (or into the in-process ASGI app).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import requests.auth
from dcs_sdk import _signing

SECURITY_TOKEN_HEADER = "X-Security-Token"  # noqa: S105 - a header name
PROJECT_ID_HEADER = "X-Project-Id"
TOKEN_HEADER = "X-Auth-Token"  # noqa: S105 - a header name


def _text(value: str | bytes) -> str:
    # `requests` sends bytes header values as latin-1, as HTTP does.
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _body_bytes(request: requests.PreparedRequest) -> bytes:
    body = request.body
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes):
        return body
    raise TypeError(f"cannot sign a streamed request body ({type(body).__name__})")


@dataclass(frozen=True, repr=False)
class AkSkSigner(requests.auth.AuthBase):
    """SDK-HMAC-SHA256 over the prepared request, as the official SDK signs it."""

    access_key: str
    secret_key: str
    security_token: str | None = None
    project_id: str | None = None
    clock_skew: datetime.timedelta = datetime.timedelta(0)  # non-zero only to probe stale-date rejection

    def __repr__(self) -> str:
        # Never let a secret reach a log, a report or a failure message.
        return f"AkSkSigner(access_key={self.access_key[:4]}…)"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        url = urlsplit(str(request.url))
        # `requests` leaves `Host` to the connection; set it here so it is signed as sent.
        request.headers["Host"] = url.netloc
        request.headers[_signing.DATE_HEADER] = (datetime.datetime.now(datetime.UTC) + self.clock_skew).strftime(
            _signing.DATE_FORMAT
        )
        if self.security_token:
            request.headers[SECURITY_TOKEN_HEADER] = self.security_token
        if self.project_id:
            request.headers[PROJECT_ID_HEADER] = self.project_id
        request.headers["Authorization"] = _signing.sign(
            access_key=self.access_key,
            secret_key=self.secret_key,
            method=str(request.method),
            raw_path=url.path,
            raw_query=url.query,
            headers={name: _text(value) for name, value in request.headers.items()},
            body=_body_bytes(request),
        )
        return request


@dataclass(frozen=True, repr=False)
class IamTokenAuth(requests.auth.AuthBase):
    """A project-scoped IAM token in `X-Auth-Token`."""

    token: str

    def __repr__(self) -> str:
        return "IamTokenAuth(token=…)"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers[TOKEN_HEADER] = self.token
        return request
