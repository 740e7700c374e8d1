"""Loopback servers that misbehave, for the SDK's and the CLI's time limits and connection errors."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def _serving(
    handle: Callable[[socket.socket, threading.Event], None], accepted: list[float] | None = None
) -> Iterator[str]:
    """A loopback listener handing each connection to `handle` (with the event set when the server stops), until
    the block ends; yields its base URL. Every connection is closed at the end; `accepted`, if given, gets the
    `time.monotonic()` of each connection as it is accepted."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if accepted is not None:
                accepted.append(time.monotonic())
            held.append(connection)
            threading.Thread(target=handle, args=(connection, stop), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=2)
        for connection in held:
            connection.close()
        listener.close()


def _never_answer(_connection: socket.socket, _stop: threading.Event) -> None:
    """Hold the connection open, unanswered (`_serving` closes it at the end)."""


def hanging_server(accepted: list[float] | None = None) -> contextlib.AbstractContextManager[str]:
    """A server that accepts every connection and never answers (nor closes it); yields its base URL (`accepted`:
    as `_serving`'s)."""
    return _serving(_never_answer, accepted)


def trickling_server(interval: float = 0.2) -> contextlib.AbstractContextManager[str]:
    """A server that answers every request at once with 200 headers, then its JSON body one byte every `interval`
    seconds (a read timeout never trips); yields its base URL."""
    body = b'{"progress": 0, "remain_time": 0, "step_details": []}' + b" " * 4096
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)

    def trickle(connection: socket.socket, stop: threading.Event) -> None:
        try:
            connection.recv(65536)  # the request (small: one GET)
            connection.sendall(head)
            for byte in body:
                if stop.wait(interval):
                    return
                connection.sendall(bytes([byte]))
        except OSError:  # the client gave up, or the server stopped
            return

    return _serving(trickle)
