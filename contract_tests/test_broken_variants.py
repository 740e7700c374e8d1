"""A contract suite that cannot fail is worth nothing: each broken emulator variant must be reported."""

from __future__ import annotations

import pytest

from contract_tests.broken_variants import VARIANTS, Variant
from contract_tests.emulator import DEFAULT_SCENARIO_PATH, create_app, load_scenario
from contract_tests.emulator_target import emulator_target
from contract_tests.report import format_summary
from contract_tests.runner import run_suite
from contract_tests.session import SLICE_OPTIONS


@pytest.mark.parametrize("variant", VARIANTS, ids=[variant.name for variant in VARIANTS])
def test_broken_variant_is_reported(variant: Variant) -> None:
    scenario = load_scenario(DEFAULT_SCENARIO_PATH)
    broken = variant.wrap(create_app(scenario), scenario)
    target = emulator_target(scenario, app=broken, label=f"broken emulator ({variant.name})")
    report = run_suite(target, SLICE_OPTIONS)
    reported = {failure.check for failure in report.failures.values()}
    summary = format_summary(report, target=target.description, replay="(proof)")
    assert not report.ok, summary
    assert report.tests_failed == 1, summary
    assert variant.caught_by <= reported, summary
