"""Retries: backoff with full jitter, Retry-After, bounds, idempotency, re-signing, broken bodies, sync and async."""

from __future__ import annotations

import asyncio
import datetime
import socket
import threading
from collections.abc import Callable, Iterator
from email.utils import format_datetime

import httpx
import pytest
from dcs_tasks import (
    AkSkAuth,
    APIConnectionError,
    AsyncDcsClient,
    DcsClient,
    InternalServerError,
    RateLimitError,
    RetryPolicy,
)
from dcs_tasks.lib.retry import call_with_retries, retry_after_seconds

from .conftest import CREDENTIALS, INSTANCE, TASK, Handler, example_200


class BrokenBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A 200 body cut off mid-way, as a dropped connection leaves it."""

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"progress": '
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")

    async def __aiter__(self):  # type: ignore[no-untyped-def]  # an async generator
        yield b'{"progress": '
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")


def scripted(
    *outcomes: int | Exception | str, seen: list[httpx.Request], headers: dict[str, str] | None = None
) -> Handler:
    """A handler answering with the given statuses (or raising the given errors), in order; "broken" cuts the body."""
    queue = list(outcomes)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        outcome = queue.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        if outcome == "broken":
            return httpx.Response(200, stream=BrokenBody(), headers={"Content-Type": "application/json"})
        assert isinstance(outcome, int)
        return httpx.Response(outcome, headers=headers or {}, json=example_200() if outcome == 200 else {})

    return handle


def policy(sleeps: list[float], clock: Callable[[], float] | None = None, **settings: object) -> RetryPolicy:
    extra: dict[str, object] = {"clock": clock} if clock else {}
    return RetryPolicy(sleep=sleeps.append, rand=lambda: 0.5, **settings, **extra)  # type: ignore[arg-type]


def client(handler: Handler, retry_policy: RetryPolicy) -> DcsClient:
    return DcsClient(credentials=CREDENTIALS, retry_policy=retry_policy, transport=httpx.MockTransport(handler))


def fetch(handler: Handler, retry_policy: RetryPolicy) -> int | None:
    return client(handler, retry_policy).show_background_task_progress(INSTANCE, TASK).progress


def test_5xx_and_429_are_retried_with_exponential_full_jitter() -> None:
    seen: list[httpx.Request] = []
    sleeps: list[float] = []
    assert fetch(scripted(503, 429, 520, 200, seen=seen), policy(sleeps, max_retries=3, initial_delay=1)) == 30
    assert len(seen) == 4
    assert sleeps == [0.5 * 1, 0.5 * 2, 0.5 * 4]


def test_backoff_is_capped_by_max_delay() -> None:
    capped = RetryPolicy(max_retries=10, initial_delay=1, max_delay=5)
    assert [capped.backoff(n, lambda: 1.0) for n in range(5)] == [1, 2, 4, 5, 5]


def test_retries_are_bounded_and_the_last_response_decides() -> None:
    seen: list[httpx.Request] = []
    sleeps: list[float] = []
    with pytest.raises(InternalServerError):
        fetch(scripted(500, 500, 500, seen=seen), policy(sleeps, max_retries=2))
    assert len(seen) == 3
    assert len(sleeps) == 2


def test_max_retries_zero_turns_retries_off() -> None:
    seen: list[httpx.Request] = []
    sleeps: list[float] = []
    with pytest.raises(InternalServerError, match="503"):
        fetch(scripted(503, seen=seen), policy(sleeps, max_retries=0))
    assert len(seen) == 1
    assert sleeps == []


def test_4xx_other_than_429_and_non_idempotent_methods_are_not_retried() -> None:
    seen: list[httpx.Request] = []
    sleeps: list[float] = []
    transport = httpx.MockTransport(scripted(404, 503, seen=seen))
    with httpx.Client(transport=transport, base_url="https://dcs.test") as http:
        retry_policy = policy(sleeps)
        assert call_with_retries(retry_policy, "GET", "GET /", lambda: http.get("/")).status_code == 404
        assert call_with_retries(retry_policy, "POST", "POST /", lambda: http.post("/")).status_code == 503
    assert len(seen) == 2
    assert sleeps == []


def test_connection_errors_are_retried_then_raised_as_typed_errors() -> None:
    seen: list[httpx.Request] = []
    sleeps: list[float] = []
    errors = [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("closed")]
    assert fetch(scripted(*errors, 200, seen=seen), policy(sleeps, max_retries=3)) == 30
    with pytest.raises(APIConnectionError, match="RemoteProtocolError"):
        fetch(scripted(*errors, seen=seen), policy(sleeps, max_retries=2))


def test_a_body_cut_off_mid_way_is_retried() -> None:
    seen: list[httpx.Request] = []
    sleeps: list[float] = []
    assert fetch(scripted("broken", "broken", 200, seen=seen), policy(sleeps, max_retries=2)) == 30
    assert len(seen) == 3
    with pytest.raises(APIConnectionError, match="complete message body"):
        fetch(scripted("broken", seen=seen), policy(sleeps, max_retries=0))


def test_a_body_cut_off_by_a_real_server_is_retried() -> None:
    """Over loopback: the first answer promises 500 bytes and closes after a few; the second is whole."""
    body = b'{"progress": 7}'
    answers = [
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n" + body[:5],
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
        % (len(body), body),
    ]
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        for answer in answers:
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    endpoint = f"http://127.0.0.1:{listener.getsockname()[1]}"
    sleeps: list[float] = []
    with DcsClient(endpoint=endpoint, credentials=CREDENTIALS, retry_policy=policy(sleeps)) as real:
        assert real.show_background_task_progress(INSTANCE, TASK).progress == 7
    thread.join(timeout=5)
    listener.close()
    assert len(sleeps) == 1


def test_retry_after_seconds_and_http_date_are_honoured() -> None:
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    seen: list[httpx.Request] = []
    sleeps: list[float] = []
    assert fetch(scripted(429, 200, seen=seen, headers={"Retry-After": "7"}), policy(sleeps)) == 30
    date = format_datetime(now + datetime.timedelta(seconds=12), usegmt=True)
    assert fetch(scripted(503, 200, seen=seen, headers={"Retry-After": date}), policy(sleeps, now.timestamp)) == 30
    assert sleeps == [7.0, 12.0]


def test_retry_after_beyond_max_delay_ends_the_retries() -> None:
    seen: list[httpx.Request] = []
    sleeps: list[float] = []
    with pytest.raises(RateLimitError):
        fetch(scripted(429, 200, seen=seen, headers={"Retry-After": "3600"}), policy(sleeps, max_delay=60))
    assert sleeps == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("soon", None), ("-5", 0.0), ("2.5", 2.5), ("Thu, 01 Jan 2026 00:00:30 GMT", 30.0)],
)
def test_retry_after_parsing(value: str | None, expected: float | None) -> None:
    assert retry_after_seconds(value, datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC).timestamp()) == expected


def test_every_attempt_is_signed_afresh() -> None:
    seen: list[httpx.Request] = []
    moments = iter(datetime.datetime(2026, 1, 1, 0, 0, s, tzinfo=datetime.UTC) for s in range(10))
    signed = client(scripted(503, 503, 200, seen=seen), RetryPolicy(sleep=lambda _: None))
    signed.auth = AkSkAuth(CREDENTIALS, clock=lambda: next(moments))
    assert signed.show_background_task_progress(INSTANCE, TASK).progress == 30
    assert [request.headers["X-Sdk-Date"] for request in seen] == [
        "20260101T000000Z",
        "20260101T000001Z",
        "20260101T000002Z",
    ]
    assert len({request.headers["Authorization"] for request in seen}) == 3


def test_async_client_retries_with_async_sleep_and_broken_bodies() -> None:
    seen: list[httpx.Request] = []
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def run() -> int | None:
        retry_policy = RetryPolicy(initial_delay=2, max_retries=3, async_sleep=sleep, rand=lambda: 0.25)
        handler = scripted(httpx.ConnectError("x"), 502, "broken", 200, seen=seen)
        async with AsyncDcsClient(
            credentials=CREDENTIALS, retry_policy=retry_policy, transport=httpx.MockTransport(handler)
        ) as async_client:
            return (await async_client.show_background_task_progress(INSTANCE, TASK)).progress

    assert asyncio.run(run()) == 30
    assert sleeps == [0.5, 1.0, 2.0]


def test_negative_policy_values_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        RetryPolicy(max_retries=-1)
