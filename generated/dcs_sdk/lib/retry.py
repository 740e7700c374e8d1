"""Retries with exponential backoff and full jitter, as httpx transports (sync and async).

Retried: connection errors and timeouts, 429 and 5xx — only for idempotent methods, since a
POST that timed out may have been applied. ``Retry-After`` (seconds or an HTTP date) is honoured
when it is within ``max_delay``; a longer one ends the retries (the caller gets the 429/503).
Every retry re-applies the auth (``reauth``), so a signed request gets a fresh ``X-Sdk-Date``.
"""

from __future__ import annotations

import dataclasses
import random
import ssl
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import httpx

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)

Reauth = Callable[[httpx.Request], None]


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry. ``RetryPolicy(max_retries=0)`` turns retries off.

    The n-th retry (n from 0) waits ``uniform(0, min(max_delay, initial_delay * 2**n))`` seconds
    ("full jitter"), or the server's ``Retry-After``.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 60.0
    retry_statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})
    retry_all_5xx: bool = True

    def __post_init__(self) -> None:
        if self.max_retries < 0 or self.initial_delay < 0 or self.max_delay < 0:
            raise ValueError("RetryPolicy values must not be negative")

    def retries_status(self, status_code: int) -> bool:
        return status_code in self.retry_statuses or (self.retry_all_5xx and 500 <= status_code <= 599)

    def backoff(self, retry: int, rand: Callable[[], float]) -> float:
        return rand() * min(self.max_delay, self.initial_delay * 2.0**retry)


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


@dataclasses.dataclass
class _Decider:
    """The decisions both transports share; only their I/O (sleep, close) differs."""

    policy: RetryPolicy
    rand: Callable[[], float]
    clock: Callable[[], float]

    def after_error(self, request: httpx.Request, retry: int) -> float | None:
        """Seconds to wait before retrying after a transport error, or ``None`` to re-raise it."""
        if retry >= self.policy.max_retries or request.method not in IDEMPOTENT_METHODS:
            return None
        return self.policy.backoff(retry, self.rand)

    def after_response(self, request: httpx.Request, response: httpx.Response, retry: int) -> float | None:
        """Seconds to wait before retrying after a response, or ``None`` to return it."""
        if (
            retry >= self.policy.max_retries
            or request.method not in IDEMPOTENT_METHODS
            or not self.policy.retries_status(response.status_code)
        ):
            return None
        asked = retry_after_seconds(response.headers.get("Retry-After"), self.clock())
        if asked is None:
            return self.policy.backoff(retry, self.rand)
        return asked if asked <= self.policy.max_delay else None


TransportT = TypeVar("TransportT", httpx.BaseTransport, httpx.AsyncBaseTransport)
SleepT = TypeVar("SleepT", Callable[[float], None], Callable[[float], Awaitable[None]])


class _Retrying(Generic[TransportT, SleepT]):
    """The configuration both transports share.

    ``transport`` is the one to wrap; without it an ``httpx.HTTPTransport(verify=verify)`` (or the
    async one) is made on first use: its TLS context (loading the CA bundle) is the slowest part
    of building a client. ``sleep`` defaults to ``time.sleep`` / ``asyncio.sleep``; ``rand`` and
    ``clock`` are injectable for tests.
    """

    def __init__(
        self,
        transport: TransportT | None = None,
        *,
        policy: RetryPolicy | None = None,
        reauth: Reauth | None = None,
        sleep: SleepT | None = None,
        rand: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.time,
        verify: ssl.SSLContext | str | bool = True,
    ) -> None:
        self._given: TransportT | None = transport
        self._verify = verify
        self._decider = _Decider(policy or RetryPolicy(), rand, clock)
        self._reauth = reauth
        self._sleep: SleepT | None = sleep


class RetryTransport(_Retrying[httpx.BaseTransport, Callable[[float], None]], httpx.BaseTransport):
    """Wraps a sync transport with retries (see ``_Retrying`` for the arguments)."""

    @property
    def transport(self) -> httpx.BaseTransport:
        if self._given is None:
            self._given = httpx.HTTPTransport(verify=self._verify)
        return self._given

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        retry = 0
        while True:
            try:
                response = self.transport.handle_request(request)
            except RETRYABLE_ERRORS:
                delay = self._decider.after_error(request, retry)
                if delay is None:
                    raise
            else:
                delay = self._decider.after_response(request, response, retry)
                if delay is None:
                    return response
                response.close()
            (self._sleep or time.sleep)(delay)
            retry += 1
            if self._reauth is not None:
                self._reauth(request)

    def close(self) -> None:
        if self._given is not None:
            self._given.close()


async def _asyncio_sleep(seconds: float) -> None:
    import asyncio  # noqa: PLC0415 - deferred: asyncio is costly to import and sync users never need it

    await asyncio.sleep(seconds)


class AsyncRetryTransport(
    _Retrying[httpx.AsyncBaseTransport, Callable[[float], Awaitable[None]]], httpx.AsyncBaseTransport
):
    """Wraps an async transport with retries (see ``_Retrying`` for the arguments)."""

    @property
    def transport(self) -> httpx.AsyncBaseTransport:
        if self._given is None:
            self._given = httpx.AsyncHTTPTransport(verify=self._verify)
        return self._given

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        retry = 0
        while True:
            try:
                response = await self.transport.handle_async_request(request)
            except RETRYABLE_ERRORS:
                delay = self._decider.after_error(request, retry)
                if delay is None:
                    raise
            else:
                delay = self._decider.after_response(request, response, retry)
                if delay is None:
                    return response
                await response.aclose()
            await (self._sleep or _asyncio_sleep)(delay)
            retry += 1
            if self._reauth is not None:
                self._reauth(request)

    async def aclose(self) -> None:
        if self._given is not None:
            await self._given.aclose()
