"""Networking a company can use: environment proxies, ``proxy=``, a caller's own ``http_client=``.

Everything runs over loopback: a stub DCS server and a small forward proxy that records what it
relays, so the tests see which requests really went through the proxy.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from dcs_tasks import APIConnectionError, AsyncDcsClient, DcsClient, RetryPolicy

from contract_tests.target.loopback import free_port

from .conftest import CREDENTIALS, INSTANCE, TASK, example_200


class Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.seen: list[dict[str, Any]] = []
        self.statuses: list[int] = []  # answered in order, then 200s
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class StubDcs(BaseHTTPRequestHandler):
    server: Recorder

    def do_GET(self) -> None:
        self.server.seen.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}})
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        body = json.dumps(example_200() if status == 200 else {"error_code": "DCS.5000", "error_msg": "busy"})
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Request-Id", f"req-{len(self.server.seen)}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


class ForwardProxy(BaseHTTPRequestHandler):
    """An HTTP forward proxy: takes absolute-form requests and relays them."""

    server: Recorder

    def do_GET(self) -> None:
        target = urlsplit(self.path)
        self.server.seen.append({"url": self.path})
        upstream = http.client.HTTPConnection(target.hostname or "", target.port, timeout=10)
        headers = {name: value for name, value in self.headers.items() if name.lower() != "proxy-connection"}
        upstream.request("GET", target.path + (f"?{target.query}" if target.query else ""), headers=headers)
        answer = upstream.getresponse()
        body = answer.read()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in {"transfer-encoding", "connection"}:
                self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        upstream.close()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def dcs() -> Iterator[Recorder]:
    server = Recorder(StubDcs)
    yield server
    server.shutdown()


@pytest.fixture
def proxy() -> Iterator[Recorder]:
    server = Recorder(ForwardProxy)
    yield server
    server.shutdown()


@pytest.fixture
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_proxy_environment")
def test_environment_proxies_are_honoured(dcs: Recorder, proxy: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    with DcsClient(endpoint=dcs.url, credentials=CREDENTIALS) as client:
        assert client.show_background_task_progress(INSTANCE, TASK).progress == 30
    assert proxy.seen == [{"url": f"{dcs.url}/v2/p1/instances/{INSTANCE}/tasks/{TASK}/progress"}]
    assert dcs.seen[0]["headers"]["authorization"].startswith("SDK-HMAC-SHA256 Access=AKEXAMPLE")


@pytest.mark.usefixtures("no_proxy_environment")
def test_no_proxy_bypasses_the_environment_proxy(
    dcs: Recorder, proxy: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with DcsClient(endpoint=dcs.url, credentials=CREDENTIALS) as client:
        client.show_background_task_progress(INSTANCE, TASK)
    assert proxy.seen == []
    assert len(dcs.seen) == 1


@pytest.mark.usefixtures("no_proxy_environment")
def test_an_explicit_proxy_and_the_async_client(dcs: Recorder, proxy: Recorder) -> None:
    async def run() -> int | None:
        async with AsyncDcsClient(endpoint=dcs.url, credentials=CREDENTIALS, proxy=proxy.url) as client:
            return (await client.show_background_task_progress(INSTANCE, TASK)).progress

    assert asyncio.run(run()) == 30
    assert len(proxy.seen) == 1


@pytest.mark.usefixtures("no_proxy_environment")
def test_a_callers_http_client_is_signed_retried_and_left_open(dcs: Recorder) -> None:
    dcs.statuses = [503]
    own = httpx.Client(headers={"X-Team": "cache"})
    no_wait = RetryPolicy(sleep=lambda _: None)
    with DcsClient(endpoint=dcs.url, credentials=CREDENTIALS, http_client=own, retry_policy=no_wait) as client:
        assert client.show_background_task_progress(INSTANCE, TASK).progress == 30
    assert len(dcs.seen) == 2, "the 503 was retried"
    final = dcs.seen[-1]["headers"]
    assert final["authorization"].startswith("SDK-HMAC-SHA256 Access=AKEXAMPLE")
    assert final["x-team"] == "cache"
    assert not own.is_closed, "the caller's client is the caller's to close"
    own.close()


def test_http_client_and_transport_are_exclusive() -> None:
    with pytest.raises(ValueError, match="http_client or transport"):
        DcsClient(credentials=CREDENTIALS, http_client=httpx.Client(), transport=httpx.HTTPTransport())


NO_RETRY = RetryPolicy(max_retries=0)


@pytest.mark.usefixtures("no_proxy_environment")
def test_connection_refused_names_the_host_and_port() -> None:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with (
        DcsClient(endpoint=endpoint, credentials=CREDENTIALS, retry_policy=NO_RETRY) as client,
        pytest.raises(APIConnectionError) as raised,
    ):
        client.show_background_task_progress(INSTANCE, TASK)
    error = raised.value
    assert f"cannot connect to 127.0.0.1:{port} (ConnectError: " in str(error)
    assert (error.host, error.port, error.proxy) == ("127.0.0.1", port, None)
    assert "proxy" not in str(error)


@pytest.mark.usefixtures("no_proxy_environment")
@pytest.mark.parametrize("configured", ["environment", "proxy="])
def test_a_refusing_proxy_is_named_as_the_proxy(
    configured: str, dcs: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy_port = free_port()
    proxy_url = f"http://127.0.0.1:{proxy_port}"
    if configured == "environment":
        monkeypatch.setenv("HTTP_PROXY", proxy_url)
    explicit = proxy_url if configured == "proxy=" else None
    with (
        DcsClient(endpoint=dcs.url, credentials=CREDENTIALS, retry_policy=NO_RETRY, proxy=explicit) as client,
        pytest.raises(APIConnectionError) as raised,
    ):
        client.show_background_task_progress(INSTANCE, TASK)
    target = dcs.url.removeprefix("http://")
    assert f"cannot connect to the proxy 127.0.0.1:{proxy_port} (used for {target})" in str(raised.value)
    assert raised.value.proxy == f"127.0.0.1:{proxy_port}"
    assert dcs.seen == []
