"""Serving the app with uvicorn (uvloop + httptools): in the foreground, or in a thread for tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

_SERVER_OPTIONS: dict[str, Any] = {
    "loop": "uvloop",
    "http": "httptools",
    "lifespan": "off",
    "access_log": False,
    "server_header": False,
    "date_header": False,
}


def config(app: Any, host: str, port: int, log_level: str = "warning") -> uvicorn.Config:  # noqa: ANN401
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, **_SERVER_OPTIONS)


@contextmanager
def serve_in_thread(app: Any, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:  # noqa: ANN401
    """Serve ``app`` on a background thread; yields the base URL (port 0 = a free port)."""
    server = uvicorn.Server(config(app, host, port, log_level="critical"))
    thread = threading.Thread(target=server.run, name="dcs-emulator", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"emulator did not start on {host}:{port}")
        time.sleep(0.01)
    bound_port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
