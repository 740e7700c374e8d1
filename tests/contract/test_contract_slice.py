"""`make test`'s slice of the contract suite: the emulator in-process, a fixed seed, a small budget."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests
from schemathesis import Response

from contract_tests.emulator import DEFAULT_SCENARIO_PATH, create_app, load_scenario
from contract_tests.record.answers import AnyCase
from contract_tests.record.findings import FailureRecord
from contract_tests.record.recording import RunObserver
from contract_tests.reporting.summary import format_summary
from contract_tests.run.runner import run_suite
from contract_tests.run.state import SuiteRun
from contract_tests.spec.api import load_spec
from contract_tests.target.emulator import emulator_target

from .broken.variants import VARIANTS
from .slice import SLICE_OPTIONS


def test_slice_passes_and_reaches_every_required_status(tmp_path: Path) -> None:
    target = emulator_target()
    junit = tmp_path / "contract-junit.xml"
    report = run_suite(SuiteRun(target, SLICE_OPTIONS), junit_xml=junit)
    summary = format_summary(report, target=target.description, replay="(slice)")
    assert report.failures == {}, summary
    assert report.tests_failed == 0, summary
    operations = load_spec().operations
    assert report.tests_passed == len(operations) + 3, summary  # both probes tests, one per operation, the stateful one
    assert report.missing() == [], summary
    for operation in operations:  # the emulator is driven to each of these on every operation
        reached = set(report.by_operation[operation.operation_id])
        assert {400, 401, 403, 404} <= reached, summary
        assert reached & operation.success_statuses, summary
    assert 500 in report.by_operation["ShowBackgroundTaskProgress"], summary  # the scenario's faulty task
    assert report.total_cases >= SLICE_OPTIONS.max_examples, summary
    assert {"examples", "coverage", "fuzzing", "stateful"} <= set(report.phases), summary
    assert report.phases["stateful"] >= 10, summary
    assert len(report.operations) == len(operations), summary
    assert report.probes == {401: report.probes[401]}, summary
    assert report.probes[401] >= 3, summary
    # every built-in phase's check ran, and every domain check
    for check in (
        "not_a_server_error",
        "response_schema_conformance",
        "ignored_auth",
        "negative_data_rejection",
        "progress_never_decreases",
        "tampered_signature_rejected",
        "signature_binds_request",
        "known_tasks_answer_as_expected",
        "listed_status_agrees_with_progress",
        "deleted_task_is_gone",
        "pages_partition_the_listing",
        "time_window_respected",
        "other_tasks_unchanged_by_changes",
        "task_count_drops_by_deleted",
        "repeated_deletion_answers_404",
        "task_under_other_instance_denied",
        "use_after_free",
    ):
        assert report.checks[check] > 0, summary
    root = ET.parse(junit).getroot()  # noqa: S314 - the file this test just wrote
    cases = root.findall(".//testcase")
    assert len(cases) == len(operations) + 3
    assert all(case.find("failure") is None for case in cases)


@pytest.mark.slow  # two suite runs
def test_slice_is_deterministic_for_a_seed() -> None:
    first = run_suite(SuiteRun(emulator_target(), SLICE_OPTIONS))
    second = run_suite(SuiteRun(emulator_target(), SLICE_OPTIONS))
    assert first.cases == second.cases
    assert first.total_cases > 0


def test_the_slice_deletes_only_what_the_target_offers() -> None:
    """The emulator offers four tasks (the example's, and three of the fixtures' instance, one of which fails to be
    deleted): the run deletes the other three (and then judges them gone); every other deletion it would send is
    re-aimed at an absent task, so the scenario's other tasks survive."""
    target = emulator_target()
    offered = {tuple(part.lower() for part in task) for task in target.changeable_tasks}
    failing = target.faulty_keys(load_spec().by_id["DeleteBackgroundTask"])
    assert (len(offered), len(failing & offered)) == (4, 1)
    run = SuiteRun(target, SLICE_OPTIONS)
    report = run_suite(run)
    summary = format_summary(report, target=target.description, replay="(slice)")
    assert report.failures == {}, summary
    assert run.validator.checks.target.deleted == offered - failing, summary
    assert run.validator.family.fetched["ShowBackgroundTaskProgress"] > 0, summary
    assert run.validator.family.fetched["ListBackgroundTask"] > 0, summary


def test_observers_hear_of_every_case_and_every_failure() -> None:
    """The seam live progress, a coverage report or a file of the failing exchanges plugs into."""
    scenario = load_scenario(DEFAULT_SCENARIO_PATH)
    variant = next(variant for variant in VARIANTS if variant.name == "wrong field type")
    answers: list[Response | None] = []
    failures: list[tuple[FailureRecord, Response | requests.Response | None]] = []

    class Listener(RunObserver):
        def case_done(self, _case: AnyCase, response: Response | None) -> None:
            answers.append(response)

        def failure_recorded(self, failure: FailureRecord, response: Response | requests.Response | None) -> None:
            failures.append((failure, response))

    target = emulator_target(scenario, app=variant.wrap(create_app(scenario), scenario))
    report = run_suite(SuiteRun(target, SLICE_OPTIONS, [Listener()]))
    assert len(answers) == sum(report.phases.values()) > 0
    assert sum(answer is not None for answer in answers) == report.total_cases - report.cases[429]
    assert {(failure.check, failure.title) for failure, _ in failures} == set(report.failures)
    schema = [(failure, response) for failure, response in failures if failure.check == "response_schema_conformance"]
    assert schema
    for failure, response in schema:
        assert response is not None
        assert response.request is not None
        assert response.status_code == failure.status
