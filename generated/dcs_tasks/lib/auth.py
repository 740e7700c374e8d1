"""Authentication of requests: SDK-HMAC-SHA256 signing (AK/SK) and IAM tokens.

``sign_request_parts`` is the one place a request is prepared for signing; it is pure (no HTTP
library) so the ``httpx.Auth`` classes here and the contract suite's ``requests`` adapter share
it, and it delegates the canonicalisation itself to ``_signing``.
"""

from __future__ import annotations

import datetime
from collections.abc import AsyncGenerator, Callable, Generator, Mapping
from urllib.parse import urlsplit

import httpx

from . import signing
from .credentials import Credentials, TokenCredentials
from .metadata import MetadataCredentials

# Hop-by-hop headers may be rewritten by proxies, so signing them would break the signature.
UNSIGNED_HEADERS = frozenset(
    [
        "authorization",
        "connection",
        "keep-alive",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    ]
)
# Content types whose body the official signer hashes; any other gets X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD.
HASHED_CONTENT_TYPES = ("application/json", "application/bson")

Clock = Callable[[], datetime.datetime]


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _put(headers: dict[str, str], name: str, value: str) -> None:
    """Set a header, replacing any spelling of its name."""
    for existing in [key for key in headers if key.lower() == name.lower()]:
        del headers[existing]
    headers[name] = value


def _get(headers: Mapping[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name.lower()), None)


def sign_request_parts(
    credentials: Credentials,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    *,
    now: datetime.datetime | None = None,
) -> dict[str, str]:
    """The headers to set on a request so it carries a valid SDK-HMAC-SHA256 signature.

    ``url`` is the URL as it will be sent (absolute, or path and query); ``headers`` are the
    headers it will be sent with (an old ``Authorization`` is ignored, so a request can be
    re-signed). The result holds every given header with its value stripped (the signature covers
    stripped values, so they must be sent stripped), plus ``Host`` when missing, a fresh
    ``X-Sdk-Date``, ``X-Project-Id`` / ``X-Security-Token`` from the credentials,
    ``X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`` for non-JSON content types (as the official
    signer does) and ``Authorization``.
    """
    parts = urlsplit(url)
    result = {name: value.strip() for name, value in headers.items() if name.lower() != "authorization"}
    if _get(result, "Host") is None and parts.netloc:
        _put(result, "Host", parts.netloc.rpartition("@")[2])
    moment = now or utc_now()
    _put(result, signing.DATE_HEADER, moment.astimezone(datetime.UTC).strftime(signing.DATE_FORMAT))
    if credentials.project_id and _get(result, "X-Project-Id") is None:
        _put(result, "X-Project-Id", credentials.project_id)
    if credentials.security_token:
        _put(result, "X-Security-Token", credentials.security_token)
    # Checked before stripping, as the official signer does (" application/json" is unsigned there too).
    content_type = _get(headers, "Content-Type")
    if content_type and not content_type.startswith(HASHED_CONTENT_TYPES):
        _put(result, signing.CONTENT_SHA256_HEADER, signing.UNSIGNED_PAYLOAD)
    signed = {name: value for name, value in result.items() if name.lower() not in UNSIGNED_HEADERS}
    result["Authorization"] = signing.sign(
        access_key=credentials.access_key,
        secret_key=credentials.secret_key,
        method=method,
        raw_path=parts.path or "/",
        raw_query=parts.query,
        headers=signed,
        body=body or b"",
    )
    return result


class AkSkAuth(httpx.Auth):
    """Signs every request (sync or async client) with SDK-HMAC-SHA256 over the URL and body as sent.

    ``credentials`` are static ``Credentials`` or a ``MetadataCredentials`` provider, whose current
    keys are asked for at each request (a refresh, rare, runs in a worker thread for async clients).
    """

    requires_request_body = True

    def __init__(self, credentials: Credentials | MetadataCredentials, *, clock: Clock = utc_now) -> None:
        self.credentials = credentials
        self._clock = clock

    def apply(self, request: httpx.Request, keys: Credentials | None = None) -> None:
        """Sign ``request`` in place (again, with a fresh ``X-Sdk-Date``, when it is retried).

        The query is first rewritten to the canonical form the signature covers (pairs sorted,
        ``%20`` for a space, ``%2B``, ``%2A``, ``~`` kept), as the official SDK builds its URL: a
        gateway then reads exactly the query that was signed, however it treats ``+`` or ``*``.
        """
        if request.url.query:
            canonical = signing.canonical_query(signing.query_pairs(request.url.query.decode("ascii")))
            request.url = request.url.copy_with(query=canonical.encode("ascii"))
        headers = sign_request_parts(
            keys or self.credentials.current(),
            request.method,
            str(request.url),
            dict(request.headers.items()),
            request.content,
            now=self._clock(),
        )
        for name, value in headers.items():
            request.headers[name] = value

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.apply(request)
        yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        await request.aread()
        keys = self.credentials
        if isinstance(keys, MetadataCredentials) and keys.needs_refresh():
            import asyncio  # noqa: PLC0415 - only async clients get here; the sync client never loads asyncio

            self.apply(request, await asyncio.to_thread(keys.current))
        else:
            self.apply(request)
        yield request


class TokenAuth(httpx.Auth):
    """Sends a project-scoped IAM token as ``X-Auth-Token`` (and the project as ``X-Project-Id``)."""

    def __init__(self, credentials: TokenCredentials) -> None:
        self.credentials = credentials

    def apply(self, request: httpx.Request) -> None:
        request.headers["X-Auth-Token"] = self.credentials.token
        if self.credentials.project_id and "X-Project-Id" not in request.headers:
            request.headers["X-Project-Id"] = self.credentials.project_id

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.apply(request)
        yield request


def auth_for(credentials: Credentials | TokenCredentials | MetadataCredentials) -> AkSkAuth | TokenAuth:
    """The ``httpx.Auth`` for a kind of credentials."""
    return TokenAuth(credentials) if isinstance(credentials, TokenCredentials) else AkSkAuth(credentials)
