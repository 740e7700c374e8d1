"""Retries with exponential backoff and full jitter, around a whole exchange (sync and async).

A retry wraps *sending a request and reading its body*, so a body cut off mid-way is retried like
a dropped connection, and the request is rebuilt (and re-signed, with a fresh ``X-Sdk-Date``) on
every attempt. Retried: connection errors, timeouts and broken bodies, 429 and 5xx, only for
idempotent methods, since a POST that timed out may have been applied. ``Retry-After`` (seconds
or an HTTP date) is honoured when it is within ``max_delay``; a longer one ends the retries (the
caller gets the 429/503). With a ``Deadline`` (``call_timeout``), no backoff sleeps past it: when
the next wait would leave no time for another attempt, the last outcome is the call's.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Awaitable, Callable

import httpx

from .deadline import Deadline
from .errors import InvalidArgumentError
from .logs import logger

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
# NetworkError covers ReadError; RemoteProtocolError is what a truncated body raises.
RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)

Outcome = httpx.Response | Exception


async def _asyncio_sleep(seconds: float) -> None:
    import asyncio  # noqa: PLC0415 - deferred: asyncio is costly to import and sync users never need it

    await asyncio.sleep(seconds)


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry. ``RetryPolicy(max_retries=0)`` turns retries off.

    The n-th retry (n from 0) waits ``uniform(0, min(max_delay, initial_delay * 2**n))`` seconds
    ("full jitter"), or the server's ``Retry-After``. ``sleep``, ``async_sleep``, ``rand`` and
    ``clock`` are injectable for tests.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 60.0
    retry_statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})
    retry_all_5xx: bool = True
    sleep: Callable[[float], None] = dataclasses.field(default=time.sleep, repr=False, compare=False)
    async_sleep: Callable[[float], Awaitable[None]] = dataclasses.field(
        default=_asyncio_sleep, repr=False, compare=False
    )
    rand: Callable[[], float] = dataclasses.field(default=random.random, repr=False, compare=False)
    clock: Callable[[], float] = dataclasses.field(default=time.time, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0 or self.initial_delay < 0 or self.max_delay < 0:
            raise InvalidArgumentError("RetryPolicy values must not be negative")

    def retries_status(self, status_code: int) -> bool:
        return status_code in self.retry_statuses or (self.retry_all_5xx and 500 <= status_code <= 599)

    def backoff(self, retry: int, rand: Callable[[], float] | None = None) -> float:
        return (rand or self.rand)() * min(self.max_delay, self.initial_delay * 2.0**retry)

    def delay(self, method: str, retry: int, outcome: Outcome) -> float | None:
        """Seconds to wait before the next attempt after ``outcome``, or ``None`` to stop there."""
        if retry >= self.max_retries or method not in IDEMPOTENT_METHODS:
            return None
        if isinstance(outcome, Exception):
            return self.backoff(retry) if isinstance(outcome, RETRYABLE_ERRORS) else None
        if not self.retries_status(outcome.status_code):
            return None
        asked = retry_after_seconds(outcome.headers.get("Retry-After"), self.clock())
        if asked is None:
            return self.backoff(retry)
        return asked if asked <= self.max_delay else None


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP date); ``None`` if absent or invalid."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime  # noqa: PLC0415 - only needed when a server asks to wait

    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - now)


def _next_delay(
    policy: RetryPolicy, method: str, what: str, retry: int, outcome: Outcome, *, deadline: Deadline | None
) -> float | None:
    delay = policy.delay(method, retry, outcome)
    if delay is None:
        return None
    reason = f"HTTP {outcome.status_code}" if isinstance(outcome, httpx.Response) else type(outcome).__name__
    if deadline is not None and not deadline.allows(delay):
        deadline.limited = True
        logger.info("not retrying %s after %s: call_timeout leaves %.2f s", what, reason, max(deadline.left(), 0))
        return None
    logger.info("retrying %s after %s (retry %d of %d) in %.2f s", what, reason, retry + 1, policy.max_retries, delay)
    return delay


def _final(outcome: Outcome) -> httpx.Response:
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def call_with_retries(
    policy: RetryPolicy,
    method: str,
    what: str,
    attempt: Callable[[], httpx.Response],
    deadline: Deadline | None = None,
) -> httpx.Response:
    """Run ``attempt`` (send + read the body) until it succeeds, the policy says stop or ``deadline`` would pass."""
    retry = 0
    while True:
        try:
            outcome: Outcome = attempt()
        except RETRYABLE_ERRORS as error:
            outcome = error
        delay = _next_delay(policy, method, what, retry, outcome, deadline=deadline)
        if delay is None:
            return _final(outcome)
        policy.sleep(delay)
        retry += 1


async def async_call_with_retries(
    policy: RetryPolicy,
    method: str,
    what: str,
    attempt: Callable[[], Awaitable[httpx.Response]],
    deadline: Deadline | None = None,
) -> httpx.Response:
    """The asynchronous twin of ``call_with_retries``."""
    retry = 0
    while True:
        try:
            outcome: Outcome = await attempt()
        except RETRYABLE_ERRORS as error:
            outcome = error
        delay = _next_delay(policy, method, what, retry, outcome, deadline=deadline)
        if delay is None:
            return _final(outcome)
        await policy.async_sleep(delay)
        retry += 1
