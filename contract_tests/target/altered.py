"""Requests signed right and then sent otherwise: `requests` adapters whose request on the wire differs from what its
signature covers in exactly one part (`SignedOtherwise`), whose signature itself is mangled (`MangledSignature`),
or whose header names are sent in another case, still correctly signed (`RecasedHeaderNames`).

Each starts from the project's one signer (`AkSkSigner`), so the request is what a correct client would send, and
then changes one thing. Where it is safe the request sent is the unusual one and the signature covers the usual
one: a verifier that agrees with the signer on every usual request (and so passes every other test) is caught only
by an unusual request signed as the usual one — a DELETE signed as a GET, an ID sent in upper case and signed in
lower case, a `Content-Type` with a parameter signed without it. Where the unusual request could reach something
else or not be routed at all (a literal path segment, another method on a read-only path), the request sent is the
real one and the signature covers the altered one.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

import requests
import requests.auth
from dcs_tasks.lib import signing
from requests.structures import CaseInsensitiveDict

from .auth import AkSkSigner, body_bytes, header_text

EXTRA_PARAMETER = "note=1"  # an undeclared parameter: a service ignores it, a verifier must not


@dataclasses.dataclass(frozen=True)
class Parts:
    """What a signature covers: the method, the raw path and query as sent, and the signed headers (lower-case
    name → value)."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]

    def with_header(self, name: str, value: str) -> Parts:
        return dataclasses.replace(self, headers={**self.headers, name: value})


# From the parts of a correctly signed request: the parts the signature is to cover, and the header values (by
# lower-case name) to send instead of the signed ones.
Alteration = Callable[[Parts], tuple[Parts, dict[str, str]]]


def signed_parts(request: requests.PreparedRequest) -> Parts:
    """The parts of a signed `request` its signature covers, as a verifier reads them."""
    names = signing.parse_authorization(header_text(request.headers["Authorization"])).signed_names
    url = urlsplit(str(request.url))
    headers = {name: header_text(request.headers.get(name, "")) for name in names}
    return Parts(str(request.method), url.path or "/", url.query, headers)


def _set_keeping_case(headers: CaseInsensitiveDict[str | bytes], name: str, value: str) -> None:
    """Set a header's value under the name as the request already spells it (only the value changes)."""
    spelled = next((key for key in headers if key.lower() == name.lower()), name)
    headers[spelled] = value


@dataclasses.dataclass(frozen=True, repr=False)
class SignedOtherwise(requests.auth.AuthBase):
    """Signs the request correctly, then re-signs it over the parts `alter` gives and sends the header values it
    names instead of the signed ones: the request on the wire is no longer the one the signature covers."""

    signer: AkSkSigner
    alter: Alteration

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        self.signer(request)  # every header a correct signature covers is now set, as sent
        signed, sent = self.alter(signed_parts(request))
        request.headers["Authorization"] = signing.sign(
            access_key=self.signer.access_key,
            secret_key=self.signer.secret_key,
            method=signed.method,
            raw_path=signed.path,
            raw_query=signed.query,
            headers=signed.headers,
            body=body_bytes(request),
        )
        for name, value in sent.items():
            _set_keeping_case(request.headers, name, value)
        return request


@dataclasses.dataclass(frozen=True, repr=False)
class MangledSignature(requests.auth.AuthBase):
    """A correctly signed request whose `Signature=` value `mangle` then changes."""

    signer: AkSkSigner
    mangle: Callable[[str], str]

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        self.signer(request)
        head, _, value = header_text(request.headers["Authorization"]).rpartition("Signature=")
        request.headers["Authorization"] = f"{head}Signature={self.mangle(value)}"
        return request


# Header names as a client other than the SDK may send them: every name differs from its usual spelling
# (RFC 9110 §5.1: field names are case-insensitive; HTTP/2 sends them all in lower case).
RECASED = {
    "authorization": "authorization",
    "x-sdk-date": "X-SDK-DATE",
    "content-type": "CONTENT-type",
    "host": "hOST",
    "user-agent": "user-AGENT",
}


def recased(name: str) -> str:
    return RECASED.get(name.lower(), name.upper())


@dataclasses.dataclass(frozen=True, repr=False)
class RecasedHeaderNames(requests.auth.AuthBase):
    """A correctly signed request sent with every header name in another case (the values as signed)."""

    signer: AkSkSigner

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        self.signer(request)
        request.headers = CaseInsensitiveDict({recased(name): value for name, value in request.headers.items()})
        return request


