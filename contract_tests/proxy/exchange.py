"""What the proxy hands its observers: each exchange, each finding, and the run they belong to.

Every record is frozen and holds only bytes, text and numbers, so an observer may keep it, read it on
another thread and judge it as long as it likes. They hold credentials as they were sent (the client's
``Authorization``, the proxy's signature and ``X-Security-Token``): a report must scrub them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .headers import HeaderPairs


@dataclass(frozen=True)
class ReceivedRequest:
    """The client's request as the proxy received it (header names lower-cased by the HTTP server)."""

    method: str
    raw_path: str  # as sent, percent-encoding untouched
    raw_query: str  # as sent, without the "?"
    headers: HeaderPairs
    body: bytes
    client: str  # the peer, "host:port"
    http_version: str  # "1.1"

    @property
    def target(self) -> str:
        """The request target as sent: path and query."""
        return f"{self.raw_path}?{self.raw_query}" if self.raw_query else self.raw_path


@dataclass(frozen=True)
class ForwardedRequest:
    """The request the proxy sent upstream: the client's, re-signed with the proxy's credentials."""

    method: str
    url: str
    headers: HeaderPairs
    body: bytes


class AnswerSource(StrEnum):
    UPSTREAM = "upstream"  # passed to the client unchanged (hop-by-hop headers aside)
    PROXY = "proxy"  # the proxy's own: a refusal or a 502


@dataclass(frozen=True)
class Answer:
    """An answer the client was sent: the upstream's (headers as the upstream sent them, hop-by-hop ones
    included; the client got them without those) or the proxy's own."""

    source: AnswerSource
    status: int
    headers: HeaderPairs
    body: bytes  # every byte received; only those that arrived when the answer was interrupted
    http_version: str  # "HTTP/1.1"


class ClientAuthKind(StrEnum):
    VERIFIED = "verified"  # signed with the proxy's AK, and the signature is right
    INVALID = "invalid"  # signed with the proxy's AK, and the signature is wrong: a finding
    MALFORMED = "malformed"  # an Authorization header that is no SDK-HMAC-SHA256 one: a finding
    UNVERIFIED = "unverified"  # signed with keys the proxy does not hold: nothing to check it against
    TOKEN = "token"  # an X-Auth-Token instead of a signature  # noqa: S105 - a kind, not a token
    UNSIGNED = "unsigned"  # neither (the proxy signs for it)


@dataclass(frozen=True)
class ClientAuth:
    """What the proxy made of the client's own credentials (it replaces them either way)."""

    kind: ClientAuthKind
    access_key: str | None = None
    problem: str = ""  # why INVALID or MALFORMED


class Outcome(StrEnum):
    FORWARDED = "forwarded"  # the upstream's whole answer reached the client
    REFUSED = "refused"  # a state-changing request in read-only mode: the proxy's 403
    UNREACHABLE = "unreachable"  # no answer from the upstream: the proxy's 502
    INTERRUPTED = "interrupted"  # the upstream's answer broke off mid-body; the client's connection was cut alike
    ABANDONED = "abandoned"  # the client left before its answer was complete
    FAILED = "failed"  # the proxy could not forward it (e.g. no credentials to sign with): the proxy's 502


class FindingKind(StrEnum):
    CLIENT_SIGNATURE = "client_signature"  # a client signed with the proxy's AK and got it wrong
    STATE_CHANGING_REFUSED = "state_changing_refused"
    UPSTREAM_UNREACHABLE = "upstream_unreachable"
    UPSTREAM_INTERRUPTED = "upstream_interrupted"
    PROXY_ERROR = "proxy_error"


@dataclass(frozen=True)
class Finding:
    """Something the proxy itself noticed about one exchange (judging against the spec is the observers')."""

    kind: FindingKind
    exchange: int  # the exchange's number
    method: str
    target: str
    message: str


@dataclass(frozen=True)
class Timings:
    """When each step happened, in seconds after ``started`` (monotonic); None: the step never came."""

    started_at: float  # wall clock (epoch seconds) when the request's head arrived
    request_read: float  # the client's body fully read
    queued: float  # how long RATE_LIMIT held it back (included in ``sent``)
    sent: float | None  # handed to the upstream, after pacing and re-signing
    answered: float | None  # the upstream's status and headers arrived
    finished: float  # the last byte handed to the client (or the exchange given up)


@dataclass(frozen=True)
class Exchange:
    """One request through the proxy, from the client's request to the last byte of its answer."""

    number: int  # 1, 2, … in the order requests arrived
    request: ReceivedRequest
    client_auth: ClientAuth
    forwarded: ForwardedRequest | None  # None: not forwarded (refused, or the client left while it queued)
    answer: Answer | None  # None: the client left before any answer
    outcome: Outcome
    timings: Timings
    findings: tuple[Finding, ...]
    error: str | None = None  # what went wrong on the upstream leg, as text


@dataclass(frozen=True)
class ProxyRun:
    """The proxy's run, as ``on_start`` and ``on_stop`` see it (no secrets)."""

    url: str  # where clients send their requests
    upstream: str
    credentials: str  # where they came from, and whose (the AK's first characters)
    read_only: bool
    rate_limit: float | None  # requests a second; None: unpaced
    started_at: float  # epoch seconds
