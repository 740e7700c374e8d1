"""How the suite's requests go out (`pace_session`): at most `RATE_LIMIT` requests per second, a 429 waited
out and re-sent (honouring `Retry-After`), and every exchange timed; `TransportStats` counts what happened.

Installed as a `requests` adapter around the session's own (the network's, or the in-process ASGI
client's), so generated cases and the suite's own probes are paced and retried alike. Re-sending the
same prepared request keeps its signature: its `X-Sdk-Date` is minutes inside the gateway's window.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import BaseAdapter

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


class PacedAdapter(BaseAdapter):
    """Wraps another adapter: pacing, 429 retries and timing around each exchange."""

    def __init__(
        self,
        inner: BaseAdapter,
        stats: TransportStats,
        *,
        rate_limit: float | None,
        slow_after: float,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__()
        self.inner = inner
        self.stats = stats
        self.limiter = _RateLimiter(rate_limit, sleep)
        self.slow_after = slow_after
        self.sleep = sleep

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:  # noqa: ANN401
        attempt = 0
        while True:
            self.limiter.wait()
            started = time.monotonic()
            response = self.inner.send(request, *args, **kwargs)
            self._timed(request, time.monotonic() - started)
            if response.status_code != THROTTLED:
                return response
            if attempt >= MAX_THROTTLE_RETRIES:
                self.stats.throttled_final += 1
                return response
            wait = retry_after_seconds(response.headers, attempt)
            self.stats.throttled += 1
            self.stats.waited += wait
            response.close()
            self.sleep(wait)
            attempt += 1

    def _timed(self, request: requests.PreparedRequest, elapsed: float) -> None:
        stats = self.stats
        stats.slowest = max(stats.slowest, elapsed)
        if elapsed >= self.slow_after:
            stats.slow.append((elapsed, f"{request.method} {request.path_url}"))

    def close(self) -> None:
        self.inner.close()


def pace_session(
    session: requests.Session,
    stats: TransportStats,
    *,
    rate_limit: float | None,
    slow_after: float,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Route every request of `session` through one `PacedAdapter` per scheme, around the adapter it had."""
    limiter = _RateLimiter(rate_limit, sleep)
    for scheme in ("http://", "https://"):
        paced = PacedAdapter(session.get_adapter(scheme), stats, rate_limit=None, slow_after=slow_after, sleep=sleep)
        paced.limiter = limiter  # one pace for both schemes
        session.mount(scheme, paced)
