"""Sending one case of a run (`Sender`): counted by phase, operation and status; not sent once MAX_TIME is
up, nor when state-changing and the target does not allow it (one it did not offer is re-aimed first,
`target.policy`, and counted by what was done to it); sent with `case.call` on the run's session, a missing
answer named as a `request_timeout` or `connection_error` failure with the request and the time taken.

Ours because Schemathesis' pytest integration has no wall-clock budget (its `max-time` is the CLI
engine's), no rule for which state-changing requests may go out, and turns no answer into a traceback.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import requests
from schemathesis import Response

from ..checks.base import operation_of
from ..record.answers import AnyCase
from ..record.recording import Recorder
from ..record.run_report import SuiteReport
from ..record.transport import THROTTLED
from ..settings.table import Settings
from ..spec.api import ApiSpec
from ..target.model import Target
from ..target.policy import Aim, aim_state_change, withheld_because


class Sender:
    """Sends one run's cases through its session, within its budget and its target's rules."""

    def __init__(
        self,
        target: Target,
        spec: ApiSpec,
        settings: Settings,
        session: Callable[[], requests.Session],
        recorder: Recorder,
    ) -> None:
        self.target, self.spec, self.settings, self.session, self.recorder = target, spec, settings, session, recorder
        self.report: SuiteReport = recorder.report
        self.started = time.monotonic()
        self.before_change: Callable[[AnyCase], None] | None = None  # told of each request aimed at an offered task

    def out_of_time(self) -> bool:
        limit = self.settings.max_time
        if limit is None or time.monotonic() - self.started < limit:
            return False
        self.report.stopped = self.report.stopped or f"MAX_TIME {limit:g} s reached"
        return True

    def send(self, case: AnyCase) -> Response | None:
        """Send one case and count it; None when it is not sent or stays 429 after every retry (nothing to judge)."""
        response = self._send(case)
        for observer in self.recorder.observers:
            observer.case_done(case, response)
        return response

    def _send(self, case: AnyCase) -> Response | None:
        report = self.report
        report.operations.add(case.operation.label)
        # Hand-built cases (the known IDs) carry no metadata: they join the examples phase.
        report.phases[case.meta.phase.name.value if case.meta is not None else "examples"] += 1
        if not self.settings.send:
            report.generated += 1
            return None
        if self.out_of_time():
            report.unsent += 1
            return None
        aim = aim_state_change(case, self.target, self.spec, report.gone)
        reason = withheld_because(self.target, self.spec, case.method, case.operation.path, aim)
        if reason is not None:
            report.withheld += 1
            report.withheld_because[reason] += 1
            return None
        if aim is not Aim.READ:
            report.state_changing[aim.value] += 1
        if aim is Aim.CHANGEABLE and self.before_change is not None:
            self.before_change(case)
        response = self._call(case)
        report.cases[response.status_code] += 1
        operation = operation_of(case)
        if operation is not None and case.method.upper() == operation.method:  # not an undeclared-method case
            report.by_operation[operation.operation_id][response.status_code] += 1
        return None if response.status_code == THROTTLED else response

    def _call(self, case: AnyCase) -> Response:
        started = time.monotonic()
        try:
            return case.call(session=self.session())  # this thread's (concurrent workers each have their own)
        except (requests.Timeout, requests.ConnectionError) as error:
            where = f"{case.method} {case.operation.path}"
            raise AssertionError(self.recorder.no_answer(where, error, time.monotonic() - started)) from None
