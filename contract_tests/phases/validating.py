"""Judging one response of a run (`Validator`): Schemathesis' `case.validate_response` with every built-in
check plus the run's own (`checks.registry.AnswerChecks`, `checks.family.FamilyChecks`, made per run for its
target), each verdict recorded through the schema's `after_validate` hook. The requests the cross-operation checks send
themselves are judged the same way (`judge_fetched`), but for the checks that would send more requests; so are the
answers the validating proxy sees pass (`judge_alone`: every check that judges an answer alone, whatever family it
belongs to).

Ours only where Schemathesis has no setting for it: its `not_a_server_error` is excused for the target's
tasks known to fail on that operation alone (the one place a 500 is the documented answer), and a run that
must send its whole budget (the benchmarks) goes on past a failure.
"""

from __future__ import annotations

from typing import Any

from schemathesis import BaseSchema, HookContext, Response
from schemathesis.checks import CheckFunction, CheckResult, not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import ignored_auth, object_level_authorization

from ..checks.base import operation_of
from ..checks.family import FamilyChecks
from ..checks.registry import AnswerChecks
from ..checks.state_changes import StateChecks
from ..record.answers import AnyCase
from ..record.recording import Recorder
from ..settings.table import Settings

# Schemathesis' checks that send requests of their own (the same request unsigned; another identity's read): never
# run on an answer judged alone. The suite's cross-operation checks (`FamilyChecks`) are left out by not being added.
SENDING_CHECKS: tuple[CheckFunction, ...] = (ignored_auth, object_level_authorization)


class Validator:
    """One run's checks, and the hook that records their verdicts."""

    def __init__(self, settings: Settings, recorder: Recorder) -> None:
        self.settings = settings
        self.recorder = recorder
        self.checks = AnswerChecks(recorder.target)
        deleted, excused = self.checks.target.deleted, recorder.report.excused
        self.family = FamilyChecks(recorder.target, deleted, self.judge_fetched, excused)
        self.state = StateChecks(recorder.target, self.family, recorder)

    def watch(self, schema: BaseSchema) -> None:
        """Record every verdict the checks give on `schema`'s cases."""

        def after_validate(
            _context: HookContext, case: AnyCase, response: Response, results: list[CheckResult]
        ) -> None:
            self.recorder.check_results(case, response, results)

        schema.hook("after_validate")(after_validate)
        self.state.schema = schema  # what the state checks' own reads are made of

    def _excused(self, case: AnyCase, response: Response) -> list[CheckFunction]:
        # A task known to fail on this operation must answer 500: only there is `not_a_server_error` excused.
        return [not_a_server_error] if self.checks.target.is_faulty_answer(case, response) else []

    def validate(self, case: AnyCase, response: Response, **context: Any) -> None:  # noqa: ANN401 - Schemathesis' own
        """Every check on one response (`context`: e.g. the stateful phase's recorder); raises on a failure."""
        try:
            case.validate_response(
                response,
                additional_checks=[*self.checks.all, *self.family.all, *self.state.all],
                excluded_checks=self._excused(case, response),
                **context,
            )
        except (AssertionError, FailureGroup):
            # Failures are already in the report (after_validate); only benchmarks keep going.
            if self.settings.stop_on_failure:
                raise

    def judge_alone(self, case: AnyCase, response: Response, excluded: tuple[CheckFunction, ...] = ()) -> None:
        """Every check that judges an answer alone: Schemathesis' own (but `SENDING_CHECKS`) and the run's single-answer
        checks (`AnswerChecks`), minus `excluded`; verdicts recorded, and `FailureGroup` raised on a failure."""
        case.validate_response(
            response,
            additional_checks=self.checks.all,
            excluded_checks=[*SENDING_CHECKS, *self._excused(case, response), *excluded],
        )

    def judge_fetched(self, case: AnyCase, response: Response) -> None:
        """A request a cross-operation check sent, judged like a case by every check that judges an answer
        alone (`judge_alone`); raises an AssertionError naming the failed checks, so the check that sent it fails
        too."""
        report = self.recorder.report
        report.fetched[response.status_code] += 1
        operation = operation_of(case)
        if operation is not None:
            report.by_operation[operation.operation_id][response.status_code] += 1
        try:
            self.judge_alone(case, response)
        except FailureGroup as failed:
            titles = "; ".join(sorted({failure.title for failure in failed.exceptions}))
            request = response.request
            raise AssertionError(
                f"the answer to {request.method} {request.path_url} it sent failed: {titles}"
            ) from None
