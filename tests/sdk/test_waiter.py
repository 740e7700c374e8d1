"""The waiter: the poll planner's decisions, then the clients' wait loops over a mock transport."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from dcs_tasks import (
    MAX_INTERVAL,
    MIN_INTERVAL,
    AsyncDcsClient,
    DcsClient,
    DcsError,
    NotFoundError,
    PollPlanner,
    PollPolicy,
    RetryPolicy,
    ShowBackgroundTaskProgressResponse,
    TaskFailedError,
    TaskState,
    WaitTimeoutError,
    task_state,
)

from .conftest import CREDENTIALS, INSTANCE, TASK

NO_SLEEP = RetryPolicy(initial_delay=0, max_retries=2)


def body(progress: int | None, remain: int | None, *statuses: str, code: str | None = None) -> dict[str, Any]:
    steps = [
        {"step_id": f"s{i}", "step_name": f"step {i}", "step_status": status, "error_code": code}
        for i, status in enumerate(statuses)
    ]
    return {"progress": progress, "remain_time": remain, "step_details": steps}


def response(progress: int | None, remain: int | None, *statuses: str) -> ShowBackgroundTaskProgressResponse:
    return ShowBackgroundTaskProgressResponse.from_dict(body(progress, remain, *statuses))


# --- deciding: finished, failed, running -------------------------------------------------------


@pytest.mark.parametrize(
    ("progress", "statuses", "state"),
    [
        (100, ("FINISH", "FINISH"), TaskState.FINISHED),
        (100, (), TaskState.FINISHED),  # no steps at all
        (99, ("FINISH", "FINISH"), TaskState.RUNNING),  # every step done, progress not yet 100
        (100, ("FINISH", "EXECUTING"), TaskState.RUNNING),
        (100, ("FINISH", "PAUSED"), TaskState.RUNNING),  # an unknown status is never terminal
        (100, ("FINISH", "finish"), TaskState.RUNNING),  # nor is a differently-cased one
        (None, ("FINISH",), TaskState.RUNNING),
        (40, ("FINISH", "FAILED", "WAITING"), TaskState.FAILED),
        (100, ("FAILED",), TaskState.FAILED),
    ],
)
def test_task_state(progress: int | None, statuses: tuple[str, ...], state: TaskState) -> None:
    assert task_state(response(progress, 10, *statuses))[0] is state


def test_a_failure_carries_the_failed_steps_their_codes_and_the_response() -> None:
    document = body(40, 0, "FINISH", "FAILED", "FAILED")
    document["step_details"][1]["error_code"] = "DCS.5000"
    # The third step has no code of its own: its failed sub-step's code is reported.
    document["step_details"][2]["sub_step_details"] = [
        {"sub_step_name": "a", "sub_step_status": "FINISH", "error_code": "DCS.4065"},
        {"sub_step_name": "b", "sub_step_status": "FAILED", "error_code": "DCS.5001"},
    ]
    last = ShowBackgroundTaskProgressResponse.from_dict(document)
    planner = PollPlanner(TASK, started_at=0)
    with pytest.raises(TaskFailedError) as raised:
        planner.next_delay(last, 0)
    error = raised.value
    assert isinstance(error, DcsError)
    assert error.response is last
    assert [step.step_id for step in error.failed_steps] == ["s1", "s2"]
    assert error.error_codes == ["DCS.5000", "DCS.5001"]
    assert "step 1 (DCS.5000)" in str(error)
    assert "step 2 (DCS.5001)" in str(error)


# --- pacing ---------------------------------------------------------------------------------------


def test_polls_are_sparse_while_much_remains_and_dense_near_the_end() -> None:
    planner = PollPlanner(TASK, started_at=0)
    delays = [planner.next_delay(response(10, remain, "EXECUTING"), 0) for remain in (3600, 240, 60, 10, 3, 1)]
    assert delays == [MAX_INTERVAL, 120, 30, 5, 1.5, MIN_INTERVAL]
    assert (MIN_INTERVAL, MAX_INTERVAL) == (1.0, 120.0)


def test_without_an_estimate_polls_back_off_to_the_overdue_cap_and_restart_with_one() -> None:
    planner = PollPlanner(TASK, started_at=0, policy=PollPolicy(backoff=2, overdue_max_interval=5))
    # remain_time absent, or 0 while steps are still running: the estimate has run out.
    delays = [planner.next_delay(response(99, remain, "EXECUTING"), 0) for remain in (None, 0, 0, 0, 0)]
    assert delays == [1, 2, 4, 5, 5]
    assert planner.next_delay(response(99, 40, "EXECUTING"), 0) == 20
    assert planner.next_delay(response(99, 0, "EXECUTING"), 0) == 1


def test_the_last_sleep_ends_at_the_deadline_and_the_poll_there_times_out() -> None:
    planner = PollPlanner(TASK, started_at=100, timeout=50)
    assert planner.next_delay(response(10, 600, "EXECUTING"), 120) == 30  # not 120: the deadline is at 150
    last = response(15, 500, "EXECUTING")
    with pytest.raises(WaitTimeoutError) as raised:
        planner.next_delay(last, 150)
    assert raised.value.response is last
    assert isinstance(raised.value, TimeoutError)
    # A finished task at the deadline is still a success.
    assert planner.next_delay(response(100, 0, "FINISH"), 150) is None


@pytest.mark.parametrize(
    "options",
    [
        {"min_interval": 0},
        {"min_interval": 5, "max_interval": 2},
        {"overdue_max_interval": 500},
        {"remain_fraction": 0},
        {"backoff": 0.5},
    ],
)
def test_inconsistent_policies_are_refused(options: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="need"):
        PollPolicy(**options)


# --- the clients' loops -----------------------------------------------------------------------------


class FakeTime:
    """A clock that only moves when slept on; records every sleep."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


