"""Retries: backoff with full jitter, Retry-After, bounds, idempotency, re-signing, sync and async."""

from __future__ import annotations

import asyncio
import datetime
import time
from collections.abc import Callable
from email.utils import format_datetime

import httpx
import pytest
from dcs_sdk import AkSkAuth, AsyncRetryTransport, Credentials, RetryPolicy, RetryTransport
from dcs_sdk.lib.retry import retry_after_seconds

Handler = Callable[[httpx.Request], httpx.Response]
URL = "https://dcs.cn-north-4.myhuaweicloud.com/v2/p/instances/i/tasks/t/progress"


def scripted(*outcomes: int | Exception, seen: list[httpx.Request], headers: dict[str, str] | None = None) -> Handler:
    """A handler answering with the given statuses (or raising the given errors), in order."""
    queue = list(outcomes)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        outcome = queue.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return httpx.Response(outcome, headers=headers or {}, json={})

    return handle


def sync_client(
    handler: Handler, policy: RetryPolicy, sleeps: list[float], clock: Callable[[], float] = time.time
) -> httpx.Client:
    transport = RetryTransport(
        httpx.MockTransport(handler), policy=policy, sleep=sleeps.append, rand=lambda: 0.5, clock=clock
    )
    return httpx.Client(transport=transport)


def test_5xx_and_429_are_retried_with_exponential_full_jitter() -> None:
    seen: list[httpx.Request] = []
    sleeps: list[float] = []
    client = sync_client(scripted(503, 429, 520, 200, seen=seen), RetryPolicy(max_retries=3, initial_delay=1), sleeps)
    assert client.get(URL).status_code == 200
    assert len(seen) == 4
    assert sleeps == [0.5 * 1, 0.5 * 2, 0.5 * 4]


def test_backoff_is_capped_by_max_delay() -> None:
    policy = RetryPolicy(max_retries=10, initial_delay=1, max_delay=5)
    assert [policy.backoff(n, lambda: 1.0) for n in range(5)] == [1, 2, 4, 5, 5]


def test_retries_are_bounded_and_the_last_response_is_returned() -> None:
    seen: list[httpx.Request] = []
    sleeps: list[float] = []
    client = sync_client(scripted(500, 500, 500, seen=seen), RetryPolicy(max_retries=2), sleeps)
    assert client.get(URL).status_code == 500
    assert len(seen) == 3
    assert len(sleeps) == 2


def test_max_retries_zero_turns_retries_off() -> None:
    seen: list[httpx.Request] = []
    sleeps: list[float] = []
    client = sync_client(scripted(503, seen=seen), RetryPolicy(max_retries=0), sleeps)
    assert client.get(URL).status_code == 503
    assert len(seen) == 1
    assert sleeps == []


def test_4xx_other_than_429_and_non_idempotent_methods_are_not_retried() -> None:
    seen: list[httpx.Request] = []
    sleeps: list[float] = []
    client = sync_client(scripted(404, 503, seen=seen), RetryPolicy(), sleeps)
    assert client.get(URL).status_code == 404
    assert client.post(URL).status_code == 503
    assert len(seen) == 2
    assert sleeps == []


def test_connection_errors_are_retried_then_raised() -> None:
    seen: list[httpx.Request] = []
    sleeps: list[float] = []
    errors = [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("closed")]
    client = sync_client(scripted(*errors, 200, seen=seen), RetryPolicy(max_retries=3), sleeps)
    assert client.get(URL).status_code == 200
    client = sync_client(scripted(*errors, seen=seen), RetryPolicy(max_retries=2), sleeps)
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(URL)
    client = sync_client(scripted(httpx.ConnectError("refused"), seen=seen), RetryPolicy(), sleeps)
    with pytest.raises(httpx.ConnectError):
        client.post(URL)


def test_retry_after_seconds_and_http_date_are_honoured() -> None:
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    seen: list[httpx.Request] = []
    sleeps: list[float] = []
    client = sync_client(scripted(429, 200, seen=seen, headers={"Retry-After": "7"}), RetryPolicy(), sleeps)
    assert client.get(URL).status_code == 200
    date = format_datetime(now + datetime.timedelta(seconds=12), usegmt=True)
    client = sync_client(
        scripted(503, 200, seen=seen, headers={"Retry-After": date}), RetryPolicy(), sleeps, clock=now.timestamp
    )
    assert client.get(URL).status_code == 200
    assert sleeps == [7.0, 12.0]


def test_retry_after_beyond_max_delay_ends_the_retries() -> None:
    seen: list[httpx.Request] = []
    sleeps: list[float] = []
    handler = scripted(429, 200, seen=seen, headers={"Retry-After": "3600"})
    assert sync_client(handler, RetryPolicy(max_delay=60), sleeps).get(URL).status_code == 429
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
    auth = AkSkAuth(Credentials("ak", "sk", project_id="p"), clock=lambda: next(moments))
    transport = RetryTransport(
        httpx.MockTransport(scripted(503, 503, 200, seen=seen)), reauth=auth.apply, sleep=lambda _: None
    )
    snapshots: list[tuple[str, str]] = []
    original = transport.transport.handle_request

    def record(request: httpx.Request) -> httpx.Response:
        snapshots.append((request.headers["X-Sdk-Date"], request.headers["Authorization"]))
        return original(request)

    transport.transport.handle_request = record  # type: ignore[method-assign]
    assert httpx.Client(transport=transport, auth=auth).get(URL).status_code == 200
    assert [date for date, _ in snapshots] == ["20260101T000000Z", "20260101T000001Z", "20260101T000002Z"]
    assert len({authorization for _, authorization in snapshots}) == 3


def test_async_transport_retries_with_async_sleep() -> None:
    seen: list[httpx.Request] = []
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def run() -> int:
        transport = AsyncRetryTransport(
            httpx.MockTransport(scripted(httpx.ConnectError("x"), 502, 200, seen=seen)),
            policy=RetryPolicy(initial_delay=2),
            sleep=sleep,
            rand=lambda: 0.25,
        )
        async with httpx.AsyncClient(transport=transport) as client:
            return (await client.get(URL)).status_code

    assert asyncio.run(run()) == 200
    assert sleeps == [0.5, 1.0]


def test_negative_policy_values_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        RetryPolicy(max_retries=-1)
