"""A loopback HTTP/1.1 front that sees header names as the client wrote them (`http_front`), for the servers an ASGI
wrapper cannot be: ASGI servers and the suite's in-process transport hand an app every name lower-cased, where a
Go or Java handler, or a gateway plug-in, may read them as sent. It answers 401 (the gateway's error body) to the
requests its `refuses` rule picks from their raw headers, and forwards every other, as it came, to the upstream
server (the emulator served on another loopback port)."""

from __future__ import annotations

import contextlib
import http.client
import http.server
import threading
import uuid
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from contract_tests.emulator import errors

RawHeaders = list[tuple[str, str]]  # as received: names in the client's case, in its order
Refuses = Callable[[RawHeaders], str | None]  # why the front refuses a request with these headers (None: it passes)
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})


def _handler(upstream: str, refuses: Refuses) -> type[http.server.BaseHTTPRequestHandler]:
    where = urlsplit(upstream)

    class Front(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the suite's session uses it

        def _handle(self) -> None:
            raw = list(self.headers.items())
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            why = refuses(raw)
            if why is not None:
                request_id = uuid.uuid4().hex
                self._answer(
                    401,
                    [("Content-Type", "application/json"), ("X-Request-Id", request_id)],
                    errors.unauthorized(why).body(request_id),
                )
                return
            connection = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port, timeout=30)
            try:
                connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in raw:
                    if name.lower() not in _HOP_BY_HOP:
                        connection.putheader(name, value)
                connection.putheader("Content-Length", str(len(body)))
                connection.endheaders(body)
                answer = connection.getresponse()
                content = answer.read()
                kept = [(name, value) for name, value in answer.getheaders() if name.lower() not in _HOP_BY_HOP]
                self._answer(answer.status, kept, content)
            finally:
                connection.close()

        def _answer(self, status: int, headers: RawHeaders, body: bytes) -> None:
            self.send_response_only(status)
            for name, value in headers:
                self.send_header(name, value)
            if status not in (204, 304):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD" and status not in (204, 304):
                self.wfile.write(body)

        def __getattr__(self, name: str) -> Callable[[], None]:
            # `do_GET`, `do_QUERY`, …: every method goes upstream, as a gateway passes it on.
            if name.startswith("do_"):
                return self._handle
            raise AttributeError(name)

        def log_message(self, *args: object) -> None:
            pass

    return Front


@contextlib.contextmanager
def http_front(upstream: str, refuses: Refuses) -> Iterator[str]:
    """The front on a free loopback port until the block ends; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(upstream, refuses))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="http-front", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
