"""A contract suite that cannot fail is worth nothing: each broken emulator variant must be reported."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from contract_tests.emulator import DEFAULT_SCENARIO_PATH, create_app, load_scenario
from contract_tests.emulator.server import serve_in_thread
from contract_tests.reporting.summary import format_summary
from contract_tests.run.runner import run_suite
from contract_tests.run.state import SuiteRun
from contract_tests.target.auth import IamTokenAuth
from contract_tests.target.emulator import emulator_target

from .broken.bounds import BOUNDS_VARIANTS
from .broken.family import FAMILY_VARIANTS
from .broken.http_front import Refuses, http_front
from .broken.hygiene import HYGIENE_VARIANTS
from .broken.negotiation import NEGOTIATION_VARIANTS
from .broken.routing import ROUTING_VARIANTS
from .broken.rules import RULE_VARIANTS
from .broken.signing import HEADER_CASE, HEADER_CASE_VARIANTS, SIGNING_VARIANTS
from .broken.state import STATE_VARIANTS
from .broken.statuses import STATUS_VARIANTS
from .broken.times import TIME_VARIANTS
from .broken.variants import VARIANTS, Variant
from .slice import SLICE_OPTIONS

pytestmark = pytest.mark.slow  # a suite run against each broken emulator

ALL_VARIANTS = (
    *VARIANTS,
    *FAMILY_VARIANTS,
    *RULE_VARIANTS,
    *STATUS_VARIANTS,
    *SIGNING_VARIANTS,
    *TIME_VARIANTS,
    *HYGIENE_VARIANTS,
    *STATE_VARIANTS,
    *ROUTING_VARIANTS,
    *NEGOTIATION_VARIANTS,
    *BOUNDS_VARIANTS,
)


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=[variant.name for variant in ALL_VARIANTS])
def test_broken_variant_is_reported(variant: Variant) -> None:
    scenario = load_scenario(DEFAULT_SCENARIO_PATH)
    broken = variant.wrap(create_app(scenario), scenario)
    target = emulator_target(scenario, app=broken, label=f"broken emulator ({variant.name})")
    report = run_suite(SuiteRun(target, SLICE_OPTIONS))
    reported = {failure.check for failure in report.failures.values()}
    summary = format_summary(report, target=target.description, replay="(proof)")
    assert not report.ok, summary
    assert report.tests_failed >= 1, summary
    assert variant.caught_by <= reported, summary


@pytest.mark.parametrize(("name", "refuses"), HEADER_CASE_VARIANTS, ids=[name for name, _ in HEADER_CASE_VARIANTS])
def test_broken_http_front_is_reported(name: str, refuses: Refuses) -> None:
    """Servers that read header names as sent, which only HTTP shows (the in-process transport lower-cases them):
    the emulator over loopback behind a front with the bug."""
    scenario = load_scenario(DEFAULT_SCENARIO_PATH)
    with serve_in_thread(create_app(scenario)) as upstream, http_front(upstream, refuses) as url:
        target = emulator_target(scenario, base_url=url, label=f"broken server ({name})")
        report = run_suite(SuiteRun(target, SLICE_OPTIONS))
    summary = format_summary(report, target=target.description, replay="(proof)")
    assert not report.ok, summary
    assert {failure.check for failure in report.failures.values()} >= HEADER_CASE, summary


def test_failure_reports_hold_no_secret(tmp_path: Path) -> None:
    """Schemathesis prints the failing request; with a token the header carries the secret itself."""
    scenario = load_scenario(DEFAULT_SCENARIO_PATH)
    token = scenario.demo.token
    assert token is not None
    content_type = next(variant for variant in VARIANTS if variant.name == "wrong Content-Type")
    target = dataclasses.replace(
        emulator_target(scenario, app=content_type.wrap(create_app(scenario), scenario)),
        auth=IamTokenAuth(token),
        secrets=(token,),
    )
    junit = tmp_path / "junit.xml"
    report = run_suite(SuiteRun(target, SLICE_OPTIONS), junit_xml=junit)
    written = junit.read_text(encoding="utf-8")
    assert report.failures
    assert "<failure" in written
    assert "X-Auth-Token: [redacted]" in written  # the header was there, its value scrubbed
    assert token not in written + report.to_json()
