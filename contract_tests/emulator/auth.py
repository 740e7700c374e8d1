"""Gateway-style authentication: an SDK-HMAC-SHA256 signature or a known X-Auth-Token.

The signature is recomputed with ``dcs_tasks.lib.signing`` (the one canonicalisation of the project)
and compared in constant time. Failure reasons are fixed phrases: nothing from the request is
echoed into the error body, whatever its size or encoding.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from functools import lru_cache

from dcs_tasks.lib import signing

from .lockout import Lockout
from .scenario import Credential

MAX_CLOCK_SKEW_SECONDS = 15 * 60
_SECURITY_TOKEN = "x-security-token"  # noqa: S105 - a header name


class AuthenticationError(Exception):
    """Why the gateway rejects the request (→ 401)."""


@lru_cache(maxsize=64)
def _sdk_date_epoch(value: str) -> float | None:
    try:
        return datetime.strptime(value, signing.DATE_FORMAT).replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None


class Authenticator:
    def __init__(
        self,
        credentials: Iterable[Credential],
        *,
        wall_time: Callable[[], float] = time.time,
        lockout: Lockout | None = None,
    ) -> None:
        credentials = tuple(credentials)
        self.lockout = lockout  # None: failures never lock a key
        self._by_access_key = {c.access_key: c for c in credentials}
        self._tokens = [(c.token.encode(), c) for c in credentials if c.token]
        # Signature freshness is judged on wall time, not the (possibly sped-up) emulated clock.
        self._wall_time = wall_time

    def authenticate(
        self, *, method: str, raw_path: str, raw_query: str, headers: Mapping[str, str], body: bytes
    ) -> Credential:
        """The caller's credentials; ``headers`` maps lower-cased names to values."""
        authorization = headers.get("authorization")
        if authorization is not None:
            return self._verify_signature(
                method=method,
                raw_path=raw_path,
                raw_query=raw_query,
                headers=headers,
                body=body,
                authorization=authorization,
            )
        token = headers.get("x-auth-token")
        if token is not None:
            return self._verify_token(token)
        raise AuthenticationError("x-auth-token not found")

    def _verify_token(self, token: str) -> Credential:
        presented = token.encode("utf-8", "surrogateescape")
        found = None
        for known, credential in self._tokens:  # every token compared: no early exit to time
            if hmac.compare_digest(known, presented):
                found = credential
        if found is None:
            raise AuthenticationError("invalid token")
        return found

    def _verify_signature(
        self,
        *,
        method: str,
        raw_path: str,
        raw_query: str,
        headers: Mapping[str, str],
        body: bytes,
        authorization: str,
    ) -> Credential:
        try:
            parsed = signing.parse_authorization(authorization)
        except ValueError:
            raise AuthenticationError("decode aksk authorization header fail") from None
        credential = self._by_access_key.get(parsed.access_key)
        if credential is None:
            raise AuthenticationError("access key not found")
        lockout = self.lockout
        if lockout is None:
            return self._check_signature(credential, method, raw_path, raw_query, headers, body, parsed)
        if lockout.is_locked(credential.access_key):
            raise AuthenticationError("the AK/SK is locked for 5 minutes after too many failed authentications")
        try:
            verified = self._check_signature(credential, method, raw_path, raw_query, headers, body, parsed)
        except AuthenticationError:
            lockout.failed(credential.access_key)
            raise
        lockout.succeeded(credential.access_key)
        return verified

    def _check_signature(  # noqa: PLR0917 - the parts of one request
        self,
        credential: Credential,
        method: str,
        raw_path: str,
        raw_query: str,
        headers: Mapping[str, str],
        body: bytes,
        parsed: signing.ParsedAuthorization,
    ) -> Credential:
        date_name = signing.DATE_HEADER.lower()
        if date_name not in parsed.signed_names or date_name not in headers:
            raise AuthenticationError("x-sdk-date must be sent and signed")
        signed_at = _sdk_date_epoch(headers[date_name].strip())
        if signed_at is None:
            raise AuthenticationError("x-sdk-date is not YYYYMMDDTHHMMSSZ")
        if abs(self._wall_time() - signed_at) > MAX_CLOCK_SKEW_SECONDS:
            raise AuthenticationError("request expired, x-sdk-date is more than 15 minutes off")
        normalized = {name: value.strip() for name, value in headers.items()}
        canonical = signing.canonical_request(
            method=method,
            raw_path=raw_path,
            pairs=signing.query_pairs(raw_query),
            headers=normalized,
            signed_names=parsed.signed_names,
            body=body,
        )
        expected = signing.signature(credential.secret_key, canonical, normalized[date_name])
        if not hmac.compare_digest(expected, parsed.signature):
            raise AuthenticationError("verify aksk signature fail")
        if credential.security_token is not None:
            # Temporary credentials: the security token must be sent, signed and be theirs.
            sent = normalized.get(_SECURITY_TOKEN, "").encode("utf-8", "surrogateescape")
            signed = _SECURITY_TOKEN in parsed.signed_names
            if not (signed and hmac.compare_digest(sent, credential.security_token.encode())):
                raise AuthenticationError("security token missing or invalid")
        return credential