def scripted(*answers: httpx.Response) -> tuple[list[httpx.Request], httpx.MockTransport]:
    sent: list[httpx.Request] = []
    queue: Iterator[httpx.Response] = iter(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return next(queue)

    return sent, httpx.MockTransport(handle)


def ok(progress: int, remain: int, *statuses: str) -> httpx.Response:
    return httpx.Response(200, json=body(progress, remain, *statuses))


def timeline() -> list[httpx.Response]:
    return [
        ok(0, 600, "EXECUTING", "WAITING"),
        httpx.Response(503, json={"error_code": "DCS.5000", "error_msg": "busy"}),  # retried by the client
        ok(60, 240, "FINISH", "EXECUTING"),
        ok(90, 10, "FINISH", "EXECUTING"),
        ok(100, 0, "FINISH", "FINISH"),
    ]


def test_sync_wait_returns_the_finished_response_reporting_each_one() -> None:
    sent, transport = scripted(*timeline())
    fake, seen = FakeTime(), list[ShowBackgroundTaskProgressResponse]()
    with DcsClient(transport=transport, credentials=CREDENTIALS, retry_policy=NO_SLEEP) as client:
        final = client.wait_for_background_task(
            INSTANCE, TASK, on_progress=seen.append, clock=fake.clock, sleep=fake.sleep
        )
    assert final.progress == 100
    assert [r.progress for r in seen] == [0, 60, 90, 100]
    assert fake.sleeps == [120, 120, 5]
    assert len(sent) == 5
    assert all(r.url.path.endswith(f"/tasks/{TASK}/progress") for r in sent)


def test_async_wait_makes_the_same_decisions() -> None:
    sent: list[httpx.Request] = []
    answers = iter(timeline())
    fake, seen = FakeTime(), list[ShowBackgroundTaskProgressResponse]()

    async def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return next(answers)

    async def run() -> ShowBackgroundTaskProgressResponse:
        options: dict[str, Any] = {"credentials": CREDENTIALS, "retry_policy": NO_SLEEP}
        async with AsyncDcsClient(transport=httpx.MockTransport(handle), **options) as client:
            return await client.wait_for_background_task(
                INSTANCE, TASK, on_progress=seen.append, clock=fake.clock, sleep=fake.async_sleep
            )

    assert asyncio.run(run()).progress == 100
    assert [r.progress for r in seen] == [0, 60, 90, 100]
    assert fake.sleeps == [120, 120, 5]
    assert len(sent) == 5


def test_sync_wait_raises_task_failed_and_timeout_with_the_last_response() -> None:
    failing = body(50, 100, "FINISH", "FAILED", code="DCS.5000")
    _, transport = scripted(ok(10, 600, "EXECUTING"), httpx.Response(200, json=failing))
    fake = FakeTime()
    with (
        DcsClient(transport=transport, credentials=CREDENTIALS, retry_policy=NO_SLEEP) as client,
        pytest.raises(TaskFailedError) as failed,
    ):
        client.wait_for_background_task(INSTANCE, TASK, clock=fake.clock, sleep=fake.sleep)
    assert failed.value.error_codes == ["DCS.5000"]
    assert failed.value.response.progress == 50

    _, transport = scripted(*(ok(10, 600, "EXECUTING") for _ in range(3)))
    fake = FakeTime()
    with (
        DcsClient(transport=transport, credentials=CREDENTIALS, retry_policy=NO_SLEEP) as client,
        pytest.raises(WaitTimeoutError) as timed_out,
    ):
        client.wait_for_background_task(INSTANCE, TASK, timeout=200, clock=fake.clock, sleep=fake.sleep)
    assert fake.sleeps == [120, 80]
    assert timed_out.value.response is not None
    assert timed_out.value.response.remain_time == 600


def test_an_error_that_outlasts_the_retries_ends_the_wait() -> None:
    not_found = httpx.Response(404, json={"error_code": "DCS.3022", "error_msg": "no such instance"})
    _, transport = scripted(ok(10, 60, "EXECUTING"), not_found)
    fake = FakeTime()
    with (
        DcsClient(transport=transport, credentials=CREDENTIALS, retry_policy=NO_SLEEP) as client,
        pytest.raises(NotFoundError, match="no such instance") as raised,
    ):
        client.wait_for_background_task(INSTANCE, TASK, clock=fake.clock, sleep=fake.sleep)
    assert raised.value.error_code == "DCS.3022"


def test_ctrl_c_during_a_sync_sleep_stops_the_wait() -> None:
    sent, transport = scripted(*(ok(10, 600, "EXECUTING") for _ in range(5)))

    def interrupted(_: float) -> None:
        raise KeyboardInterrupt

    with (
        DcsClient(transport=transport, credentials=CREDENTIALS, retry_policy=NO_SLEEP) as client,
        pytest.raises(KeyboardInterrupt),
    ):
        client.wait_for_background_task(INSTANCE, TASK, sleep=interrupted)
    assert len(sent) == 1


def test_cancelling_an_async_wait_stops_it_while_it_sleeps() -> None:
    sent: list[httpx.Request] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return ok(10, 600, "EXECUTING")

    async def run() -> None:
        options: dict[str, Any] = {"credentials": CREDENTIALS, "retry_policy": NO_SLEEP}
        async with AsyncDcsClient(transport=httpx.MockTransport(handle), **options) as client:
            waiting = asyncio.create_task(client.wait_for_background_task(INSTANCE, TASK))  # real asyncio.sleep
            while not sent:
                await asyncio.sleep(0.01)
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting

    asyncio.run(asyncio.wait_for(run(), timeout=10))
    assert len(sent) == 1


def test_the_waiter_needs_neither_asyncio_nor_rich() -> None:
    # rich made unimportable (httpx itself imports it when present, for its own CLI).
    code = (
        "import sys; sys.modules['rich'] = None; import dcs_tasks;"
        "dcs_tasks.DcsClient.wait_for_background_task; dcs_tasks.PollPolicy; dcs_tasks.TaskFailedError;"
        "print('asyncio' in sys.modules, sys.modules['rich'])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "None"]
