"""The contract suite's pytest tests: the suite's own probes (`test_probes`), every operation of
`openapi/dcs.yaml` through every Schemathesis phase and check (`test_operation`), and the operations
chained along OpenAPI links (`test_workflows`).

Product, not a proof: `pytest_runner.run_suite` runs this module with a `plugin.SuitePlugin`, whose
fixtures bring the target and the run's state and which builds the schema while collecting; nothing
here exists before that. The name is not `test_*.py`, so plain `pytest` never collects it without
that plugin.
"""

from __future__ import annotations

import pytest
from schemathesis import BaseSchema

from contract_tests.checks import AnyCase
from contract_tests.plugin import for_every_operation
from contract_tests.run_state import SuiteRun
from contract_tests.workflows import run_workflows


def test_probes(contract_run: SuiteRun) -> None:
    """The suite's own probes (tenancy, authentication, undeclared methods, over-long IDs), before the fuzzing."""
    contract_run.run_probes()
    failed = sorted({failure.check for failure in contract_run.report.failures.values()})
    assert not failed, f"probes failed: {', '.join(failed)} (details in the summary)"


@for_every_operation
def test_operation(case: AnyCase, contract_run: SuiteRun) -> None:
    """Phases examples, coverage and fuzzing; every built-in and domain check on each response."""
    contract_run.execute(case)


@pytest.mark.stateful  # plugin.STATEFUL_MARKER
def test_workflows(contract_schema: BaseSchema, contract_run: SuiteRun) -> None:
    """The stateful phase: chains operations along the spec's OpenAPI links (left out while it has none)."""
    run_workflows(contract_run, contract_schema)
