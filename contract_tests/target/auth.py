"""`requests` adapters that authenticate the suite's requests with the project's one signer
(`AkSkSigner`) or an IAM token (`IamTokenAuth`); each also tells whether a sent request carries its credentials.

Schemathesis serializes a case (negative cases may carry raw bytes) and hands the prepared request
to `requests`, which calls these adapters last — so the signature covers exactly the method, path,
query, headers and body that go on the wire (or into the in-process ASGI app).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import requests
import requests.auth
from dcs_tasks import Credentials, sign_request_parts
from dcs_tasks.lib import signing

TOKEN_HEADER = "X-Auth-Token"  # noqa: S105 - a header name


def header_text(value: str | bytes) -> str:
    # `requests` sends bytes header values as latin-1, as HTTP does.
    return value.decode("latin-1") if isinstance(value, bytes) else value


def body_bytes(request: requests.PreparedRequest) -> bytes:
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
    """SDK-HMAC-SHA256 over the prepared request: a `requests` adapter around the SDK's own
    `sign_request_parts`, so the suite signs exactly as the SDK does (values stripped, hop-by-hop
    headers unsigned, `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` for non-JSON bodies)."""

    access_key: str
    secret_key: str
    security_token: str | None = None
    project_id: str | None = None
    clock_skew: datetime.timedelta = datetime.timedelta(0)  # non-zero only to probe stale-date rejection
    credentials: Credentials = field(init=False, compare=False)

    def __post_init__(self) -> None:
        # Built once (and checked: empty keys raise CredentialsError); `dataclasses.replace` rebuilds it.
        credentials = Credentials(self.access_key, self.secret_key, self.security_token, self.project_id)
        object.__setattr__(self, "credentials", credentials)

    def __repr__(self) -> str:
        # Never let a secret reach a log, a report or a failure message.
        return f"AkSkSigner(access_key={self.access_key[:4]}…)"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        # `requests` leaves `Host` to the connection; `sign_request_parts` adds it from the URL so it is signed as sent.
        headers = sign_request_parts(
            self.credentials,
            str(request.method),
            str(request.url),
            {name: header_text(value) for name, value in request.headers.items()},
            body_bytes(request),
            now=datetime.datetime.now(datetime.UTC) + self.clock_skew,
        )
        request.headers.update(headers)
        return request

    def authenticated(self, request: requests.PreparedRequest) -> bool:
        """Whether `request` went out signed with these credentials (a generated header names another key)."""
        try:
            parsed = signing.parse_authorization(header_text(request.headers.get("Authorization", "")))
        except ValueError:
            return False
        return parsed.access_key == self.access_key


@dataclass(frozen=True, repr=False)
class IamTokenAuth(requests.auth.AuthBase):
    """A project-scoped IAM token in `X-Auth-Token`."""

    token: str

    def __repr__(self) -> str:
        return "IamTokenAuth(token=…)"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers[TOKEN_HEADER] = self.token
        return request

    def authenticated(self, request: requests.PreparedRequest) -> bool:
        """Whether `request` went out with this token."""
        return header_text(request.headers.get(TOKEN_HEADER, "")) == self.token


# What a target authenticates with: both adapters can tell which sent requests carried their credentials.
TargetAuth = AkSkSigner | IamTokenAuth
