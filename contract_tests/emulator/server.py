"""Serving the app with uvicorn (uvloop + httptools): in the foreground, or in a thread for tests."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from . import errors

MALFORMED_REQUEST = errors.ApiError(400, "DCS.4800", "Invalid HTTP request.")


class EmulatorHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, answering requests it cannot parse with the documented error body.

    A request line with raw non-ASCII bytes, say, never reaches the ASGI app; uvicorn would answer
    it with a plain-text 400.
    """

    def send_400_response(self, _msg: str) -> None:
        request_id = uuid.uuid4().hex
        body = MALFORMED_REQUEST.body(request_id)
        head = (
            "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\nx-request-id: {request_id}\r\nconnection: close\r\n\r\n"
        )
        self.transport.write(head.encode("ascii") + body)
        self.transport.close()


_SERVER_OPTIONS: dict[str, Any] = {
    "loop": "uvloop",
    "http": EmulatorHttpProtocol,
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
