"""The state checks judge every task listed on the instance a change succeeded on, not only the tasks the run was
told of: a deletion that also deletes running tasks nobody named is reported by `other_tasks_unchanged_by_changes`
(the listing read right before the deletion shows them, the one right after does not)."""

from __future__ import annotations

import dataclasses

import pytest

from contract_tests.emulator import DEFAULT_SCENARIO_PATH, create_app, load_scenario
from contract_tests.reporting.summary import format_summary
from contract_tests.run.runner import run_suite
from contract_tests.run.state import SuiteRun
from contract_tests.target.emulator import emulator_target

from .broken.state import OTHERS, _cancels_running, with_backend
from .slice import SLICE_OPTIONS

pytestmark = pytest.mark.slow  # a suite run

SCENARIO = load_scenario(DEFAULT_SCENARIO_PATH)
RUNNING = (
    "2d4f6a8c0e1b43d5a7c9e1f3b5d7f9a1",
    "e5f7a9b1c3d54e6f8a0b2c4d6e8f0a1b",
)  # running on the deletable's instance


def test_a_deletion_that_also_deletes_tasks_the_run_does_not_know_is_reported() -> None:
    app = with_backend(lambda: _cancels_running)(create_app(SCENARIO), SCENARIO)
    target = emulator_target(SCENARIO, app=app, label="broken emulator (a deletion cancels running tasks)")
    unknown = tuple(task for task in target.readable_tasks if task.task_id not in RUNNING)
    assert len(unknown) == len(target.readable_tasks) - len(RUNNING)  # both were readable: now nobody names them
    target = dataclasses.replace(target, readable_tasks=unknown)
    report = run_suite(SuiteRun(target, SLICE_OPTIONS))
    summary = format_summary(report, target=target.description, replay="(proof)")
    failures = [failure for failure in report.failures.values() if failure.check in OTHERS]
    assert failures, summary
    assert any(task in failure.message for failure in failures for task in RUNNING), summary
