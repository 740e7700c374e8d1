"""Hostile requests over a real socket: each gets a 4xx with the documented body, and the server lives on."""

from __future__ import annotations

import asyncio
import json
import socket

import httpx
import pytest

from contract_tests.emulator import Scenario, TaskRef
from tests.emulator.conftest import Running
from tests.emulator.helpers import (
    SpecOracle,
    failing_progress,
    progress_path,
    signed_headers,
    spend_progress_throttles,
)


def raw_exchange(running: Running, request: bytes) -> httpx.Response:
    """Send bytes as they are (no client normalisation) and parse the one response."""
    with socket.create_connection(("127.0.0.1", running.port), timeout=10) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = [(name, value) for name, _, value in (line.partition(": ") for line in header_lines)]
    return httpx.Response(int(status_line.split()[1]), headers=headers, content=body)


def get_request(path: bytes, *extra_headers: bytes) -> bytes:
    return b"\r\n".join([b"GET " + path + b" HTTP/1.1", b"Host: x", *extra_headers, b"Connection: close", b"", b""])


def demo_token(scenario: Scenario) -> bytes:
    return b"X-Auth-Token: " + str(scenario.demo.token).encode()


HOSTILE_PATHS = [
    b"/v2/" + b"a" * 8000 + b"/instances/i/tasks/t/progress",  # oversized ID
    b"/v2/%2e%2e%2f%2e%2e/instances/i/tasks/t/progress",  # encoded traversal
    b"/v2/p%2Fq/instances/i/tasks/t/progress",  # encoded slash stays in its segment
    b"/v2/%00/instances/i/tasks/t/progress",  # NUL
    b"/v2/%zz%/instances/i/tasks/t/progress",  # broken escapes
    b"/v2/%C0%AF/instances/i/tasks/t/progress",  # overlong UTF-8
    b"/v2/%252F/instances/i/tasks/t/progress",  # double encoding
    b"/v2/%E4%B8%AD%E6%96%87/instances/i/tasks/t/progress",  # unicode
    b"/v2/\xe4\xb8\xad/instances/i/tasks/t/progress",  # raw UTF-8 bytes in the request line
    b"/v2/a4d31cb6-3d72-4fdc-8ec9-6e3a41e47f71%0A/instances/i/tasks/t/progress",  # trailing newline
    b"/v2/../v2/p/instances/i/tasks/t/progress",  # dot segments
    b"/" + b"x/" * 4000,  # very deep unknown path
]


@pytest.mark.parametrize("path", HOSTILE_PATHS, ids=range(len(HOSTILE_PATHS)))
def test_hostile_paths_get_documented_4xx(served: Running, scenario: Scenario, oracle: SpecOracle, path: bytes) -> None:
    for auth in ((), (demo_token(scenario),)):
        response = raw_exchange(served, get_request(path, *auth))
        assert response.status_code in {400, 401, 404}, (path[:80], response.status_code, response.content[:200])
        oracle.check(response)


@pytest.mark.parametrize(
    "header",
    [
        b"Authorization: " + b"A" * 60_000,
        b"Authorization: SDK-HMAC-SHA256 Access=\xff\xfe, SignedHeaders=host, Signature=" + b"0" * 64,
        b"Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-sdk-date, Signature=" + b"0" * 64,
        b"Authorization: Bearer \x01\x02",  # control bytes: the HTTP parser refuses it (400)
        b"Authorization: ",
        b"X-Auth-Token: \xe4\xb8\xad\xe6\x96\x87",
        b"X-Auth-Token: " + b"t" * 60_000,
        b"X-Sdk-Date: \xff",
        b"X-Huge: " + b"v" * 60_000,
    ],
    ids=range(9),
)
def test_garbage_and_huge_headers_get_a_documented_4xx(
    served: Running, example: TaskRef, oracle: SpecOracle, header: bytes
) -> None:
    response = raw_exchange(served, get_request(progress_path(example).encode(), header))
    unparseable = b"\x01" in header
    expected = (400, "DCS.4800") if unparseable else (401, "APIG.0301")
    assert (response.status_code, oracle.check(response)["error_code"]) == expected
    assert len(response.content) < 300  # nothing of the request is echoed


def test_signed_request_with_non_ascii_header_values_is_still_judged(
    served: Running, scenario: Scenario, example: TaskRef, oracle: SpecOracle
) -> None:
    path = progress_path(example)
    headers = signed_headers(scenario.demo, path, host=served.host)
    lines = [f"{name}: {value}".encode() for name, value in headers.items() if name != "Host"]
    response = raw_exchange(served, get_request(path.encode(), *lines, b"X-Note: caf\xc3\xa9"))
    assert response.status_code == 401  # the unsigned-at-signing header is part of the signed set now
    oracle.check(response)


@pytest.mark.usefixtures("scenario")
def test_oversized_body_is_refused(served: Running, example: TaskRef, oracle: SpecOracle) -> None:
    response = served.client.request("GET", progress_path(example), content=b"x" * (2 << 20))
    assert (response.status_code, oracle.check(response)["error_code"]) == (400, "DCS.4800")


def test_concurrent_mixed_requests_are_answered_consistently(
    served: Running, scenario: Scenario, oracle: SpecOracle
) -> None:
    tasks = scenario.known_tasks()
    expected: dict[str, int] = {}
    requests: list[tuple[str, dict[str, str]]] = []
    for task in tasks:
        path = progress_path(task)
        requests.append((path, signed_headers(scenario.demo, path, host=served.host)))
        expected[path] = 200 if scenario.demo.may_access(task.project_id) else 403
        if task in failing_progress(scenario):
            expected[path] = 500
    requests.append((progress_path(tasks[0]).replace(tasks[0].task_id, "bad"), {"X-Auth-Token": "nope"}))
    expected[requests[-1][0]] = 401
    spend_progress_throttles(served.client, scenario, served.host)
    reference = {path: served.client.get(path, headers=headers).content for path, headers in requests}

    async def hammer() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(base_url=served.base_url, limits=limits, timeout=30) as client:
            calls = [client.get(path, headers=headers) for _ in range(40) for path, headers in requests]
            return await asyncio.gather(*calls)

    responses = asyncio.run(hammer())
    assert len(responses) == 40 * len(requests)
    for response in responses:
        path = response.request.url.raw_path.decode()
        assert response.status_code == expected[path]
        body = oracle.check(response)
        if response.status_code == 200:  # the clock stands still: every answer is the same document
            assert body == json.loads(reference[path])
    assert len({response.headers["x-request-id"] for response in responses}) == len(responses)
