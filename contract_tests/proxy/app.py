"""The ASGI app, one request at a time: read it whole, check the client's own signature, refuse it when
read-only and state-changing, wait its turn (RATE_LIMIT), re-sign it, forward it, and stream the upstream's
answer back as it arrives; when the exchange ends, queue it for the observers.

What the client gets is the upstream's answer unchanged (status, headers but the hop-by-hop ones, every body
byte, as they come), except the proxy's own documented answers (``answers.py``): 403 ``PROXY.403`` for a
refused state-changing request, 502 ``PROXY.502`` when the upstream gives no answer. An answer that breaks
off mid-body is cut off for the client too. A client that leaves ends its exchange (the upstream request is
cancelled).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import httpx
from dcs_tasks.lib.errors import DcsError
from starlette.types import Receive, Scope, Send

from . import answers
from .config import STATE_CHANGING, ProxySettings
from .exchange import (
    Answer,
    AnswerSource,
    ClientAuth,
    ClientAuthKind,
    Exchange,
    Finding,
    FindingKind,
    ForwardedRequest,
    Outcome,
    ReceivedRequest,
    Timings,
)
from .forward import Upstream
from .headers import HeaderPairs, end_to_end, first, joined
from .observers import Observers
from .pacing import Pacer
from .signer import Keys, check_client, current_keys, resign

log = logging.getLogger("contract_tests.proxy")
# Not passed on as received: the upstream leg has its own Host and Content-Length, and the body is read
# already, so an Expect: 100-continue has been answered.
RECOMPUTED = frozenset({"host", "content-length", "expect"})
SIGNATURE_FINDINGS = (ClientAuthKind.INVALID, ClientAuthKind.MALFORMED)
UNCHECKED = ClientAuth(ClientAuthKind.UNSIGNED)  # until the request's credentials are looked at


class ClientDisconnectedError(Exception):
    """The client disconnected before its request was read."""


@dataclass
class Pending:
    """An exchange while it happens; ``finish`` freezes it into the ``Exchange`` the observers get."""

    number: int
    request: ReceivedRequest
    started: float  # monotonic
    started_at: float  # epoch
    request_read: float
    client_auth: ClientAuth = UNCHECKED
    findings: list[Finding] = field(default_factory=list)
    forwarded: ForwardedRequest | None = None
    queued: float = 0.0
    sent: float | None = None
    answered: float | None = None
    answer: Answer | None = None  # the answer's head; its body is ``chunks``
    chunks: list[bytes] = field(default_factory=list)
    complete: bool = False  # the answer's last byte was handed to the client
    outcome: Outcome | None = None  # set when it ended otherwise than as forwarded or abandoned
    error: str | None = None

    def finish(self, finished: float) -> Exchange:
        answer = self.answer
        if answer is not None and answer.source is AnswerSource.UPSTREAM:
            answer = Answer(answer.source, answer.status, answer.headers, b"".join(self.chunks), answer.http_version)
        outcome = self.outcome or (Outcome.FORWARDED if self.complete else Outcome.ABANDONED)
        timings = Timings(self.started_at, self.request_read, self.queued, self.sent, self.answered, finished)
        return Exchange(
            self.number,
            self.request,
            self.client_auth,
            self.forwarded,
            answer,
            outcome,
            timings,
            tuple(self.findings),
            self.error,
        )


class ProxyApp:
    """The proxy as a raw ASGI app (no framework objects: headers and bytes pass through as they are)."""

    def __init__(
        self,
        settings: ProxySettings,
        upstream: Upstream,
        pacer: Pacer,
        observers: Observers,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_time: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._upstream = upstream
        self._pacer = pacer
        self._observers = observers
        self._clock = clock
        self._wall_time = wall_time
        self._numbers = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # lifespan is off, and the API has no websockets
        started, started_at, number = self._clock(), self._wall_time(), next(self._numbers)
        try:
            request = await read_request(scope, receive)
        except ClientDisconnectedError:
            return
        pending = Pending(number, request, started, started_at, self._clock() - started)
        try:
            await self._handle(pending, receive, send)
        except Exception as error:  # a bug of the proxy's must cost the client neither an answer nor the exchange
            log.exception("proxy error on %s %s", request.method, request.target)
            reason = f"the proxy failed: {type(error).__name__}: {error}"
            self._failed(pending, Outcome.FAILED, FindingKind.PROXY_ERROR, reason, reason)
            if pending.answer is None:  # else the answer has begun: the server cuts it off
                await self._answer(pending, send, answers.not_forwarded(reason))
        finally:
            self._observers.exchange(pending.finish(self._clock() - started))

    async def _handle(self, pending: Pending, receive: Receive, send: Send) -> None:
        request = pending.request
        pending.client_auth = check_client(await self._keys_if_any(), request, self._wall_time())
        if pending.client_auth.kind in SIGNATURE_FINDINGS:
            self._find(
                pending, FindingKind.CLIENT_SIGNATURE, f"the client's signature is wrong: {pending.client_auth.problem}"
            )
        if self._settings.read_only and request.method in STATE_CHANGING:
            self._find(
                pending, FindingKind.STATE_CHANGING_REFUSED, f"read-only: {request.method} refused (403 PROXY.403)"
            )
            pending.outcome = Outcome.REFUSED
            await self._answer(pending, send, answers.refused(request.method))
            return
        await until_client_leaves(self._forward(pending, send), receive, pending)

    async def _keys_if_any(self) -> Keys | None:
        """The keys to check a client's signature with; None when they cannot be had (the forward will say why)."""
        try:
            return await current_keys(self._settings.credentials.value)
        except DcsError:
            return None

    async def _forward(self, pending: Pending, send: Send) -> None:
        request = pending.request
        pending.queued = await self._pacer.turn()
        try:
            keys = await current_keys(self._settings.credentials.value)  # again: a refresh may be due after queueing
            url = self._upstream.url_for(request.target)
            headers = resign(keys, request.method, url, forwardable(request), request.body)
        except (DcsError, ValueError, httpx.InvalidURL) as error:  # no keys to sign with; a target httpx refuses
            reason = f"{type(error).__name__}: {error}"
            self._failed(pending, Outcome.FAILED, FindingKind.PROXY_ERROR, reason, f"not forwarded: {reason}")
            await self._answer(pending, send, answers.not_forwarded(reason))
            return
        pending.forwarded = ForwardedRequest(request.method, url, tuple(headers.items()), request.body)
        pending.sent = self._since(pending)
        try:
            response = await self._upstream.send(request.method, url, headers, request.body)
        except httpx.HTTPError as error:  # refused, reset, timed out, DNS, TLS, a malformed answer head
            reason, upstream = describe(error), self._upstream.base_url
            self._failed(
                pending,
                Outcome.UNREACHABLE,
                FindingKind.UPSTREAM_UNREACHABLE,
                reason,
                f"no answer from {upstream}: {reason}",
            )
            await self._answer(pending, send, answers.unreachable(self._upstream.base_url, reason))
            return
        try:
            await self._relay(pending, response, send)
        finally:
            await response.aclose()

    async def _relay(self, pending: Pending, response: httpx.Response, send: Send) -> None:
        """The upstream's answer to the client, each chunk as it arrives."""
        pending.answered = self._since(pending)
        received = tuple((name.decode("latin-1"), value.decode("latin-1")) for name, value in response.headers.raw)
        pending.answer = Answer(AnswerSource.UPSTREAM, response.status_code, received, b"", response.http_version)
        await send(
            {"type": "http.response.start", "status": response.status_code, "headers": wire(end_to_end(received))}
        )
        try:
            async for chunk in response.aiter_raw():
                pending.chunks.append(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except httpx.HTTPError as error:
            # Leave the answer unfinished: the server then cuts the client's connection, as the upstream cut ours.
            reason, arrived = describe(error), sum(map(len, pending.chunks))
            message = f"the answer broke off after {arrived} bytes: {reason}"
            self._failed(pending, Outcome.INTERRUPTED, FindingKind.UPSTREAM_INTERRUPTED, reason, message)
            return
        pending.complete = True
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _answer(self, pending: Pending, send: Send, answer: Answer) -> None:
        """One of the proxy's own answers, whole."""
        pending.answer = answer
        pending.complete = True
        await send({"type": "http.response.start", "status": answer.status, "headers": wire(answer.headers)})
        await send({"type": "http.response.body", "body": answer.body, "more_body": False})

    def _failed(self, pending: Pending, outcome: Outcome, kind: FindingKind, reason: str, message: str) -> None:
        """The exchange ends otherwise than forwarded: why (``reason``, kept in the exchange) and the finding."""
        pending.outcome, pending.error = outcome, reason
        self._find(pending, kind, message)

    def _find(self, pending: Pending, kind: FindingKind, message: str) -> None:
        finding = Finding(kind, pending.number, pending.request.method, pending.request.target, message)
        pending.findings.append(finding)
        self._observers.finding(finding)

    def _since(self, pending: Pending) -> float:
        return self._clock() - pending.started


async def read_request(scope: Scope, receive: Receive) -> ReceivedRequest:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnectedError
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    peer = scope.get("client")
    return ReceivedRequest(
        method=scope["method"],
        raw_path=(scope.get("raw_path") or scope["path"].encode("utf-8")).decode("latin-1"),
        raw_query=scope.get("query_string", b"").decode("latin-1"),
        headers=tuple((name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]),
        body=b"".join(chunks),
        client=f"{peer[0]}:{peer[1]}" if peer else "",
        http_version=scope.get("http_version", "1.1"),
    )


def forwardable(request: ReceivedRequest) -> dict[str, str]:
    """The client's end-to-end headers (repeats joined), to be re-signed; ``Content-Length`` from the body read."""
    headers = {name: value for name, value in joined(end_to_end(request.headers)).items() if name not in RECOMPUTED}
    if request.body or first(request.headers, "content-length") is not None:
        headers["content-length"] = str(len(request.body))
    return headers


async def until_client_leaves(work: Coroutine[Any, Any, None], receive: Receive, pending: Pending) -> None:
    """Run ``work``, cancelling it if the client disconnects before its answer is complete."""
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(_disconnected(receive))
    try:
        await asyncio.wait((task, watcher), return_when=asyncio.FIRST_COMPLETED)
        if not task.done() and not pending.complete:  # the client left (not the server ending a complete answer)
            task.cancel()
        await asyncio.wait((task,))  # until it has ended, whichever way
        if not task.cancelled():
            task.result()  # the work's own failure is the caller's
    finally:
        task.cancel()
        watcher.cancel()


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def wire(headers: HeaderPairs) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]


def describe(error: httpx.HTTPError) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
