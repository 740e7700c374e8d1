"""The proxy on uvicorn: bound when built (so the port is known and a taken one fails at once), served in
the foreground (``run``) or on a thread (``running``), stopped by Ctrl-C, SIGTERM, ``DURATION`` or ``stop()``.

On stop, uvicorn lets in-flight exchanges finish (up to ``GRACE`` seconds), then the upstream's connections
close, the observers get every queued event and ``on_stop``. A second Ctrl-C cuts in-flight exchanges.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType

import httpx
import uvicorn

from .app import ProxyApp
from .config import ProxySettings
from .exchange import ProxyRun
from .forward import Upstream
from .observers import ExchangeObserver, Observers
from .pacing import Pacer

GRACE = 10  # seconds in-flight exchanges get to finish once the proxy is asked to stop


class _Server(uvicorn.Server):
    def handle_exit(self, sig: int, frame: FrameType | None) -> None:  # noqa: ARG002 - uvicorn's signature
        # uvicorn raises a caught Ctrl-C again once it has shut down (exit 130, no summary); the proxy stops
        # cleanly instead. A second Ctrl-C still forces the stop.
        self.force_exit = self.should_exit and sig == signal.SIGINT
        self.should_exit = True


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(2048)  # clients that connect before uvicorn serves wait in the backlog
    except OSError:
        sock.close()
        raise
    return sock


class ProxyServer:
    """One run of the proxy. Building it binds the socket (``OSError`` when the port is taken); ``url`` is then
    where clients send. ``transport`` replaces the upstream's network (tests)."""

    def __init__(
        self,
        settings: ProxySettings,
        observers: Sequence[ExchangeObserver] = (),
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self._socket = _listening_socket(settings.host, settings.port)
        host = f"[{settings.host.strip('[]')}]" if ":" in settings.host else settings.host
        self.url = f"http://{host}:{self._socket.getsockname()[1]}"
        self.observers = Observers(observers)
        self._upstream = Upstream(settings.upstream, timeout=settings.request_timeout, transport=transport)
        app = ProxyApp(settings, self._upstream, Pacer(settings.rate_limit), self.observers)
        config = uvicorn.Config(
            app,
            lifespan="off",
            access_log=False,
            server_header=False,  # the upstream's Server and Date headers pass unchanged; the proxy adds none
            date_header=False,
            log_level="warning",
            timeout_graceful_shutdown=GRACE,
        )
        self._server = _Server(config)
        self._loop_factory = config.get_loop_factory()

    def run(self) -> None:
        """Serve until stopped (blocking); the observers have had ``on_stop`` when it returns."""
        with asyncio.Runner(loop_factory=self._loop_factory) as runner:
            runner.run(self.serve())

    async def serve(self) -> None:
        settings = self.settings
        run = ProxyRun(
            self.url,
            settings.upstream,
            settings.describe_credentials(),
            settings.read_only,
            settings.rate_limit,
            time.time(),
        )
        started = time.monotonic()
        self.observers.start(run)
        timer = asyncio.get_running_loop().call_later(settings.duration, self.stop) if settings.duration else None
        try:
            async with self._upstream:
                await self._server.serve(sockets=[self._socket])
        finally:
            if timer is not None:
                timer.cancel()
            self._socket.close()
            elapsed = time.monotonic() - started
            await asyncio.to_thread(self.observers.stop, run, elapsed)

    def stop(self) -> None:
        """Ask the proxy to stop (from any thread); ``run`` returns once it has."""
        self._server.should_exit = True


@contextmanager
def running(
    settings: ProxySettings,
    observers: Sequence[ExchangeObserver] = (),
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Iterator[ProxyServer]:
    """The proxy served on a background thread while the block runs; stopped (and its observers told) on exit."""
    proxy = ProxyServer(settings, observers, transport=transport)
    thread = threading.Thread(target=proxy.run, name="dcs-proxy", daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.stop()
        thread.join(timeout=GRACE + 10)
