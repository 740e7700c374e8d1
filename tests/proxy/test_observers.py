"""The observer seam: events arrive in order, off the hot path (a slow or failing observer never touches a
client's answer)."""

from __future__ import annotations

import threading

import httpx

from contract_tests.proxy import Exchange, ExchangeObserver
from tests.proxy.conftest import Emulated, Recorder, progress_path, proxy_for


class Blocked(ExchangeObserver):
    """Stuck on its first exchange until the test releases it, as heavy judging might be (only ``on_exchange``
    is overridden: the rest are the seam's no-op defaults)."""

    def __init__(self) -> None:
        self.seen: list[int] = []
        self.busy = threading.Event()
        self.release = threading.Event()

    def on_exchange(self, exchange: Exchange) -> None:
        self.busy.set()
        assert self.release.wait(10)
        self.seen.append(exchange.number)


class Broken(ExchangeObserver):
    def on_exchange(self, exchange: Exchange) -> None:
        raise RuntimeError(f"an observer's bug, on exchange {exchange.number}")


def test_a_slow_or_failing_observer_never_delays_or_alters_an_answer(upstream: Emulated, recorder: Recorder) -> None:
    blocked, url = Blocked(), progress_path(upstream.scenario)
    with proxy_for(upstream.environ, Broken(), blocked, recorder) as proxy, httpx.Client(timeout=10) as client:
        first = client.get(proxy.url + url)
        assert blocked.busy.wait(5)  # the observer is stuck on the first exchange…
        answers = [client.get(proxy.url + url) for _ in range(3)]  # … while three more are answered
        assert blocked.seen == []
        blocked.release.set()
    assert [answer.content for answer in answers] == [first.content] * 3
    # Stopping waited for every queued event: the blocked observer saw all four, the recorder after the broken one.
    assert blocked.seen == [1, 2, 3, 4]
    assert proxy.observers.errors == 4
    assert recorder.events == ["start", "exchange 1", "exchange 2", "exchange 3", "exchange 4", "stop"]


def test_findings_come_before_their_exchange(upstream: Emulated, recorder: Recorder) -> None:
    url = progress_path(upstream.scenario)
    with proxy_for(upstream.environ, recorder) as proxy, httpx.Client(timeout=10) as client:
        assert client.get(proxy.url + url).status_code == 200
        assert client.delete(proxy.url + url).status_code == 403
        assert client.get(proxy.url + url, headers={"Authorization": "garbled"}).status_code == 200
    events = recorder.events
    assert events[0] == "start"
    assert events[-1] == "stop"
    assert len(events) == 7
    # Each finding before its own exchange (another exchange may end in between: the next request on a
    # kept-alive connection can start while the last one is handed over).
    assert events.index("finding 2") < events.index("exchange 2")
    assert events.index("finding 3") < events.index("exchange 3")
    assert "exchange 1" in events
    assert recorder.run is not None
    assert recorder.run.url == proxy.url
    assert recorder.run.read_only
    assert recorder.stopped_after is not None
    assert recorder.stopped_after > 0
