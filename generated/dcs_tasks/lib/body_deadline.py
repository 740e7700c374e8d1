"""A response body read before ``call_timeout`` passes.

httpx bounds each network read (``timeout=``), not a whole body: a server that trickles its answer a few bytes at
a time never trips a read timeout, and would stretch a call past ``call_timeout``. The body's stream is wrapped so
that after each chunk the call's deadline is looked at; once it has passed, the read ends as a read timeout the
call's error handling already turns into ``CallTimeoutError``. (Headers sent that slowly are not bounded this way.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx

from .deadline import Deadline


def _passed(deadline: Deadline, request: httpx.Request) -> None:
    if deadline.left() <= 0:
        deadline.limited = True
        raise httpx.ReadTimeout(f"call_timeout={deadline.seconds:g} s passed while the body was read", request=request)


class _SyncBody(httpx.SyncByteStream):
    def __init__(self, stream: httpx.SyncByteStream, deadline: Deadline, request: httpx.Request) -> None:
        self._stream, self._deadline, self._request = stream, deadline, request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            _passed(self._deadline, self._request)
            yield chunk

    def close(self) -> None:
        self._stream.close()


class _AsyncBody(httpx.AsyncByteStream):
    def __init__(self, stream: httpx.AsyncByteStream, deadline: Deadline, request: httpx.Request) -> None:
        self._stream, self._deadline, self._request = stream, deadline, request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            _passed(self._deadline, self._request)
            yield chunk

    async def aclose(self) -> None:
        await self._stream.aclose()


def read(response: httpx.Response, deadline: Deadline | None) -> httpx.Response:
    """Read a streamed response's body (within ``deadline``, when there is one); closes it either way."""
    if deadline is not None and isinstance(response.stream, httpx.SyncByteStream):
        response.stream = _SyncBody(response.stream, deadline, response.request)
    try:
        response.read()
    finally:
        response.close()
    return response


async def aread(response: httpx.Response, deadline: Deadline | None) -> httpx.Response:
    """The asynchronous ``read``."""
    if deadline is not None and isinstance(response.stream, httpx.AsyncByteStream):
        response.stream = _AsyncBody(response.stream, deadline, response.request)
    try:
        await response.aread()
    finally:
        await response.aclose()
    return response
