"""The right answers to the suite's probes (`Judge`s: what is wrong with an answer, or None): denied (403 or 404),
unauthorized (401), a malformed or over-long ID refused, a correctly signed request accepted, an undeclared method
rejected as `METHOD_REJECTION` says; each with the documented error body."""

from __future__ import annotations

from collections.abc import Callable

import requests

from ..record.answers import is_error_body

Judge = Callable[[requests.Response], str | None]


def _expect(statuses: tuple[int, ...], what: str) -> Judge:
    def judge(response: requests.Response) -> str | None:
        if response.status_code not in statuses:
            return f"answered {response.status_code}, expected {what}"
        if not is_error_body(response):
            return f"answered {response.status_code} without the documented error body"
        return None

    return judge


DENIED = _expect((403, 404), "403 or 404 (never 2xx)")
UNAUTHORIZED = _expect((401,), "401")
MALFORMED = _expect((400,), "400 (the documented answer to a malformed ID)")
OVERLONG = _expect((400, 403, 404), "400 or 404 (an ID longer than 36 characters is malformed)")


def signed_accepted(why_refused: str) -> Judge:
    """A correctly signed request: anything but 401 (`why_refused` says what a 401 means) and 5xx; an error with
    the documented body."""

    def judge(response: requests.Response) -> str | None:
        status = response.status_code
        if status == 401:
            return f"answered 401: {why_refused}"
        if status >= 500:
            return f"crashed the server ({status})"
        if status >= 400 and not is_error_body(response):
            return f"answered {status} without the documented error body"
        return None

    return judge


accepted = signed_accepted("the server canonicalises this path or query differently from the signer")
header_case_accepted = signed_accepted(
    "a correctly signed request whose header names differ only in case (RFC 9110 §5.1: names are case-insensitive)"
)


def _malformed_signed(response: requests.Response) -> str | None:
    """`MALFORMED`, saying what a 401 to a correctly signed request means."""
    if response.status_code == 401:
        return (
            "answered 401, expected 400: the request was correctly signed, so the server canonicalises this path"
            " (the characters the canonical URI percent-encodes) differently from the signer"
        )
    return MALFORMED(response)


MALFORMED_SIGNED: Judge = _malformed_signed


def method_judge(mode: str, declared: frozenset[str]) -> Judge:
    """405 with `Allow` naming the declared methods, and/or the gateway's 404 APIG.0101 (`mode`)."""
    accepted = {"405": "405 with Allow", "404": "404 APIG.0101", "any": "405 with Allow or 404 APIG.0101"}[mode]

    def wrong(response: requests.Response) -> str | None:
        status = response.status_code
        if status == 405 and mode in ("405", "any"):
            allowed = {item.strip().upper() for item in response.headers.get("Allow", "").split(",") if item.strip()}
            listed = declared <= allowed
            return (
                None
                if listed
                else f"answered 405 with Allow: {response.headers.get('Allow')!r}, not {sorted(declared)}"
            )
        gateway = status == 404 and response.json().get("error_code") == "APIG.0101"
        return None if gateway and mode in ("404", "any") else f"answered {status}, expected {accepted}"

    def judge(response: requests.Response) -> str | None:
        status = response.status_code
        if 200 <= status < 300 or status >= 500:
            what = "was served" if status < 300 else "crashed the server"
            return f"{what} ({status}), expected {accepted}"
        if not is_error_body(response):
            return f"answered {status} without the documented error body, expected {accepted}"
        if not response.headers.get("X-Request-Id"):
            return f"answered {status} without X-Request-Id"
        return wrong(response)

    return judge
