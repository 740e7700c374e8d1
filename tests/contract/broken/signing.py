"""Broken servers for the vendor's signing scheme (issue 22, item 1), each a bug a maintainer could write, caught by
the check named for its rule:

- `tampered_signature_rejected`: signatures compared only over the shorter length, or case-insensitively; a
  skew check that lets a future `X-Sdk-Date` through.
- `signature_binds_request`: a verifier that hashes GET whatever the method; a middleware that lower-cases the
  path before authentication; a verifier that leaves the query out, or hashes its values as parsed numbers; one
  that hashes only the media type of `Content-Type`.
- `malformed_id_rejected`: a canonicaliser that uses the path as sent (no decoding, no re-encoding); an input filter
  before authentication that answers 401 to an ID with anything but letters, digits and `-`.
- `header_names_case_insensitive` (over HTTP: `http_front`): `Authorization`, or `X-Sdk-Date`, looked up in a map of
  the names as sent, in the SDK's spelling.

A buggy verifier is a `BuggyVerifier` in front of the emulator: it judges each AK/SK request with the bug (and only
with it), refuses the ones it rejects with the gateway's 401 and passes the others on signed afresh, so the emulator
behind takes them.
"""

from __future__ import annotations

import dataclasses
import datetime
import hmac
import re
from collections.abc import Callable
from urllib.parse import unquote

from dcs_tasks.lib import signing
from starlette.types import ASGIApp, Receive, Scope, Send

from contract_tests.emulator import Credential, Scenario, errors

from .http_front import RawHeaders
from .rules import _error, _refused_when, task_path_ids
from .variants import Variant, _answers, _raw_path, _read_body, replaying, resigned

TAMPERED = frozenset({"tampered_signature_rejected"})
BINDS = frozenset({"signature_binds_request"})
MALFORMED = frozenset({"malformed_id_rejected"})
HEADER_CASE = frozenset({"header_names_case_insensitive"})
MAX_SKEW = 15 * 60

# Any SDK-HMAC-SHA256 header, whatever its signature looks like (the project's parser wants 64 lower-case digits).
_LENIENT = re.compile(
    r"^SDK-HMAC-SHA256 Access=(?P<access>[^,\s]+), SignedHeaders=(?P<signed>[^,\s]+), Signature=(?P<sig>\S+)$"
)


@dataclasses.dataclass(frozen=True)
class Request:
    """What a verifier hashes: the method, the raw path, the query pairs and the headers (lower-case names)."""

    method: str
    path: str
    pairs: list[tuple[str, str]]
    headers: dict[str, str]


@dataclasses.dataclass(frozen=True)
class Verification:
    """A verifier, by its three decisions; each default is the scheme's."""

    hashed: Callable[[Request], Request] = lambda request: request  # what it hashes of the request
    same: Callable[[str, str], bool] = hmac.compare_digest  # expected signature, given one
    fresh: Callable[[float], bool] = lambda age: abs(age) <= MAX_SKEW  # seconds since X-Sdk-Date


class BuggyVerifier:
    """AK/SK requests the buggy `verification` accepts are passed on signed afresh, the others refused with 401;
    unsigned requests and tokens go to the emulator as they came."""

    def __init__(self, app: ASGIApp, scenario: Scenario, verification: Verification) -> None:
        self.app, self.scenario, self.verification = app, scenario, verification

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope) if scope["type"] == "http" else {}
        claimed = _LENIENT.match(headers.get("authorization", ""))
        credential = next((c for c in self.scenario.credentials if claimed and c.access_key == claimed["access"]), None)
        if claimed is None or credential is None:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if not self._verified(scope, headers, body, claimed, credential):
            status, answer_headers, answer = _error(errors.unauthorized("verify aksk signature fail"), [])
            await send({"type": "http.response.start", "status": status, "headers": answer_headers})
            await send({"type": "http.response.body", "body": answer})
            return
        await self.app(resigned(scope, body, credential), replaying(body, receive), send)

    def _verified(
        self, scope: Scope, headers: dict[str, str], body: bytes, claimed: re.Match[str], credential: Credential
    ) -> bool:
        date = headers.get(signing.DATE_HEADER.lower(), "")
        if not re.fullmatch(r"\d{8}T\d{6}Z", date):
            return False
        signed_at = datetime.datetime.strptime(date, signing.DATE_FORMAT).replace(tzinfo=datetime.UTC)
        if not self.verification.fresh((datetime.datetime.now(datetime.UTC) - signed_at).total_seconds()):
            return False
        query = bytes(scope.get("query_string", b"")).decode("latin-1")
        sent = Request(scope["method"], _raw_path(scope), signing.query_pairs(query), headers)
        hashed = self.verification.hashed(sent)
        names = claimed["signed"].split(";")
        canonical = signing.canonical_request(
            method=hashed.method,
            raw_path=hashed.path,
            pairs=hashed.pairs,
            headers=hashed.headers,
            signed_names=names,
            body=body,
        )
        if not self.verification.same(signing.signature(credential.secret_key, canonical, date), claimed["sig"]):
            return False
        token = credential.security_token  # temporary credentials: their own token, sent and signed
        return token is None or ("x-security-token" in names and headers.get("x-security-token") == token)


