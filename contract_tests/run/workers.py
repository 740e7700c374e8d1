"""Concurrent sending (`Workers`, WORKERS=N): up to N requests of a run in flight at once, nothing else changed.

One lock, the run's, is held by whichever thread runs the run's own code (generating, judging, recording,
telling the observers) and let go only while a request waits on the wire (its turn under RATE_LIMIT, its
answer, a `Retry-After`: `record.transport`'s `wire`). So the checks, the report and the observers see one
thread at a time, as in a serial run, and need no lock of their own; what overlaps is the waiting, which is
what a far target costs. The GIL would serialise the rest anyway.

What is handed to the workers (`submit`, then `settle` in the order handed): each case of a read operation
(`SuiteRun.execute`), and each probe that cannot fail authentication (`phases.probes.runner`). What stays on
one thread, and why: the first verdict (it decides whether the run goes on), the probes that may fail
authentication (the lockout rule counts them in a row per AK: a correctly signed request must come between,
in order), the stateful phase (each step follows the answer before it) and the cases of state-changing
operations (a deletion changes what every concurrent read would answer). Those run with nothing else in flight.

Ours because Schemathesis' pytest integration has no workers (its CLI engine runs one operation per worker,
so no more workers than operations ever help).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from concurrent import futures

import requests

# Cases handed to the workers and not yet settled, per worker: enough that none waits for generation.
BACKLOG_PER_WORKER = 4


class Workers:
    """One run's worker threads and its lock (see the module)."""

    def __init__(self, count: int, main: requests.Session, new_session: Callable[[], requests.Session]) -> None:
        self.count = count
        self._main, self._new_session = main, new_session
        self._local = threading.local()  # a worker's own session
        self._sessions: list[requests.Session] = []  # the workers' sessions, closed with the run
        self._lock = threading.Lock()
        self._holder: int | None = None
        self._pool: futures.ThreadPoolExecutor | None = None
        self._pending: list[futures.Future[None]] = []

    @property
    def concurrent(self) -> bool:
        return self.count > 1

    # -- the run's lock ---------------------------------------------------------------------------

    def _take(self) -> None:
        self._lock.acquire()
        self._holder = threading.get_ident()

    def _give(self) -> bool:
        """Let go of the lock if this thread holds it; whether it did."""
        if self._holder != threading.get_ident():
            return False
        self._holder = None
        self._lock.release()
        return True

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        """The run is open on this thread (pytest's): it holds the lock but while waiting; at the end, what is still
        queued is dropped and what is on the wire finishes (Ctrl-C included), so the reports can be written."""
        if not self.concurrent:
            yield
            return
        self._pool = futures.ThreadPoolExecutor(self.count, thread_name_prefix="contract-worker")
        self._take()
        try:
            yield
        finally:
            for pending in self._pending:
                pending.cancel()
            self._give()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool, self._pending = None, []
            for session in self._sessions:
                session.close()
            self._sessions = []

    @contextlib.contextmanager
    def wire(self) -> Iterator[None]:
        """While a request of this thread waits (for its turn, its answer, a Retry-After), the others run."""
        released = self._give()
        try:
            yield
        finally:
            if released:
                self._take()

    def session(self) -> requests.Session:
        """The session of this thread: a worker's own, else the run's. Schemathesis empties a session's headers while
        it sends a case on it (`case.call`), so no two threads may share one."""
        own: requests.Session | None = getattr(self._local, "session", None)
        return own if own is not None else self._main

    # -- handing work over -------------------------------------------------------------------------

    def submit(self, job: Callable[[], None]) -> futures.Future[None]:
        """Run `job` on a worker, holding the run's lock but on the wire; with one worker, here and now."""
        if self._pool is None:
            done: futures.Future[None] = futures.Future()
            try:
                job()
            except Exception as error:  # handed to whoever settles it, as a worker's would be
                done.set_exception(error)
            else:
                done.set_result(None)
            return done
        while sum(not each.done() for each in self._pending) >= self.count * BACKLOG_PER_WORKER:
            self._wait(futures.FIRST_COMPLETED)

        def held() -> None:
            self._take()
            try:
                if getattr(self._local, "session", None) is None:
                    self._local.session = self._new_session()
                    self._sessions.append(self._local.session)
                job()
            finally:
                self._give()

        future = self._pool.submit(held)
        self._pending.append(future)
        with self.wire():
            time.sleep(0)  # a worker whose answer came may judge it now, between two cases generated here
        return future

    def _wait(self, return_when: str) -> None:
        with self.wire():
            futures.wait([each for each in self._pending if not each.done()], return_when=return_when)
        self._pending = [each for each in self._pending if not each.done()]

    def wait(self, handed: list[futures.Future[None]]) -> None:
        """Wait until every job of `handed` is done (the others run meanwhile)."""
        if self._pool is not None:
            with self.wire():
                futures.wait(handed)
            self._pending = [each for each in self._pending if not each.done()]

    def settle(self, handed: list[futures.Future[None]]) -> None:
        """Wait for `handed` (jobs of one test, in the order handed) and raise the first one's error, if any."""
        self.wait(handed)
        for future in handed:
            if not future.cancelled() and (error := future.exception()) is not None:
                raise error
