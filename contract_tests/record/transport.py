"""How every request of a run goes out (`paced_requests`): at most `RATE_LIMIT` a second, a 429 waited out
and re-sent, every exchange timed; `TransportStats` counts it.

The pacing is Schemathesis' own limiter (what its `rate-limit` setting builds) and `Retry-After` is read by
its `parse_retry_after` (seconds or an HTTP date, capped at 60 s). The rest is ours, because Schemathesis
paces only the requests it sends itself and waits out a 429 only in its CLI engine (`rate-limit = "auto"`),
never under pytest: the suite's probes and its checks' fetches must be paced and waited out too, or a
throttling gateway would fail the run. So `requests.Session.send` itself is wrapped while a run is open
(Schemathesis sends some checks' follow-up requests on sessions of its own); runs in one process are
sequential, and the original method is back when the block ends. With WORKERS above 1 several threads send at once:
they share the one limiter, so RATE_LIMIT bounds the run, not each worker. Re-sending the same prepared request keeps
its signature: its `X-Sdk-Date` stays well inside the gateway's 15-minute window.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from schemathesis.core.rate_limit import RATE_LIMIT_AUTO_MAX_WAIT, build_limiter, parse_retry_after

from . import timeline

THROTTLED = 429
MAX_THROTTLE_RETRIES = 6
NO_CONTENT = frozenset({204, 304})  # statuses that never have content (RFC 9110 §15.3.5, §15.4.5)
DEFAULT_BACKOFF = 1.0  # seconds, doubling, when a 429 carries no usable Retry-After
_UNITS = (("s", 1), ("m", 60), ("h", 3600), ("d", 86400))


@dataclass
class TransportStats:
    sent: int = 0  # requests that went out, each re-sent 429 counted again
    throttled: int = 0  # 429 answers waited out and re-sent
    throttled_final: int = 0  # 429 answers still throttled after every retry (not judged)
    waited: float = 0.0  # seconds spent honouring Retry-After
    slowest: float = 0.0  # seconds, the slowest exchange
    slow: list[tuple[float, str]] = field(default_factory=list)  # (seconds, "METHOD path") above the warning mark


def retry_after_seconds(headers: Mapping[str, str], attempt: int) -> float:
    """The wait `Retry-After` asks for, else an exponential backoff; capped at 60 s either way."""
    wait = parse_retry_after((headers.get("Retry-After") or "").strip())
    return min(DEFAULT_BACKOFF * 2**attempt, RATE_LIMIT_AUTO_MAX_WAIT) if wait is None else wait


def read_body(response: requests.Response) -> None:
    """Read the body as `requests` would, except after a status that has no content (a 204): there a body the
    server sent anyway is left unread (HTTP clients refuse it: "Response may not contain content"), and the
    answer keeps its headers, so the check that judges it says what was wrong instead of the run failing."""
    try:
        _ = response.content
    except requests.exceptions.ChunkedEncodingError:
        if response.status_code not in NO_CONTENT:
            raise
        response._content = b""  # what requests itself sets for an empty body
        response._content_consumed = True


def limiter_rate(per_second: float) -> str:
    """`per_second` as Schemathesis' limiter takes a rate: whole requests per unit, in the shortest unit that can."""
    for unit, seconds in _UNITS:
        count = per_second * seconds
        if count >= 1 and abs(count - round(count)) < 1e-6:
            return f"{round(count)}/{unit}"
    return f"{max(1, round(per_second * 86400))}/d"


@contextlib.contextmanager
def paced_requests(
    stats: TransportStats,
    *,
    rate_limit: float | None,
    slow_after: float,
    sleep: Callable[[float], None] = time.sleep,
    observe: Callable[[requests.PreparedRequest, requests.Response], None] | None = None,
    throttled: Callable[[requests.PreparedRequest, requests.Response], None] | None = None,
    wire: Callable[[], contextlib.AbstractContextManager[None]] = contextlib.nullcontext,
) -> Iterator[None]:
    """While open, every `requests` exchange in this process is paced, retried on 429 and timed; `observe`
    sees each answer (its body possibly still unread), `throttled` each 429 (its body readable) before the
    request is sent again. `wire` is open while a request waits for its turn, its answer or a `Retry-After`
    (concurrent workers let the others run then, `run.workers`)."""
    original = requests.Session.send
    limiter = build_limiter(limiter_rate(rate_limit)) if rate_limit else None
    turns = threading.Lock()  # one limiter for the whole run, whatever the number of threads sending

    def send(session: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # noqa: ANN401
        attempt = 0
        while True:
            with wire():
                if limiter is not None:
                    with turns:
                        limiter.try_acquire("contract")
                started = time.monotonic()
                timeline.sent(request)
                response = original(session, request, **{**kwargs, "stream": True})
                if not kwargs.get("stream") or response.status_code in NO_CONTENT:  # a 204 has nothing to stream
                    read_body(response)
                timeline.answered(request)
            elapsed = time.monotonic() - started
            stats.sent += 1
            if observe is not None:
                observe(request, response)
            stats.slowest = max(stats.slowest, elapsed)
            if elapsed >= slow_after:
                stats.slow.append((elapsed, f"{request.method} {request.path_url}"))
            if response.status_code != THROTTLED or attempt == MAX_THROTTLE_RETRIES:
                stats.throttled_final += response.status_code == THROTTLED
                return response  # a last 429 goes to the caller, whose checks judge and count it
            if throttled is not None:
                throttled(request, response)
            wait = retry_after_seconds(response.headers, attempt)
            stats.throttled += 1
            stats.waited += wait
            response.close()
            with wire():
                sleep(wait)
            attempt += 1

    requests.Session.send = send  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        requests.Session.send = original  # type: ignore[method-assign]
