"""The proxy's credentials replace the client's: re-signing what is forwarded, and checking what was received.

Under SDK-HMAC-SHA256 the signature covers ``Host``, so a request cannot reach another host as it was signed.
Both directions use the SDK's one canonicalisation (``dcs_tasks.sign_request_parts``, ``dcs_tasks.lib.signing``),
as the SDK, the suite and the emulator do.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime

from dcs_tasks.lib import signing
from dcs_tasks.lib.auth import sign_request_parts
from dcs_tasks.lib.chain import AnyCredentials
from dcs_tasks.lib.credentials import Credentials, TokenCredentials
from dcs_tasks.lib.metadata import MetadataCredentials

from .exchange import ClientAuth, ClientAuthKind, ReceivedRequest
from .headers import joined

Keys = Credentials | TokenCredentials
# The client's own credentials never reach the upstream: the proxy's replace them (a client's X-Sdk-Date
# would only be replaced too).
CLIENT_CREDENTIAL_HEADERS = frozenset({"authorization", "x-auth-token", "x-security-token", "x-sdk-date"})
MAX_CLOCK_SKEW_SECONDS = 15 * 60  # the gateway refuses an X-Sdk-Date further off
_DATE = signing.DATE_HEADER.lower()
_SECURITY_TOKEN = "x-security-token"  # noqa: S105 - a header name


async def current_keys(credentials: AnyCredentials) -> Keys:
    """The keys to sign with now; a metadata refresh (an HTTP call, rare) runs off the event loop."""
    if isinstance(credentials, MetadataCredentials):
        return await asyncio.to_thread(credentials.current) if credentials.needs_refresh() else credentials.current()
    return credentials


def resign(keys: Keys, method: str, url: str, headers: Mapping[str, str], body: bytes) -> dict[str, str]:
    """The headers to forward: ``headers`` without the client's credentials, with the proxy's.

    AK/SK: a fresh ``X-Sdk-Date``, ``Host`` of ``url``, ``X-Security-Token`` and ``X-Project-Id`` from the
    keys (a client's ``X-Project-Id`` is kept), and the ``Authorization`` over it all. An IAM token: its
    ``X-Auth-Token`` (and project) instead.
    """
    kept = {name: value for name, value in headers.items() if name.lower() not in CLIENT_CREDENTIAL_HEADERS}
    if isinstance(keys, Credentials):
        return sign_request_parts(keys, method, url, kept, body)
    kept["X-Auth-Token"] = keys.token
    if keys.project_id and not any(name.lower() == "x-project-id" for name in kept):
        kept["X-Project-Id"] = keys.project_id
    return kept


def check_client(keys: Keys | None, request: ReceivedRequest, now: float) -> ClientAuth:
    """What the client's own credentials are; a signature with the proxy's AK is verified as received.

    ``now``: epoch seconds, for the gateway's 15-minute window on ``X-Sdk-Date``.
    """
    headers = {name: value.strip() for name, value in joined(request.headers).items()}
    authorization = headers.get("authorization")
    if authorization is None:
        return ClientAuth(ClientAuthKind.TOKEN if "x-auth-token" in headers else ClientAuthKind.UNSIGNED)
    try:
        parsed = signing.parse_authorization(authorization)
    except ValueError as error:
        return ClientAuth(ClientAuthKind.MALFORMED, problem=str(error))
    if not isinstance(keys, Credentials) or parsed.access_key != keys.access_key:  # an AK is no secret
        return ClientAuth(ClientAuthKind.UNVERIFIED, parsed.access_key)
    problem = _signature_problem(keys, parsed, request, headers, now)
    kind = ClientAuthKind.INVALID if problem else ClientAuthKind.VERIFIED
    return ClientAuth(kind, parsed.access_key, problem)


def _signature_problem(
    keys: Credentials,
    parsed: signing.ParsedAuthorization,
    request: ReceivedRequest,
    headers: Mapping[str, str],
    now: float,
) -> str:
    """Why the gateway would refuse this signature, or "" when it is right."""
    sent_date = headers.get(_DATE)
    if sent_date is None or _DATE not in parsed.signed_names:
        return "X-Sdk-Date must be sent and signed"
    try:
        signed_at = datetime.strptime(sent_date, signing.DATE_FORMAT).replace(tzinfo=UTC).timestamp()
    except ValueError:
        return f"X-Sdk-Date is not {signing.DATE_FORMAT}: {sent_date[:40]!r}"
    canonical = signing.canonical_request(
        method=request.method,
        raw_path=request.raw_path,
        pairs=signing.query_pairs(request.raw_query),
        headers=headers,
        signed_names=parsed.signed_names,
        body=request.body,
    )
    expected = signing.signature(keys.secret_key, canonical, sent_date)
    if not hmac.compare_digest(expected, parsed.signature):  # both 64 hex digits
        return (
            f"the signature (AK {keys.access_key[:4]}…) does not match the request as received: a wrong secret "
            "key, or the path, query, a signed header or the body changed after signing"
        )
    if abs(now - signed_at) > MAX_CLOCK_SKEW_SECONDS:
        return f"X-Sdk-Date {sent_date} is {abs(now - signed_at):.0f} s off the proxy's clock (the gateway allows 900)"
    token = keys.security_token
    sent_token = headers.get(_SECURITY_TOKEN, "").encode("utf-8", "surrogateescape")
    if token and not (_SECURITY_TOKEN in parsed.signed_names and hmac.compare_digest(sent_token, token.encode())):
        return "temporary credentials: X-Security-Token must be sent, signed and be theirs"
    return ""
