"""Time limits a user can predict: ``timeout=`` bounds each network wait, ``call_timeout=`` a whole call.

Against a loopback server that accepts connections and never answers, a call bounded by
``call_timeout=2`` and ``wait_for_background_task(timeout=2)`` both end within 3 s; retries and
their backoff never outlast the bound.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest
from dcs_tasks import (
    APITimeoutError,
    AsyncDcsClient,
    CallTimeoutError,
    DcsClient,
    InternalServerError,
    RetryPolicy,
    WaitTimeoutError,
)

from tests.stub_servers import hanging_server, trickling_server

from .conftest import CREDENTIALS, INSTANCE, TASK


@pytest.fixture
def hanging() -> Iterator[str]:
    with hanging_server() as url:
        yield url


@pytest.mark.slow  # waits on a server that never answers
def test_the_per_wait_timeout_alone_lets_retries_add_up(hanging: str) -> None:
    """What ``timeout=`` does not bound (the issue's "timeout=1 took 4 s"): two retries, three waits of 1 s."""
    policy = RetryPolicy(max_retries=2, initial_delay=0)
    with DcsClient(endpoint=hanging, credentials=CREDENTIALS, timeout=1, retry_policy=policy) as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as raised:
            client.show_background_task_progress(INSTANCE, TASK)
    assert 3 <= time.monotonic() - started < 5
    assert not isinstance(raised.value, CallTimeoutError)
    assert "within the read timeout" in str(raised.value)


@pytest.mark.slow  # waits on a server that never answers
@pytest.mark.parametrize("where", ["client", "call"])
def test_a_call_bounded_by_call_timeout_raises_within_its_bound(hanging: str, where: str) -> None:
    on_client, on_call = (2.0, None) if where == "client" else (None, 2.0)
    with DcsClient(endpoint=hanging, credentials=CREDENTIALS, call_timeout=on_client) as client:  # 2 retries
        started = time.monotonic()
        with pytest.raises(CallTimeoutError) as raised:
            client.show_background_task_progress(INSTANCE, TASK, call_timeout=on_call)
    elapsed = time.monotonic() - started
    assert 1.9 <= elapsed < 3, elapsed
    port = int(hanging.rsplit(":", 1)[1])
    assert (raised.value.host, raised.value.port) == ("127.0.0.1", port)
    assert f"no answer from 127.0.0.1:{port} within call_timeout=2 s" in str(raised.value)


@pytest.mark.slow  # waits on a server that never answers
def test_wait_for_background_task_raises_wait_timeout_within_a_second_of_its_timeout(hanging: str) -> None:
    with DcsClient(endpoint=hanging, credentials=CREDENTIALS) as client:
        started = time.monotonic()
        with pytest.raises(WaitTimeoutError) as raised:
            client.wait_for_background_task(INSTANCE, TASK, timeout=2)
    assert time.monotonic() - started < 3
    assert raised.value.response is None
    assert isinstance(raised.value.__cause__, CallTimeoutError)
    assert "no poll was answered" in str(raised.value)


@pytest.mark.slow  # waits on a server that never answers
@pytest.mark.parametrize(("bounded", "error"), [("call", CallTimeoutError), ("wait", WaitTimeoutError)])
def test_the_async_client_keeps_both_bounds(hanging: str, bounded: str, error: type[Exception]) -> None:
    async def run() -> None:
        async with AsyncDcsClient(endpoint=hanging, credentials=CREDENTIALS) as client:
            if bounded == "call":
                await client.show_background_task_progress(INSTANCE, TASK, call_timeout=2)
            else:
                await client.wait_for_background_task(INSTANCE, TASK, timeout=2)

    started = time.monotonic()
    with pytest.raises(error):
        asyncio.run(run())
    assert time.monotonic() - started < 3


@pytest.mark.slow  # reads a body sent one byte at a time
@pytest.mark.parametrize("client_kind", ["sync", "async"])
def test_a_body_trickled_a_byte_at_a_time_cannot_stretch_call_timeout(client_kind: str) -> None:
    """Each read gets a byte well within the read timeout, so only the call's own deadline can end it."""

    async def show_async(url: str) -> None:
        async with AsyncDcsClient(endpoint=url, credentials=CREDENTIALS) as client:
            await client.show_background_task_progress(INSTANCE, TASK, call_timeout=2)

    def show(url: str) -> None:
        if client_kind == "async":
            asyncio.run(show_async(url))
            return
        with DcsClient(endpoint=url, credentials=CREDENTIALS) as client:
            client.show_background_task_progress(INSTANCE, TASK, call_timeout=2)

    with trickling_server() as url:
        started = time.monotonic()
        with pytest.raises(CallTimeoutError) as raised:
            show(url)
    assert 1.9 <= time.monotonic() - started < 3
    assert "call_timeout=2 s passed while the body was read" in str(raised.value)


def test_backoff_never_sleeps_past_call_timeout() -> None:
    """A 503 asking for 5 s more: retried inside a 10-s bound, returned as is inside a 1-s bound."""
    sleeps: list[float] = []
    answers = [503, 503, 200]

    def handle(_request: httpx.Request) -> httpx.Response:
        status = answers.pop(0)
        return httpx.Response(status, json={"progress": 100} if status == 200 else {}, headers={"Retry-After": "5"})

    policy = RetryPolicy(sleep=sleeps.append)
    with DcsClient(transport=httpx.MockTransport(handle), credentials=CREDENTIALS, retry_policy=policy) as client:
        with pytest.raises(InternalServerError):
            client.show_background_task_progress(INSTANCE, TASK, call_timeout=1)
        assert sleeps == []
        assert client.show_background_task_progress(INSTANCE, TASK, call_timeout=10).progress == 100
    assert sleeps == [5.0]


def test_each_attempt_gets_only_what_is_left_of_the_call() -> None:
    seen: list[dict[str, float | None]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json={"progress": 1})

    with DcsClient(transport=httpx.MockTransport(handle), credentials=CREDENTIALS, timeout=30) as client:
        client.show_background_task_progress(INSTANCE, TASK, call_timeout=5)
        client.show_background_task_progress(INSTANCE, TASK)
    clamped, free = seen
    assert all(value is not None and 4 < value <= 5 for value in clamped.values()), clamped
    assert free == httpx.Timeout(30).as_dict()


def test_the_last_poll_at_the_deadline_is_given_a_grace_second() -> None:
    """The poll at the deadline is answered (not cut at zero): the wait ends with the answer it got."""
    bounds: list[float | None] = []

    def handle(request: httpx.Request) -> httpx.Response:
        bounds.append(request.extensions["timeout"]["read"])
        return httpx.Response(200, json={"progress": 10, "remain_time": 600})

    clock = [0.0]

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    with (
        DcsClient(transport=httpx.MockTransport(handle), credentials=CREDENTIALS) as client,
        pytest.raises(WaitTimeoutError) as raised,
    ):
        client.wait_for_background_task(INSTANCE, TASK, timeout=3, clock=lambda: clock[0], sleep=sleep)
    assert raised.value.response is not None
    assert raised.value.response.progress == 10
    assert len(bounds) == 2
    assert bounds[0] is not None
    assert 2.9 < bounds[0] <= 3
    assert bounds[1] is not None
    assert 0.9 < bounds[1] <= 1
