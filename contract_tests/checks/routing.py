"""The right answers to path variants (RFC 3986 §5.2.4 dot segments, §6.2.2 normalisation; RFC 9110 §4.2.3):
unsigned, never served (`unsigned_path_variant_refused`); signed, never another project's or instance's data and
never a crash (`signed_path_variant_contained`). A server may normalise a variant to the resource it names (a
percent-encoded unreserved character is the same character, RFC 3986 §6.2.2.2) and serve it, or refuse it (400,
401 when it canonicalises such a path otherwise than the signer, 404): both are correct."""

from __future__ import annotations

from collections.abc import Collection

import requests

from .probe_rules import Judge

UNSIGNED_PATH_VARIANT = "unsigned_path_variant_refused"
SIGNED_PATH_VARIANT = "signed_path_variant_contained"


def _leaked(response: requests.Response, foreign: Collection[str]) -> str | None:
    """The first foreign ID the answer's body names (compared in lower case: IDs are case-insensitive)."""
    text = response.text.lower()
    return next((value for value in foreign if value and value.lower() in text), None)


def unsigned_variant_refused(foreign: Collection[str]) -> Judge:
    """Unsigned: never 2xx (nothing is served without authentication, whatever the path looks like), never 5xx."""

    def judge(response: requests.Response) -> str | None:
        status = response.status_code
        if 200 <= status < 300:
            named = _leaked(response, foreign)
            leak = f", naming another tenant's {named}" if named else ""
            return f"served an unsigned request ({status}{leak}): authentication skipped for this form of the path"
        if status >= 500:
            return f"crashed the server ({status})"
        return None

    return judge


def signed_variant_contained(foreign: Collection[str], *, escapes: bool) -> Judge:
    """Signed: never 5xx; never a body naming another tenant's IDs; and, for a variant whose normalised path names
    another tenant's resource (`escapes`), never 2xx at all."""

    def judge(response: requests.Response) -> str | None:
        status = response.status_code
        if status >= 500:
            return f"crashed the server ({status})"
        if not 200 <= status < 300:
            return None  # a refusal (an error may quote the path it refused)
        named = _leaked(response, foreign)
        if named is not None:
            return f"answered {status} naming another tenant's {named}: the path reached their data"
        if escapes:
            return (
                f"answered {status}: once normalised the path names another tenant's resource, so the tenancy was"
                " checked on the path as sent and the data read on another"
            )
        return None

    return judge
