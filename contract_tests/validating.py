"""Judging one response of a run (`Validator`): Schemathesis' `case.validate_response` with every built-in
check plus the run's own (`checks.TargetChecks`, `checks_family.FamilyChecks`, made per run for its target),
each verdict recorded through the schema's `after_validate` hook.

Ours only where Schemathesis has no setting for it: its `not_a_server_error` is excused for the target's
known-faulty task alone (the one place a 500 is the documented answer), and a run that must send its
whole budget (the benchmarks) goes on past a failure.
"""

from __future__ import annotations

from typing import Any

from schemathesis import BaseSchema, HookContext, Response
from schemathesis.checks import CheckFunction, CheckResult, not_a_server_error
from schemathesis.core.failures import FailureGroup

from .checks import AnyCase, TargetChecks
from .checks_family import FamilyChecks
from .recording import Recorder
from .schema import SuiteOptions


class Validator:
    """One run's checks, and the hook that records their verdicts."""

    def __init__(self, options: SuiteOptions, recorder: Recorder) -> None:
        self.options = options
        self.recorder = recorder
        self.checks = TargetChecks(recorder.target)
        self.family = FamilyChecks(recorder.target, self.checks.deleted)

    def watch(self, schema: BaseSchema) -> None:
        """Record every verdict the checks give on `schema`'s cases."""

        def after_validate(context: HookContext, case: AnyCase, response: Response, results: list[CheckResult]) -> None:
            self.recorder.check_results(case, response, results)

        schema.hook("after_validate")(after_validate)

    def validate(self, case: AnyCase, response: Response, **context: Any) -> None:  # noqa: ANN401 - Schemathesis' own
        """Every check on one response (`context`: e.g. the stateful phase's recorder); raises on a failure."""
        # The target's known-faulty task must answer 500: only there is `not_a_server_error` excused.
        fault = self.checks.is_known_fault(case, response)
        excused: list[CheckFunction] | None = [not_a_server_error] if fault else None
        try:
            case.validate_response(
                response, additional_checks=[*self.checks.all, *self.family.all], excluded_checks=excused, **context
            )
        except (AssertionError, FailureGroup):
            # Failures are already in the report (after_validate); only benchmarks keep going.
            if self.options.stop_on_failure:
                raise
