"""The SDK-HMAC-SHA256 request signature, as Huawei Cloud's official SDKs compute it.

Pure functions over the parts of a request, with no HTTP library: the client's ``httpx.Auth``,
the contract suite's ``requests`` adapter and the emulator's verifier all call these, so there is
exactly one canonicalisation in the project.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote

from .errors import InvalidArgumentError

ALGORITHM = "SDK-HMAC-SHA256"
DATE_HEADER = "X-Sdk-Date"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
CONTENT_SHA256_HEADER = "X-Sdk-Content-Sha256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()

_AUTHORIZATION = re.compile(
    r"^SDK-HMAC-SHA256 Access=(?P<access>[^,\s]+), SignedHeaders=(?P<signed>[a-z0-9!#$%&'*+.^`|~;-]+),"
    r" Signature=(?P<signature>[0-9a-f]{64})$"
)


def _encode(text: str) -> str:
    # RFC 3986 unreserved characters stay, everything else is percent-encoded as UTF-8.
    return quote(text, safe="~")


def canonical_uri(raw_path: str) -> str:
    """The path as sent, decoded, re-encoded segment by segment, always ending in ``/``."""
    path = "/".join(_encode(segment) for segment in unquote(raw_path).split("/"))
    return path if path.endswith("/") else path + "/"


def query_pairs(raw_query: str) -> list[tuple[str, str]]:
    """Decode a query string as sent into (key, value) pairs, keeping repeats and blanks."""
    return parse_qsl(raw_query, keep_blank_values=True)


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    """Pairs sorted on their decoded form (as the official signer does), then encoded."""
    return "&".join(f"{_encode(key)}={_encode(value)}" for key, value in sorted(pairs))


def signed_header_names(header_names: Iterable[str]) -> list[str]:
    """Every header whose name has no ``_``, lower-cased and sorted."""
    return sorted({name.lower() for name in header_names if "_" not in name})


def body_digest(body: bytes, headers: Mapping[str, str]) -> str:
    """Hex SHA-256 of the body; an ``X-Sdk-Content-Sha256`` header (lower-cased key) overrides it."""
    if not body:
        return EMPTY_BODY_SHA256
    return headers.get(CONTENT_SHA256_HEADER.lower()) or hashlib.sha256(body).hexdigest()


def canonical_request(
    *,
    method: str,
    raw_path: str,
    pairs: Iterable[tuple[str, str]],
    headers: Mapping[str, str],
    signed_names: list[str],
    body: bytes,
) -> str:
    """The six-line canonical request; ``headers`` maps lower-cased names to stripped values."""
    header_lines = "".join(f"{name}:{headers.get(name, '')}\n" for name in signed_names)
    return "\n".join(
        (
            method.upper(),
            canonical_uri(raw_path),
            canonical_query(pairs),
            header_lines,
            ";".join(signed_names),
            body_digest(body, headers),
        )
    )


def string_to_sign(sdk_date: str, canonical: str) -> str:
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{sdk_date}\n{digest}"


def signature(secret_key: str, canonical: str, sdk_date: str) -> str:
    message = string_to_sign(sdk_date, canonical).encode("utf-8")
    return hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def authorization_value(access_key: str, signed_names: list[str], signature_hex: str) -> str:
    return f"{ALGORITHM} Access={access_key}, SignedHeaders={';'.join(signed_names)}, Signature={signature_hex}"


@dataclass(frozen=True)
class ParsedAuthorization:
    """The three fields of an ``Authorization: SDK-HMAC-SHA256 …`` header."""

    access_key: str
    signed_names: list[str]
    signature: str


def parse_authorization(value: str) -> ParsedAuthorization:
    """Split an Authorization header; raises ``InvalidArgumentError`` (a ``ValueError``) saying what is malformed."""
    match = _AUTHORIZATION.match(value)
    if match is None:
        raise InvalidArgumentError(
            "Authorization is not 'SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=<64 hex>'"
        )
    return ParsedAuthorization(
        access_key=match["access"], signed_names=match["signed"].split(";"), signature=match["signature"]
    )


def sign(
    *,
    access_key: str,
    secret_key: str,
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Mapping[str, str],
    body: bytes,
) -> str:
    """The ``Authorization`` value for a request whose headers (name → value) already hold ``X-Sdk-Date``."""
    normalized = {name.lower(): value.strip() for name, value in headers.items()}
    names = signed_header_names(headers)
    canonical = canonical_request(
        method=method,
        raw_path=raw_path,
        pairs=query_pairs(raw_query),
        headers=normalized,
        signed_names=names,
        body=body,
    )
    return authorization_value(access_key, names, signature(secret_key, canonical, normalized[DATE_HEADER.lower()]))
