"""The contract suite's pytest tests: the suite's own probes (`test_probes`), every operation of `openapi/dcs.yaml`
through every Schemathesis phase and check (`test_operation`), and the stateful phase (`test_workflows`).

Product, not a proof: `runner.run_suite` runs this module with a `runner.SuitePlugin`, whose fixtures bring the
run and its schema, and which parametrizes `test_operation` while collecting; nothing here exists before that.
The name is not `test_*.py`, so plain `pytest` never collects it without that plugin.
"""

from __future__ import annotations

import unittest
from typing import Any

import hypothesis
import pytest
from schemathesis import BaseSchema, Response

from ..record.answers import AnyCase
from .state import STEPS_PER_SCENARIO, SuiteRun, stateful_scenarios


def test_probes(contract_run: SuiteRun) -> None:
    """The suite's own probes that cannot fail authentication (tenancy, unsigned requests, undeclared methods,
    malformed and over-long IDs), before the fuzzing."""
    failed = sorted(contract_run.run_probes())
    assert not failed, f"probes failed: {', '.join(failed)} (details in the summary)"


@pytest.mark.auth_probes  # runner.AUTH_PROBES: runs last
def test_auth_probes(contract_run: SuiteRun) -> None:
    """The probes that may fail authentication with a configured AK (failing signatures, canonical encodings, header
    names in another case), never more than two in a row per AK: last, one at a time; with concurrent workers, one
    chain per AK started with the stateful phase (which sends one request at a time) and went on beside it, and
    here the last of them are waited for."""
    failed = sorted(contract_run.run_auth_probes())
    assert not failed, f"authentication probes failed: {', '.join(failed)} (details in the summary)"


@pytest.mark.every_operation  # runner.EVERY_OPERATION
def test_operation(case: AnyCase, contract_run: SuiteRun) -> None:
    """Phases examples, coverage and fuzzing; every built-in and domain check on each response."""
    contract_run.execute(case)


@pytest.mark.stateful  # runner.STATEFUL
def test_workflows(contract_schema: BaseSchema, contract_run: SuiteRun) -> None:
    """The stateful phase: Schemathesis' state machine over the spec's OpenAPI links, each step sent and judged
    by the run like every other case; the number of scenarios follows the run's budget, their choice its seed.

    A scenario starts with a listing of a known instance and follows the links: a listed task's progress, its
    deletion (re-aimed at an absent task unless the target offered it, `target.policy`) and, after a deletion,
    the deleted task's progress. The test is left out while the spec has no links.
    """
    run = contract_run
    if not run.settings.send or run.sender.out_of_time():
        return  # generation without sending (the benchmark's ceiling), or no time left: a scenario needs answers
    machine: Any = contract_schema.as_state_machine()

    class Workflows(machine):  # type: ignore[misc]  # a class Schemathesis builds at run time
        def step(self, input: Any) -> Any:  # noqa: ANN401 - the base class's signature (StepInput → StepOutput)
            output = super().step(input)
            if input.transition is not None and input.is_applied:  # sent along a link, with what it carried
                run.link_followed(input.transition.id, output.response.status_code)
            return output

        def call(self, case: AnyCase, **kwargs: Any) -> Response:  # noqa: ANN401 - the base class's signature
            response = run.sender.send(case)
            if response is None and run.sender.out_of_time():
                # Hypothesis passes a skip straight on (no replay, no shrinking): the phase stops where it is.
                raise unittest.SkipTest("MAX_TIME is up")
            # Not sent (a state-changing step the target does not allow) or still throttled: the scenario
            # cannot go on from here.
            hypothesis.assume(response is not None)
            assert response is not None
            return response

        def validate_response(self, response: Response, case: AnyCase, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401
            # The recorder lets Schemathesis' own stateful checks (use_after_free …) see the scenario.
            run.validator.validate(case, response, recorder=self.recorder)

    settings = hypothesis.settings(
        max_examples=stateful_scenarios(run.settings.max_examples),
        stateful_step_count=STEPS_PER_SCENARIO,
        phases=[hypothesis.Phase.generate],
        deadline=None,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    hypothesis.seed(run.settings.seed)(Workflows)
    try:
        Workflows.run(settings=settings)
    except unittest.SkipTest:
        return  # the report says the run stopped early, and why
