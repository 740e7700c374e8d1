"""The task model without HTTP: lifecycles of the scenario's tasks on a manual clock, as the progress
handler answers them (the JSON body, before any HTTP), and any plan's invariants."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_tests.emulator import ManualClock, Scenario, errors
from contract_tests.emulator.models import (
    Backend,
    BackendFailureError,
    Failure,
    NotFoundError,
    Status,
    StepPlan,
    SubStepPlan,
    TaskPlan,
    TaskProgress,
    TimeFormat,
)
from tests.emulator.helpers import shown_progress

EXAMPLE = ("a4d31cb6-3d72-4fdc-8ec9-6e3a41e47f71", "5560df16-cebf-4473-95c4-d1b573c16e79")


def backend_at(scenario: Scenario, seconds: float) -> Backend:
    clock = ManualClock(datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC))
    clock.advance(seconds)
    return Backend(scenario.projects, clock)


def show(scenario: Scenario, seconds: float, *ids: str) -> Any:
    """The progress body of the task ``ids`` name, ``seconds`` after the clock origin."""
    return shown_progress(backend_at(scenario, seconds), *ids)


def statuses(progress: Any) -> list[tuple[str, list[str]]]:
    steps = progress["step_details"]
    return [(step["step_status"], [sub["sub_step_status"] for sub in step["sub_step_details"]]) for step in steps]


def test_example_task_is_in_flight_at_the_clock_origin(scenario: Scenario) -> None:
    progress = show(scenario, 0, *EXAMPLE, "8abf6e1e72c12e7c0172c15b508500aa")
    assert progress["progress"] == 30
    assert 0 < progress["remain_time"] < 3605
    assert statuses(progress) == [("FINISH", ["FINISH", "FINISH"]), ("EXECUTING", ["EXECUTING", "WAITING", "WAITING"])]
    precheck, migration = progress["step_details"]
    assert precheck["begin_time"] == "2024-05-01 11:41:40"  # started 1100 s before the origin, `space` format
    assert precheck["end_time"] == "2024-05-01 11:41:45"
    assert "end_time" not in migration  # still running: no end yet
    running, waiting, _ = migration["sub_step_details"]
    assert running["detail"].endswith("full_migration:迁移中,inc_migration:迁移中}")
    assert waiting["detail"].endswith("full_migration:待开始,inc_migration:待开始}")
    assert "begin_time" not in waiting


def test_example_task_walks_its_slot_ranges_then_finishes(scenario: Scenario) -> None:
    task_id = "8abf6e1e72c12e7c0172c15b508500aa"
    second_range = show(scenario, 1300, *EXAMPLE, task_id)  # 2200 s in: second range running
    assert statuses(second_range)[1] == ("EXECUTING", ["FINISH", "EXECUTING", "WAITING"])
    done = show(scenario, 2600, *EXAMPLE, task_id)
    assert (done["progress"], done["remain_time"]) == (100, 0)
    assert statuses(done) == [("FINISH", ["FINISH", "FINISH"]), ("FINISH", ["FINISH", "FINISH", "FINISH"])]
    assert done["step_details"][1]["end_time"] == "2024-05-01 12:41:45"  # 1100 s before origin + 3605 s of plan


def test_finished_task_reports_complete_in_iso_format(scenario: Scenario) -> None:
    progress = show(scenario, 0, *EXAMPLE, "3b1f0c2d4e5a46b7a8c9d0e1f2a3b4c5")
    assert (progress["progress"], progress["remain_time"]) == (100, 0)
    assert all(step["step_status"] == Status.FINISH for step in progress["step_details"])
    assert progress["step_details"][0]["begin_time"] == "2024-05-01T10:00:00.000Z"
    assert progress["step_details"][0]["end_time"] == "2024-05-01T10:00:08.000Z"


def test_failed_task_stops_at_its_failed_step_for_ever(scenario: Scenario) -> None:
    task_id = "5c9e2a7b3d1f4e6a8b0c2d4e6f8a0b1c"
    for later in (0, 86_400 * 30):
        progress = show(scenario, later, *EXAMPLE, task_id)
        assert statuses(progress) == [
            ("FINISH", []),
            ("FAILED", ["FINISH", "FAILED", "WAITING"]),
            ("WAITING", []),
        ]
        failed_step = progress["step_details"][1]
        failed_sub = failed_step["sub_step_details"][1]
        assert failed_step["error_code"] == failed_sub["error_code"] == "DCS.5000"
        assert failed_sub["end_time"] == "2024-05-01T11:22:35.000Z"  # 20 + 90 + 45 s after its start
        assert failed_step["end_time"] == failed_sub["end_time"]
        assert failed_sub["detail"] == "slot_range:[0 8191],full_migration:失败"
        assert "begin_time" not in progress["step_details"][2]
        assert progress["remain_time"] == 0
        assert progress["progress"] == 20  # 155 of 750 planned seconds, frozen


def test_failed_task_runs_normally_before_its_failure(scenario: Scenario) -> None:
    progress = show(scenario, -2400 + 130, *EXAMPLE, "5c9e2a7b3d1f4e6a8b0c2d4e6f8a0b1c")
    assert statuses(progress)[1] == ("EXECUTING", ["FINISH", "EXECUTING", "WAITING"])
    assert "error_code" not in progress["step_details"][1]
    assert progress["remain_time"] == 750 - 130


def test_queued_task_waits_until_its_start(scenario: Scenario) -> None:
    instance = (EXAMPLE[0], "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b")
    waiting = show(scenario, 599, *instance, "4e6a8c0b2d4f46a8b0c2e4a6c8e0a2b4")
    assert (waiting["progress"], statuses(waiting)) == (0, [("WAITING", [])])
    assert "begin_time" not in waiting["step_details"][0]
    running = show(scenario, 605, *instance, "4e6a8c0b2d4f46a8b0c2e4a6c8e0a2b4")
    assert (running["progress"], running["remain_time"], statuses(running)) == (33, 10, [("EXECUTING", [])])


def test_long_running_task_lasts_hours(scenario: Scenario) -> None:
    instance = (EXAMPLE[0], "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b")
    hours_later = show(scenario, 3 * 3600, *instance, "2d4f6a8c0e1b43d5a7c9e1f3b5d7f9a1")
    assert statuses(hours_later)[1] == ("EXECUTING", ["FINISH", "EXECUTING", "WAITING"])
    assert 2 * 3600 < hours_later["remain_time"] < 4 * 3600


def test_lookups_are_case_insensitive_and_report_what_is_missing(scenario: Scenario) -> None:
    backend = backend_at(scenario, 0)
    upper = (EXAMPLE[0].upper(), EXAMPLE[1].upper(), "8ABF6E1E72C12E7C0172C15B508500AA")
    assert shown_progress(backend, *upper)["progress"] == 30
    answers = {"instance": errors.INSTANCE_NOT_FOUND, "task": errors.TASK_NOT_FOUND}
    for ids, kind in (
        ((EXAMPLE[0], "00000000-0000-0000-0000-000000000000", "8abf6e1e72c12e7c0172c15b508500aa"), "instance"),
        (("ffffffffffffffffffffffffffffffff", *EXAMPLE[1:], "8abf6e1e72c12e7c0172c15b508500aa"), "instance"),
        ((*EXAMPLE, "00000000000000000000000000000000"), "task"),
    ):
        with pytest.raises(NotFoundError) as missing:
            backend.task(*ids)
        assert missing.value.kind == kind, ids
        with pytest.raises(errors.RejectedError) as rejected:
            shown_progress(backend, *ids)
        assert rejected.value.error is answers[kind], ids


def test_time_formats_render_both_shapes() -> None:
    instant = datetime(2022, 9, 1, 11, 52, 24, 503_999, tzinfo=UTC)
    assert TimeFormat.SPACE.render(instant) == "2022-09-01 11:52:24"
    assert TimeFormat.ISO.render(instant) == "2022-09-01T11:52:24.503Z"


durations = st.floats(min_value=0, max_value=1000, allow_nan=False)
failures = st.none() | st.builds(Failure, after=durations, error_code=st.just("DCS.5000"))
sub_steps = st.builds(SubStepPlan, id=st.just("s"), name=st.just("sub"), duration=durations, fail=failures)
steps = st.builds(
    StepPlan,
    id=st.just("p"),
    name=st.just("step"),
    sub_steps=st.lists(sub_steps, max_size=3).map(tuple),
    duration=durations,
    fail=failures,
)
plans = st.builds(
    TaskPlan,
    id=st.just("t"),
    name=st.just("task"),
    start=st.just(0.0),
    steps=st.lists(steps, min_size=1, max_size=4).map(tuple),
)


def flat_statuses(progress: TaskProgress) -> list[Status]:
    return [step.status for step in progress.steps] + [sub.status for step in progress.steps for sub in step.sub_steps]


RANK = {Status.WAITING: 0, Status.EXECUTING: 1, Status.FINISH: 2, Status.FAILED: 2}


@settings(max_examples=150, deadline=None)
@given(plan=plans, times=st.lists(st.floats(min_value=-100, max_value=5000, allow_nan=False), min_size=2, max_size=6))
def test_any_plan_moves_forward_only_and_stays_in_range(plan: TaskPlan, times: list[float]) -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    snapshots = [plan.progress_at(start, start + timedelta(seconds=t)) for t in sorted(times)]
    for earlier, later in itertools.pairwise(snapshots):
        assert 0 <= earlier.progress <= later.progress <= 100
        assert earlier.remain_time >= later.remain_time >= 0
        flat_earlier, flat_later = flat_statuses(earlier), flat_statuses(later)
        assert all(RANK[a] <= RANK[b] for a, b in zip(flat_earlier, flat_later, strict=True))
    for snapshot in snapshots:
        failed = [i for i, step in enumerate(snapshot.steps) if step.status is Status.FAILED]
        assert len(failed) <= 1
        if failed:  # nothing after a failed step ever runs
            assert all(step.status is Status.WAITING for step in snapshot.steps[failed[0] + 1 :])
            assert snapshot.remain_time == 0
        if snapshot.progress == 100 and plan.failure_at is None:
            assert all(step.status is Status.FINISH for step in snapshot.steps)


@settings(max_examples=150, deadline=None)
@given(plan=plans, at=st.floats(min_value=-100, max_value=5000, allow_nan=False), fraction=st.floats(0, 1))
def test_a_snapshot_holds_until_its_unchanged_until(plan: TaskPlan, at: float, fraction: float) -> None:
    # The HTTP layer reuses a rendered body until `unchanged_until`: it must really not change.
    start = datetime(2024, 1, 1, tzinfo=UTC)
    first = plan.progress_at(start, start + timedelta(seconds=at))
    horizon = first.unchanged_until or start + timedelta(seconds=at + 10_000)
    later = start + timedelta(seconds=at) + (horizon - start - timedelta(seconds=at)) * fraction
    if later < horizon:
        assert plan.progress_at(start, later) == first


def test_a_task_marked_internal_error_fails_on_the_operations_it_names(scenario: Scenario) -> None:
    ((ref, operations),) = [
        (task, ops) for task, ops in scenario.internal_errors() if "ShowBackgroundTaskProgress" in ops
    ]
    assert operations == {"ShowBackgroundTaskProgress"}
    backend = backend_at(scenario, 0)
    plan = backend.task(*ref)  # looked up for no named operation: found, 404 is not the answer
    assert plan.internal_error == operations
    with pytest.raises(BackendFailureError, match=ref.task_id):
        backend.task(*ref, operation="ShowBackgroundTaskProgress")
    assert backend.task(*ref, operation="DeleteBackgroundTask") is plan  # an operation it does not name works
    with pytest.raises(errors.RejectedError) as rejected:
        shown_progress(backend, *ref)
    assert rejected.value.error is errors.INTERNAL_ERROR
    others = [task for task in scenario.known_tasks() if task != ref]
    assert not any("ShowBackgroundTaskProgress" in backend.task(*task).internal_error for task in others)


def test_a_task_added_while_the_emulator_runs_is_listed_from_then_on(scenario: Scenario) -> None:
    """What a shared staging service does while a run pages through it: someone else creates a task."""
    clock = ManualClock(datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC))
    backend = Backend(scenario.projects, clock)
    ref = scenario.known_tasks()[0]
    before = backend.list_tasks(ref.project_id, ref.instance_id)
    plan = backend.task(*ref)
    added = attrs.evolve(plan, id="0123456789abcdef0123456789abcdef", start=5.0)
    clock.advance(10)
    backend.add_task(ref.project_id, ref.instance_id.upper(), added)
    after = backend.list_tasks(ref.project_id, ref.instance_id)
    assert after.total == before.total + 1
    assert after.tasks[0].plan is added  # the newest: created now, after every scenario task
    assert after.tasks[0].created_at == clock.now()
    assert backend.task(ref.project_id, ref.instance_id, added.id.upper()) is added
    with pytest.raises(ValueError, match="already exists"):
        backend.add_task(ref.project_id, ref.instance_id, added)
