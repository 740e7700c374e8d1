"""The seam where the proxy's exchanges and findings are judged and reported: ``ExchangeObserver``.

The proxy never calls an observer itself. ``Observers`` queues each event and one worker thread hands them
to every observer in order, so an observer may take its time (judge a body against the spec, write a
report) without delaying any client, and an observer that raises is logged and skipped, never felt by a
client. ``stop`` waits until every queued event has been handed over, then ends with ``on_stop``.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable
from typing import Protocol

from .exchange import Exchange, Finding, ProxyRun

log = logging.getLogger("contract_tests.proxy")


class ExchangeObserver(Protocol):
    """What the proxy tells. Every method does nothing unless overridden: subclass and override the ones you need.

    Called on the observers' thread, one event at a time, in this order: ``on_start``; then, as they happen,
    each finding (a finding before the exchange it belongs to) and each exchange once it has ended (in the
    order they end); ``on_stop`` last, after every exchange.
    """

    def on_start(self, run: ProxyRun) -> None:  # noqa: ARG002 - a no-op default
        """The proxy listens (``run.url``) and forwards to ``run.upstream``."""
        return None

    def on_finding(self, finding: Finding) -> None:  # noqa: ARG002 - a no-op default
        """Something the proxy itself noticed (a client signing wrongly, an unreachable upstream, a refusal)."""
        return None

    def on_exchange(self, exchange: Exchange) -> None:  # noqa: ARG002 - a no-op default
        """One exchange has ended: the client's request, the forwarded one, the answer with every byte, timings."""
        return None

    def on_stop(self, run: ProxyRun, elapsed: float) -> None:  # noqa: ARG002 - a no-op default
        """The proxy has stopped after ``elapsed`` seconds and every exchange has been handed over."""
        return None


Event = Callable[[ExchangeObserver], None]


class Observers:
    """Fans events out to ``observers`` on a worker thread of its own (started by ``start``)."""

    def __init__(self, observers: Iterable[ExchangeObserver]) -> None:
        self.observers = tuple(observers)
        self.errors = 0  # observer calls that raised
        self._queue: queue.SimpleQueue[Event | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name="proxy-observers", daemon=True)

    def start(self, run: ProxyRun) -> None:
        self._thread.start()
        self._queue.put(lambda observer: observer.on_start(run))

    def finding(self, finding: Finding) -> None:
        self._queue.put(lambda observer: observer.on_finding(finding))

    def exchange(self, exchange: Exchange) -> None:
        self._queue.put(lambda observer: observer.on_exchange(exchange))

    def stop(self, run: ProxyRun, elapsed: float) -> None:
        """Hand over what is queued, then ``on_stop``; returns when every observer has had it."""
        self._queue.put(lambda observer: observer.on_stop(run, elapsed))
        self._queue.put(None)
        if self._thread.ident is None:  # stopped before it started: still tell the observers
            self._thread.start()
        self._thread.join()

    def _work(self) -> None:
        while (event := self._queue.get()) is not None:
            for observer in self.observers:
                try:
                    event(observer)
                except Exception:  # an observer's bug is its own: the others, and the proxy, go on
                    self.errors += 1
                    log.exception("proxy observer %r failed", observer)
