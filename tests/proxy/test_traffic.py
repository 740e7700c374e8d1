"""The proxy under traffic: answers streamed as they arrive, RATE_LIMIT queueing without failing, and 200
concurrent exchanges each getting exactly its own answer, every one of them judged."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from dcs_tasks import AkSkAuth, Credentials

from contract_tests.emulator import FaultConfig, ManualClock, Scenario, create_app, emulator_of, parse_scenario
from contract_tests.emulator.server import serve_in_thread
from contract_tests.proxy import FindingKind, Outcome
from tests.proxy.conftest import ORIGIN, Emulated, Recorder, judged_proxy, progress_path, proxy_for
from tests.proxy.stubs import Trickle

CONCURRENT = 200
JUDGING_BOUND = 60  # seconds the judge may take, after the last answer, to judge what is queued and write the reports
AK, SK = "DCSPROXYLOADTESTAK01", "dcs-proxy-load-test-secret-key-000000001"
PROJECT, INSTANCE = "a4d31cb6-3d72-4fdc-8ec9-6e3a41e47f71", "5560df16-cebf-4473-95c4-d1b573c16e79"


@pytest.mark.slow
def test_the_answer_is_streamed_as_the_upstream_sends_it(upstream: Emulated, recorder: Recorder) -> None:
    trickle = Trickle()
    with serve_in_thread(trickle) as slow_url:
        environ = {**upstream.environ, "UPSTREAM": slow_url}
        with proxy_for(environ, recorder) as proxy, httpx.Client(timeout=5) as client:
            with client.stream("GET", proxy.url + "/v2/slow") as response:
                chunks = response.iter_raw()
                first = b""
                while len(first) < len(Trickle.FIRST):  # a proxy that buffered would time out here
                    first += next(chunks)
                assert first == Trickle.FIRST
                assert not trickle.release.is_set()
                trickle.release.set()
                rest = b"".join(chunks)
            assert response.headers["transfer-encoding"] == "chunked"  # as the upstream sent it: no length
            assert response.headers["content-type"] == "application/json"
    assert rest == Trickle.REST
    exchange = recorder.wait_for(1)[0]
    assert exchange.outcome is Outcome.FORWARDED
    assert exchange.answer is not None
    assert exchange.answer.body == Trickle.FIRST + Trickle.REST


def test_an_answer_that_breaks_off_is_cut_off_for_the_client_too(upstream: Emulated, recorder: Recorder) -> None:
    emulator_of(upstream.app).set_faults(FaultConfig(drop=1))  # a 500 head promising 64 bytes, then the socket closed
    url = progress_path(upstream.scenario)
    with (
        proxy_for(upstream.environ, recorder) as proxy,
        httpx.Client(timeout=10) as client,
        client.stream("GET", proxy.url + url) as response,
    ):
        assert response.status_code == 500
        assert response.headers["content-length"] == "64"
        with pytest.raises(httpx.RemoteProtocolError):
            response.read()
    exchange = recorder.wait_for(1)[0]
    assert exchange.outcome is Outcome.INTERRUPTED
    assert [finding.kind for finding in exchange.findings] == [FindingKind.UPSTREAM_INTERRUPTED]
    assert "broke off after 0 bytes" in exchange.findings[0].message


@pytest.mark.slow
def test_a_client_that_leaves_mid_answer_ends_the_upstream_request(upstream: Emulated, recorder: Recorder) -> None:
    trickle = Trickle()
    with serve_in_thread(trickle) as slow_url:
        try:
            with proxy_for({**upstream.environ, "UPSTREAM": slow_url}, recorder) as proxy:
                with httpx.Client(timeout=5) as client, client.stream("GET", proxy.url + "/v2/slow") as response:
                    next(response.iter_raw())  # the first chunk, then hang up
                exchange = recorder.wait_for(1)[0]  # before the upstream has sent the rest
                assert not trickle.release.is_set()
        finally:
            trickle.release.set()
    assert exchange.outcome is Outcome.ABANDONED
    assert exchange.answer is not None
    assert exchange.answer.body == Trickle.FIRST
    assert not exchange.findings


@pytest.mark.slow
def test_rate_limit_queues_requests_and_fails_none(upstream: Emulated, recorder: Recorder) -> None:
    count, url_path = 8, progress_path(upstream.scenario)
    keys = Credentials(upstream.scenario.demo.access_key, upstream.scenario.demo.secret_key)

    async def send_all(base_url: str) -> list[int]:
        async with httpx.AsyncClient(base_url=base_url, auth=AkSkAuth(keys), timeout=10) as client:
            answers = await asyncio.gather(*(client.get(url_path) for _ in range(count)))
        return [answer.status_code for answer in answers]

    with proxy_for(upstream.environ, recorder, RATE_LIMIT="5/s") as proxy:
        started = time.monotonic()
        statuses = asyncio.run(send_all(proxy.url))
        elapsed = time.monotonic() - started
    assert statuses == [200] * count
    assert (count - 1) / 5 - 0.05 <= elapsed < (count - 1) / 5 + 1.0  # 1.4 s: the first goes at once, then 5 a second
    sent = sorted(exchange.timings.started_at + (exchange.timings.sent or 0) for exchange in recorder.wait_for(count))
    # Slots are exactly 1/5 s apart; each send comes a little after its slot (signing, scheduling).
    assert sent[-1] - sent[0] >= (count - 1) / 5 - 0.02
    assert min(later - earlier for earlier, later in itertools.pairwise(sent)) >= 0.1  # never a burst
    assert max(exchange.timings.queued for exchange in recorder.exchanges) >= (count - 1) / 5 - 0.05


def many_tasks(count: int) -> Scenario:
    """``count`` tasks, each with a step named after it and started at another time: every progress body differs."""
    tasks = [
        {
            "id": f"{n:032x}",
            "name": "AddWhitelist",
            "start": -n,
            "steps": [{"id": f"s{n}", "name": f"step {n}", "duration": 600}],
        }
        for n in range(count)
    ]
    document = {
        "credentials": [{"name": "load", "access_key": AK, "secret_key": SK, "projects": [PROJECT]}],
        "projects": [{"id": PROJECT, "instances": [{"id": INSTANCE, "name": "load", "tasks": tasks}]}],
    }
    return parse_scenario(json.dumps(document))  # JSON is YAML


@pytest.fixture(scope="module")
def jittery() -> Iterator[str]:
    """An emulator of many tasks that answers after a random 0-50 ms, so answers finish out of order."""
    app = create_app(many_tasks(CONCURRENT), clock=ManualClock(ORIGIN), faults=FaultConfig(jitter_ms=50, seed=7))
    with serve_in_thread(app) as url:
        yield url


async def progress_bodies(base_url: str, task_ids: list[str]) -> list[tuple[str, bytes]]:
    """Every task's progress at once (one connection each): (X-Request-Id, body) in the order asked."""
    limits = httpx.Limits(max_connections=len(task_ids))
    auth = AkSkAuth(Credentials(AK, SK))
    async with httpx.AsyncClient(base_url=base_url, auth=auth, limits=limits, timeout=30) as client:
        paths = [f"/v2/{PROJECT}/instances/{INSTANCE}/tasks/{task_id}/progress" for task_id in task_ids]
        answers = await asyncio.gather(*(client.get(path) for path in paths))
    assert [answer.status_code for answer in answers] == [200] * len(task_ids)
    return [(answer.headers["x-request-id"], answer.content) for answer in answers]


