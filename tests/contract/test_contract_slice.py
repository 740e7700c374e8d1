"""`make test`'s slice of the contract suite: the emulator in-process, a fixed seed, a small budget."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from contract_tests.emulator_target import emulator_target
from contract_tests.pytest_runner import run_suite
from contract_tests.report import format_summary
from contract_tests.run_state import SLICE_OPTIONS
from contract_tests.target import DOCUMENTED_STATUSES


def test_slice_passes_and_reaches_every_required_status(tmp_path: Path) -> None:
    target = emulator_target()
    junit = tmp_path / "contract-junit.xml"
    report = run_suite(target, SLICE_OPTIONS, junit_xml=junit)
    summary = format_summary(report, target=target.description, replay="(slice)")
    assert report.failures == {}, summary
    assert report.tests_failed == 0, summary
    assert report.tests_passed == 2, summary  # the probes and the generated cases
    assert set(DOCUMENTED_STATUSES) <= report.statuses_seen(), summary
    assert report.total_cases >= SLICE_OPTIONS.max_examples, summary
    assert {"examples", "coverage", "fuzzing"} <= set(report.phases), summary
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
        "known_tasks_answer_as_expected",
    ):
        assert report.checks[check] > 0, summary
    root = ET.parse(junit).getroot()  # noqa: S314 - the file this test just wrote
    cases = root.findall(".//testcase")
    assert len(cases) == 2
    assert all(case.find("failure") is None for case in cases)


def test_slice_is_deterministic_for_a_seed() -> None:
    first = run_suite(emulator_target(), SLICE_OPTIONS)
    second = run_suite(emulator_target(), SLICE_OPTIONS)
    assert first.cases == second.cases
    assert first.total_cases > 0
