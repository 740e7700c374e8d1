"""The upstream leg: one pooled httpx client, keep-alive, redirects passed back rather than followed, answers
streamed as raw bytes (a gzip body stays gzip: the client asked for it, the client decodes it)."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Self

import httpx

# Enough for a busy client; more requests wait for a free connection (no pool timeout) rather than fail.
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)


class Upstream:
    """Where requests are forwarded; ``async with`` opens and closes its connections (in the serving loop)."""

    def __init__(self, base_url: str, *, timeout: float, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        base = httpx.URL(self.base_url)
        self._base = base.copy_with(raw_path=b"")
        self._prefix = base.raw_path.rstrip(b"/")  # a base URL with a path prefixes every request's
        self._timeout = httpx.Timeout(timeout, pool=None)
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Self:
        # Environment proxies (HTTPS_PROXY, NO_PROXY) apply, as they do to the SDK.
        self._client = httpx.AsyncClient(
            timeout=self._timeout, limits=LIMITS, follow_redirects=False, transport=self._transport
        )
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def url_for(self, target: str) -> str:
        """The upstream URL of a request target (path and query) exactly as the client sent it."""
        return str(self._base.copy_with(raw_path=self._prefix + target.encode("ascii")))

    async def send(self, method: str, url: str, headers: Mapping[str, str], body: bytes) -> httpx.Response:
        """Send exactly these headers (httpx adds only ``Content-Length`` for a body) and return once the
        status and headers are in; the body is read with ``aiter_raw`` and the response closed by the caller."""
        if self._client is None:
            raise RuntimeError("Upstream is not open: use `async with`")
        wire = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]
        request = httpx.Request(method, url, headers=wire, content=body)
        return await self._client.send(request, stream=True)