@pytest.mark.slow
def test_200_concurrent_exchanges_each_get_exactly_their_own_answer(
    jittery: str, recorder: Recorder, tmp_path: Path
) -> None:
    task_ids = [f"{n:032x}" for n in range(CONCURRENT)]
    expected = [body for _, body in asyncio.run(progress_bodies(jittery, task_ids))]
    assert len(set(expected)) == CONCURRENT  # every task's body is its own
    environ = {"UPSTREAM": jittery, "HUAWEICLOUD_SDK_AK": AK, "HUAWEICLOUD_SDK_SK": SK}
    with judged_proxy(environ, tmp_path, recorder) as (proxy, judged):
        started = time.monotonic()
        got = asyncio.run(progress_bodies(proxy.url, task_ids))
        elapsed = time.monotonic() - started
        answered = time.monotonic()
    judging = time.monotonic() - answered  # stopping waits for the judge: what was still queued, then the reports
    print(f"\n{CONCURRENT} concurrent exchanges through the proxy in {elapsed:.2f} s, judged {judging:.2f} s after")
    assert elapsed < 30  # judging is off the hot path: the clients never wait for it
    assert judging < JUDGING_BOUND
    assert judged.judge.exit_code == 0, judged.printed
    assert judged.summary()["statuses_by_operation"]["ShowBackgroundTaskProgress"] == {"200": CONCURRENT}
    assert [body for _, body in got] == expected  # each client got the body of the task it asked for
    exchanges = recorder.wait_for(CONCURRENT)
    assert all(exchange.outcome is Outcome.FORWARDED for exchange in exchanges)
    # And the observers saw each answer paired with its own request: the upstream's X-Request-Id and body.
    by_request_id = {request_id: body for request_id, body in got}
    for exchange in exchanges:
        assert exchange.answer is not None
        request_id = dict(exchange.answer.headers)["x-request-id"]
        assert by_request_id[request_id] == exchange.answer.body
        task_number = int(exchange.request.raw_path.split("/")[-2], 16)
        assert f'"step {task_number}"'.encode() in exchange.answer.body
