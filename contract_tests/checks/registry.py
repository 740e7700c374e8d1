"""Every check that judges one answer, gathered for a run (`AnswerChecks`), and the one function that registers the
suite's checks with Schemathesis' own CLI (`register_with_schemathesis`).

A run hands its checks to `Case.validate_response(additional_checks=…)`: nothing is registered in Schemathesis'
global registry when a module is imported, so runs in one process never share a check's state (the progress seen
of each task) and importing the suite changes nothing.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis import CheckContext, Response
from schemathesis.checks import CheckFunction

from ..target.model import Target
from .http_semantics import HTTP_CHECKS
from .hygiene import HYGIENE_CHECKS
from .listing import LISTING_CHECKS
from .progress import PROGRESS_CHECKS, ProgressPolls
from .target_checks import TargetChecks
from .times import TIME_CHECKS, TaskTimes

# The checks that judge an answer by the spec alone (no target, no run state), in the order reports list them.
SPEC_CHECKS: tuple[CheckFunction, ...] = (
    *PROGRESS_CHECKS,
    *LISTING_CHECKS,
    *HTTP_CHECKS,
    *TIME_CHECKS,
    *HYGIENE_CHECKS,
)


class AnswerChecks:
    """The checks of one run that judge one answer: the spec's, the progress polls', and the target's."""

    def __init__(self, target: Target) -> None:
        self.target = TargetChecks(target)
        self.polls = ProgressPolls()
        self.times = TaskTimes()

    @property
    def all(self) -> list[CheckFunction]:
        return [
            *SPEC_CHECKS,
            self.polls.progress_never_decreases,
            self.times.task_created_before_first_step,
            *self.target.all,
        ]


def register_with_schemathesis() -> None:
    """Register the checks that need no target with Schemathesis' global registry, for its CLI (`--checks all`):
    the spec's checks, and the progress polls and task times as class checks (one instance per Schemathesis run)."""

    class progress_never_decreases(ProgressPolls):  # noqa: N801 - the class name is the check's name in reports
        """Between two polls of one task, `progress` never goes down."""

        def after_response(self, ctx: CheckContext, response: Response, case: Any) -> bool | None:  # noqa: ANN401
            return self.progress_never_decreases(ctx, response, case)

    class task_created_before_first_step(TaskTimes):  # noqa: N801 - the class name is the check's name in reports
        """A task's `created_at` (in a listing) is not after the first `begin_time` of its steps (in its progress)."""

        def after_response(self, ctx: CheckContext, response: Response, case: Any) -> bool | None:  # noqa: ANN401
            return self.task_created_before_first_step(ctx, response, case)

    for check in SPEC_CHECKS:
        schemathesis.check(check)
    schemathesis.check(progress_never_decreases)
    schemathesis.check(task_created_before_first_step)
