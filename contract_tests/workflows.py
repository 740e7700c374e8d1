"""The stateful phase: Schemathesis' state machine over the spec's OpenAPI links, sent and judged like
every other case of the run.

A scenario starts with a listing of a known instance and follows the links: a listed task's
progress, its deletion (re-aimed at an absent task unless the target offered it for deletion, see
`destructive.py`) and, after a deletion, the deleted task's progress. Each step goes through
`SuiteRun.send` / `SuiteRun.validate`: the run's session and signer, every built-in and domain
check (the family's cross-operation checks included), the known-fault excuse, the report's counts.
The scenarios come from the run's seed; their number follows the run's budget.
"""

from __future__ import annotations

from typing import Any

import hypothesis
from schemathesis import BaseSchema, Response
from schemathesis.checks import CheckFunction

from .checks import AnyCase
from .run_state import SuiteRun

STEPS_PER_SCENARIO = 6
MIN_SCENARIOS = 5


def scenarios_for(max_examples: int) -> int:
    # A scenario is several requests, each probing further: a twentieth of the per-operation budget.
    return max(MIN_SCENARIOS, max_examples // 20)


def run_workflows(run: SuiteRun, schema: BaseSchema) -> None:
    """Run the stateful phase of `run` on `schema` (raises on a failure, as the other phases do)."""
    if not run.options.send:
        return  # generation without sending (the benchmark's ceiling): a scenario needs answers to go on
    machine: Any = schema.as_state_machine()

    class Workflows(machine):  # type: ignore[misc]  # a class Schemathesis builds at run time
        def call(self, case: AnyCase, **kwargs: Any) -> Response:  # noqa: ANN401 - the base class's signature
            run.report.operations.add(case.operation.label)
            run.report.phases["stateful"] += 1
            response = run.send(case)
            # Not sent (a state-changing step the target does not allow, or out of time) or still
            # throttled: the scenario cannot go on from here.
            hypothesis.assume(response is not None)
            assert response is not None
            return response

        def validate_response(
            self,
            response: Response,
            case: AnyCase,
            additional_checks: list[CheckFunction] | None = None,
            **kwargs: Any,  # noqa: ANN401 - the base class's signature
        ) -> None:
            # The recorder lets Schemathesis' own stateful checks (use_after_free …) see the scenario.
            run.validate(case, response, recorder=self.recorder)

    settings = hypothesis.settings(
        max_examples=scenarios_for(run.options.max_examples),
        stateful_step_count=STEPS_PER_SCENARIO,
        phases=[hypothesis.Phase.generate],
        deadline=None,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    hypothesis.seed(run.options.seed)(Workflows)
    Workflows.run(settings=settings)