def _headers(scope: Scope) -> dict[str, str]:
    return {name.decode("latin-1").lower(): value.decode("latin-1").strip() for name, value in scope["headers"]}


def _buggy(verification: Verification) -> Callable[[ASGIApp, Scenario], ASGIApp]:
    return lambda app, scenario: BuggyVerifier(app, scenario, verification)


# -- tampered signatures ------------------------------------------------------------------------------------------


def _zip_compare(expected: str, given: str) -> bool:
    # A hand-written constant-time compare that zips the two: it stops at the shorter one.
    return all(a == b for a, b in zip(expected, given, strict=False))


def _case_insensitive(expected: str, given: str) -> bool:
    return expected == given.lower()


def _not_too_old(age: float) -> bool:
    return age <= MAX_SKEW  # a skew check written for old requests only


# -- what the signature binds ---------------------------------------------------------------------------------------


def _as_get(request: Request) -> Request:
    # Written when the API was read-only: the method line is always GET.
    return dataclasses.replace(request, method="GET")


def _without_query(request: Request) -> Request:
    # Behind a proxy that hands the verifier the path only ($uri, not $request_uri).
    return dataclasses.replace(request, pairs=[])


def _numbers_as_parsed(request: Request) -> Request:
    # The query rebuilt from the validated request model: `01` was read as the number 1.
    pairs = [(name, str(int(value)) if value.isdigit() else value) for name, value in request.pairs]
    return dataclasses.replace(request, pairs=pairs)


def _media_type_only(request: Request) -> Request:
    # The framework's `request.content_type` is the media type, its parameters parsed apart.
    media = request.headers.get("content-type", "").split(";", 1)[0].strip()
    return dataclasses.replace(request, headers={**request.headers, "content-type": media})


class _LowerCasedPath:
    """A middleware for case-insensitive URLs: every path lower-cased before authentication and routing."""

    def __init__(self, app: ASGIApp, _scenario: Scenario) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = _raw_path(scope).lower()
            scope = {**scope, "path": unquote(path), "raw_path": path.encode()}
        await self.app(scope, receive, send)


# -- malformed IDs with characters the canonical URI encodes ----------------------------------------------------------


def _path_as_sent(scope: Scope) -> bool:
    # Canonicalises the raw path as it came (only the trailing `/` added): right for every plain path, and a 401 for
    # one whose segments hold characters the signer percent-encodes (`:` signed as `%3A`).
    raw = _raw_path(scope)
    return signing.canonical_uri(raw) != (raw if raw.endswith("/") else raw + "/")


def _id_not_alphanumeric(scope: Scope) -> bool:
    # An input filter in the gateway's auth plug-in: IDs of letters, digits and `-`, anything else "unauthorized".
    return any(re.search(r"[^0-9A-Za-z-]", unquote(value)) for value in task_path_ids(scope).values())


# -- header names looked up in a map of the names as sent (over HTTP) ------------------------------------------------


def looked_up_as(spelling: str) -> Callable[[RawHeaders], str | None]:
    """A verifier that finds `spelling` only as the SDK spells it: sent in another case, it is missing."""

    def refuses(raw: RawHeaders) -> str | None:
        names = [name for name, _ in raw]
        if spelling not in names and any(name.lower() == spelling.lower() for name in names):
            return f"{spelling.lower()} not found"
        return None

    return refuses


SIGNING_VARIANTS: tuple[Variant, ...] = (
    Variant("signatures compared over the shorter length", _buggy(Verification(same=_zip_compare)), TAMPERED),
    Variant("signatures compared case-insensitively", _buggy(Verification(same=_case_insensitive)), TAMPERED),
    Variant("a future X-Sdk-Date accepted", _buggy(Verification(fresh=_not_too_old)), TAMPERED),
    Variant("the verifier hashes GET whatever the method", _buggy(Verification(hashed=_as_get)), BINDS),
    Variant("the path lower-cased before authentication", _LowerCasedPath, BINDS),
    Variant("the query left out of the canonical request", _buggy(Verification(hashed=_without_query)), BINDS),
    Variant("query values hashed as parsed numbers", _buggy(Verification(hashed=_numbers_as_parsed)), BINDS),
    Variant("Content-Type hashed as its media type", _buggy(Verification(hashed=_media_type_only)), BINDS),
    Variant("the path canonicalised as sent", _answers(_refused_when(_path_as_sent)), MALFORMED),
    Variant("401 to IDs that are not alphanumeric", _answers(_refused_when(_id_not_alphanumeric)), MALFORMED),
)

# Over HTTP, in front of the emulator: the rule that refuses a request by its raw header names.
HEADER_CASE_VARIANTS: tuple[tuple[str, Callable[[RawHeaders], str | None]], ...] = (
    ("Authorization looked up as the SDK spells it", looked_up_as("Authorization")),
    ("X-Sdk-Date looked up as the SDK spells it", looked_up_as("X-Sdk-Date")),
)
