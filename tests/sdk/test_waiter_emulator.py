"""The waiter against the emulator on a manual clock: the benchmark's aims, and a task that fails."""

from __future__ import annotations

import pytest
from dcs_tasks import StepStatus, TaskFailedError

from scripts import bench_waiter
from scripts.task_scenarios import INSTANCE_ID, TaskSpec

FAILING = TaskSpec("2c3d4e5f6a7b4c8d9e0f1a2b3c4d5e6f", 300, fail_at_shard=1)


def test_the_waiter_meets_the_benchmark_aims_on_the_20_minute_task() -> None:
    task = bench_waiter.TASKS["20 min"]
    starts = bench_waiter.offsets(3)
    with bench_waiter.emulated([task]) as (client, time):
        ours = bench_waiter.summarize(bench_waiter.measure(task, "dcs_tasks waiter", starts, client, time))
        fixed = bench_waiter.summarize(bench_waiter.measure(task, "fixed 5 s", starts, client, time))
    assert ours.polls <= bench_waiter.AIM_POLL_RATIO * fixed.polls
    assert ours.median_delay is not None
    assert 0 <= ours.median_delay <= bench_waiter.AIM_MEDIAN_DELAY
    assert ours.max_delay is not None
    assert ours.max_delay <= 1.0  # the minimum interval, when remain_time is exact


def test_the_waiter_reports_the_emulated_failure() -> None:
    polls: list[tuple[float, int | None]] = []
    with bench_waiter.emulated([FAILING]) as (client, time), pytest.raises(TaskFailedError) as raised:
        client.wait_for_background_task(
            INSTANCE_ID,
            FAILING.task_id,
            on_progress=lambda r: polls.append((time.now(), r.progress)),
            clock=time.now,
            sleep=time.sleep,
        )
    error = raised.value
    assert [step.step_name for step in error.failed_steps] == ["Data migration"]
    assert error.error_codes == ["DCS.5000"]
    assert error.failed_steps[0].step_status is StepStatus.FAILED
    # Shard 2 of 3 fails halfway: 10 s pre-check + 96.67 s + 48.33 s = 155 s into the task. The
    # failure is seen by the first poll after it (remain_time only ever predicts success).
    (before, _), (seen_at, last_progress) = polls[-2], polls[-1]
    assert before < 155 <= seen_at
    assert error.response.progress == last_progress
    progresses = [progress or 0 for _, progress in polls]
    assert progresses == sorted(progresses)
