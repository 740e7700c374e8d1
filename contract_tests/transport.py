"""How the suite's requests go out (`paced_requests`): at most `RATE_LIMIT` requests per second, a 429
waited out and re-sent (honouring `Retry-After`), and every exchange timed; `TransportStats` counts it.

Generated cases, Schemathesis' own follow-up requests and the suite's probes are paced and retried
alike (over the network or to the in-process ASGI client). Re-sending the same prepared request keeps
its signature: its `X-Sdk-Date` stays well inside the gateway's 15-minute window.
"""

from __future__ import annotations

import contextlib
import email.utils
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

THROTTLED = 429
MAX_THROTTLE_RETRIES = 6
MAX_RETRY_AFTER = 60.0  # seconds; a longer Retry-After is capped, the run goes on
DEFAULT_BACKOFF = 1.0  # seconds, doubling, when a 429 carries no usable Retry-After


@dataclass
class TransportStats:
    throttled: int = 0  # 429 answers waited out and re-sent
    throttled_final: int = 0  # 429 answers still throttled after every retry (not judged)
    waited: float = 0.0  # seconds spent honouring Retry-After
    slowest: float = 0.0  # seconds, the slowest exchange
    slow: list[tuple[float, str]] = field(default_factory=list)  # (seconds, "METHOD path") above the warning mark


def retry_after_seconds(headers: Mapping[str, str], attempt: int, now: float | None = None) -> float:
    """The wait `Retry-After` asks for (seconds or an HTTP date), else an exponential backoff; capped."""
    value = (headers.get("Retry-After") or "").strip()
    wait: float | None = None
    if value.isdigit():
        wait = float(value)
    elif value:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            wait = max(0.0, when.timestamp() - (time.time() if now is None else now))
    if wait is None:
        wait = DEFAULT_BACKOFF * 2**attempt
    return min(wait, MAX_RETRY_AFTER)


class _RateLimiter:
    def __init__(self, per_second: float | None, sleep: Callable[[float], None]) -> None:
        self.interval = 1.0 / per_second if per_second else 0.0
        self.sleep = sleep
        self.next_at = 0.0
        self.guard = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self.guard:
            now = time.monotonic()
            delay = self.next_at - now
            self.next_at = max(now, self.next_at) + self.interval
        if delay > 0:
            self.sleep(delay)


@contextlib.contextmanager
def paced_requests(
    stats: TransportStats,
    *,
    rate_limit: float | None,
    slow_after: float,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[None]:
    """While open, every `requests` exchange in this process is paced, retried on 429 and timed.

    `requests.Session.send` itself is wrapped, not one session's adapter: Schemathesis sends some checks'
    follow-up requests (`ignored_auth`'s, for one) on sessions of its own, and those must be waited out on
    429 too, or a throttling gateway would fail the run. Runs in one process are sequential; the original
    method is back when the block ends.
    """
    original = requests.Session.send
    limiter = _RateLimiter(rate_limit, sleep)

    def send(session: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # noqa: ANN401
        attempt = 0
        while True:
            limiter.wait()
            started = time.monotonic()
            response = original(session, request, **kwargs)
            elapsed = time.monotonic() - started
            stats.slowest = max(stats.slowest, elapsed)
            if elapsed >= slow_after:
                stats.slow.append((elapsed, f"{request.method} {request.path_url}"))
            if response.status_code != THROTTLED:
                return response
            if attempt >= MAX_THROTTLE_RETRIES:
                stats.throttled_final += 1
                return response
            wait = retry_after_seconds(response.headers, attempt)
            stats.throttled += 1
            stats.waited += wait
            response.close()
            sleep(wait)
            attempt += 1

    requests.Session.send = send  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        requests.Session.send = original  # type: ignore[method-assign]