# -- the alterations: one covered part each --------------------------------------------------------------------


def other_method(method: str) -> str:
    """The method a request is signed as by `another_method`: GET (a deletion signed as a read), or DELETE for a GET."""
    return "GET" if method.upper() != "GET" else "DELETE"


def another_method(parts: Parts) -> tuple[Parts, dict[str, str]]:
    """Signed as another method (`other_method`); sent as it is."""
    return dataclasses.replace(parts, method=other_method(parts.method)), {}


def segment_case_swapped(index: int) -> Alteration:
    """Signed with path segment `index` (1: the first after the leading `/`) in the other case; sent as it is."""

    def alter(parts: Parts) -> tuple[Parts, dict[str, str]]:
        segments = parts.path.split("/")
        if index < len(segments):
            segments[index] = segments[index].swapcase()
        return dataclasses.replace(parts, path="/".join(segments)), {}

    return alter


def _pairs(query: str) -> list[str]:
    return [pair for pair in query.split("&") if pair]


def query_parameter_added(parts: Parts) -> tuple[Parts, dict[str, str]]:
    """Signed without the query's last parameter: it was added after signing."""
    return dataclasses.replace(parts, query="&".join(_pairs(parts.query)[:-1])), {}


def query_parameter_removed(parts: Parts) -> tuple[Parts, dict[str, str]]:
    """Signed with one parameter more than sent: it was removed after signing."""
    return dataclasses.replace(parts, query="&".join([*_pairs(parts.query), EXTRA_PARAMETER])), {}


def query_value_changed(parts: Parts) -> tuple[Parts, dict[str, str]]:
    """Signed with the last parameter's value without its leading zero (`01` sent, `1` signed; a value without one
    is signed with one): the same number to a parser, another query to the signature."""
    pairs = _pairs(parts.query) or [EXTRA_PARAMETER]
    name, _, value = pairs[-1].partition("=")
    value = value[1:] if value.startswith("0") and len(value) > 1 else "0" + value
    return dataclasses.replace(parts, query="&".join([*pairs[:-1], f"{name}={value}"])), {}


def _flipped(value: str) -> str:
    """`value` with its last character changed."""
    return value[:-1] + ("0" if value[-1:] != "0" else "1")


def _later(sdk_date: str) -> str:
    moment = datetime.datetime.strptime(sdk_date, signing.DATE_FORMAT).replace(tzinfo=datetime.UTC)
    return (moment + datetime.timedelta(minutes=1)).strftime(signing.DATE_FORMAT)


def _with_parameter(content_type: str) -> str:
    media, _, parameters = content_type.partition(";")
    return media.strip() if parameters else f"{content_type}; charset=utf-8"


def _sent_changed(name: str, change: Callable[[str], str]) -> Alteration:
    """Header `name` sent with `change`d value; the signature covers the value as it was."""

    def alter(parts: Parts) -> tuple[Parts, dict[str, str]]:
        if name not in parts.headers:
            raise ValueError(f"{name} is not among the signed headers of this request")
        return parts, {name: change(parts.headers[name])}

    return alter


def host_changed(parts: Parts) -> tuple[Parts, dict[str, str]]:
    """`Host` sent in upper case (the same host: RFC 9110 §4.2.3), signed as it was; a host without letters (an IP
    address) is signed with a digit more and sent as it is."""
    host = parts.headers["host"]
    if host.upper() != host:
        return parts, {"host": host.upper()}
    return parts.with_header("host", host + "0"), {}


# Each signed header's change after signing, by the header's name.
HEADER_CHANGES: dict[str, Alteration] = {
    "content-type": _sent_changed("content-type", _with_parameter),
    "host": host_changed,
    "user-agent": _sent_changed("user-agent", lambda value: f"{value} (changed after signing)"),
    "x-sdk-date": _sent_changed("x-sdk-date", _later),
    "x-project-id": _sent_changed("x-project-id", _flipped),
    "x-security-token": _sent_changed("x-security-token", _flipped),
}


def signature_flipped(value: str) -> str:
    return _flipped(value)


def signature_shortened(value: str) -> str:
    return value[:-1]


def signature_lengthened(value: str) -> str:
    return value + "0"


def signature_upper_cased(value: str) -> str:
    return value.upper()
