"""The checks that judge an answer by what one run's target is known to hold (`TargetChecks`): what a known task
must answer on each operation, that every answer has its own `X-Request-Id`, and that a correctly signed request
is never refused with 401. Made per run and handed to `Case.validate_response(additional_checks=…)`, so each run's
checks see its own target and answers; the bound methods' names are the checks' names in reports.
"""

from __future__ import annotations

from collections.abc import Mapping

from schemathesis import CheckContext, Response
from schemathesis.checks import CheckFunction

from ..record.answers import Answer, AnyCase, header, is_error_body
from ..record.request_ids import RequestIds
from ..spec.api import OperationSpec
from ..spec.ids import id_key, keys_of
from ..target.model import ABSENT_TASK, Target
from .base import SKIPPED, case_key, operation_of


class TargetChecks:
    """The checks that judge responses by what one run's target is known to hold and by what the run has seen
    (the suite's own probes, tampered signatures included, are in `phases.probes`).

    Made per run and handed to `Case.validate_response(additional_checks=…)`, so each run's checks see
    its own target and answers; the bound methods' names are the checks' names in reports.
    """

    def __init__(self, target: Target) -> None:
        self.target = target
        # Tasks this run deleted: what they answer now is judged by `checks.family.FamilyChecks.deleted_task_is_gone`.
        self.deleted: set[tuple[str, ...]] = set()
        self.request_ids = RequestIds()

    @property
    def all(self) -> list[CheckFunction]:
        return [self.known_tasks_answer_as_expected, self.request_id_unique, self.signed_request_accepted]

    def signed(self, answer: Answer) -> bool:
        # Judged on the request as sent: it carries the target's credentials or it does not.
        return answer.request is not None and self.target.auth.authenticated(answer.request)

    def is_faulty_answer(self, case: AnyCase, response: Response) -> bool:
        """A signed request for a task (or instance) known to fail on this operation, answered 500 as it should be.

        The one case where a server error is the right answer: Schemathesis' `not_a_server_error` is
        excused for it (its body and headers are still checked); any other 500 fails the run.
        """
        operation = operation_of(case)
        return (
            operation is not None
            and response.status_code == 500
            and self.signed(response)
            and id_key(case.path_parameters, operation.id_parameters) in self.target.faulty_keys(operation)
        )

    def request_id_unique(self, _ctx: CheckContext, response: Response, _case: AnyCase) -> bool | None:
        """Every answer of a run carries its own `X-Request-Id` (judged on every operation, probes included)."""
        problem = self.request_ids.repeated(response)
        if problem is not None:
            raise AssertionError(problem)
        return None if header(response, "X-Request-Id") else SKIPPED

    def signed_request_accepted(self, _ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        """A request signed correctly with the target's credentials is never refused with 401 (every operation)."""
        if not self.signed(response):
            return SKIPPED
        if response.status_code == 401:
            raise AssertionError(
                f"a correctly signed {case.method} answered 401: the server refuses what the documented "
                "signing algorithm produced (canonical path or query, signed headers, or a locked AK?)"
            )
        return None

    def expected(self, operation: OperationSpec, parameters: Mapping[str, object]) -> tuple[frozenset[int], str] | None:
        """What a signed request of `operation` for these IDs must answer, and why; None when nothing is known."""
        target, names, op = self.target, operation.id_parameters, operation.operation_id
        key = id_key(parameters, names)
        changeable = operation.takes_task and key in keys_of(target.changeable_for(op), names)
        if key in target.faulty_keys(operation) and (changeable or not operation.changes_state):
            what = "task" if operation.takes_task else "instance"
            return frozenset({500}), f"a {what} whose backend is known to fail there (with the documented error body)"
        if changeable:
            return operation.success_statuses, "a task the run may change"
        if not operation.changes_state and key in keys_of(target.readable_for(operation), names):
            return operation.success_statuses, "a task (or instance) the credentials may read"
        if key in keys_of(target.foreign_tasks, names):
            return frozenset({403, 404}), "another project's task (or instance)"
        absent_below_readable = key[-1:] == (ABSENT_TASK,) and key[:-1] in keys_of(target.readable_tasks, names[:-1])
        if key in keys_of(target.missing_tasks, names) or absent_below_readable:
            return frozenset({404}), "a well-formed ID that does not exist"
        return None

    def known_tasks_answer_as_expected(self, _ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        """A readable task answers a documented success to every read operation (401 unsigned), a task (or
        instance) known to fail there 500 with the error body, a task the run may change a documented success to
        the state-changing operations offered (500 where it is known to fail), another project's task never 2xx,
        an unknown ID 404 (every operation taking the IDs)."""
        operation = operation_of(case)
        if operation is None or not operation.id_parameters:
            return SKIPPED
        if operation.takes_task and case_key(case) in self.deleted:
            return SKIPPED
        expected = self.expected(operation, case.path_parameters or {})
        status = response.status_code
        if expected is None:
            return SKIPPED
        statuses, what = expected
        if case.meta is not None and case.meta.generation.mode.is_negative:
            statuses |= {400}  # a value off the schema (a query, a header) may be refused before any lookup
        if not self.signed(response):
            if statuses & operation.success_statuses and status != 401:
                raise AssertionError(f"an unsigned request for {what} answered {status}, expected 401")
            return None
        if status not in statuses or (500 in statuses and not is_error_body(response)):
            documented = "/".join(map(str, sorted(statuses)))
            raise AssertionError(f"{case.method} for {what} answered {status}, expected {documented}")
        return None
