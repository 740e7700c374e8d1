"""Upstreams the emulator cannot play: one that echoes what it received, one that trickles its body; and a wrapper
that counts what reaches an upstream."""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import asdict, dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

# What the echo upstream answers besides the echo: end-to-end headers the client must get as they are
# (a repeated Set-Cookie, its own Server and Date), and hop-by-hop ones it must not.
ECHO_HEADERS = [
    (b"content-type", b"application/json; charset=utf-8"),
    (b"x-custom", b"kept"),
    (b"set-cookie", b"a=1; Path=/"),
    (b"set-cookie", b"b=2; Path=/"),
    (b"server", b"echo-stub/1"),
    (b"date", b"Wed, 01 May 2024 12:00:00 GMT"),
    (b"keep-alive", b"timeout=5"),
    (b"connection", b"keep-alive, x-hop"),
    (b"x-hop", b"only for the next hop"),
]


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


@dataclass(frozen=True)
class Seen:
    """A request as the echo upstream received it."""

    method: str
    raw_path: str
    query: str
    headers: list[tuple[str, str]]  # in order, names lower-cased by the server
    body: bytes

    def answer(self) -> bytes:
        """The echo's body: this request as JSON."""
        return json.dumps({**asdict(self), "body": self.body.decode("latin-1")}).encode()


class Echo:
    """Answers 200 with what it received: method, raw path, query, headers (in order) and body."""

    def __init__(self) -> None:
        self.received: list[Seen] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        seen = Seen(
            scope["method"],
            scope["raw_path"].decode("latin-1"),
            scope["query_string"].decode("latin-1"),
            [(name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]],
            await _body(receive),
        )
        self.received.append(seen)
        body = seen.answer()
        headers = [*ECHO_HEADERS, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class Trickle:
    """Sends the head and a first chunk at once, the rest only once the test ``release``s it (chunked)."""

    FIRST = b'{"progress": 30, "step_details": ['
    REST = b'{"step_name": "slow"}]}'

    def __init__(self) -> None:
        self.release = threading.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: ARG002 - ASGI's signature
        await _body(receive)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": self.FIRST, "more_body": True})
        await asyncio.to_thread(self.release.wait, 20)
        await send({"type": "http.response.body", "body": self.REST})


class Counting:
    """An ASGI app in front of another that counts the HTTP requests reaching it, by method and raw path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.requests: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.requests.append(f"{scope['method']} {scope['raw_path'].decode('latin-1')}")
        await self.app(scope, receive, send)
