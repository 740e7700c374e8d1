"""One run of the suite: its target, options, schema and report, shared by the pytest module and the runner.

`contract_suite.py` is a pytest module whose Schemathesis schema must exist at import time, so the
runner activates a `SuiteRun` before pytest imports it; without one, the module tests the emulator
in-process with the fixed seed of `make test`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests
from schemathesis import HookContext, Response
from schemathesis.checks import CheckFunction, CheckResult, not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.python import asgi

from .checks import AnyCase, RunContext, is_known_fault
from .report import FailureRecord, SuiteReport, redact
from .schema import SuiteOptions, build_schema
from .target import Target

# `make test`'s deterministic slice: a fixed seed and a budget that keeps it to seconds.
SLICE_OPTIONS = SuiteOptions(seed=20240101, max_examples=60)


@dataclass
class SuiteRun:
    target: Target
    options: SuiteOptions
    schema: Any = None
    context: RunContext | None = None
    report: SuiteReport = field(default_factory=SuiteReport)
    session: requests.Session = field(init=False)

    def __post_init__(self) -> None:
        # One client for the whole run (keep-alive over HTTP; one in-process client for the app).
        app = self.target.app
        # Starlette's and Schemathesis' ASGI aliases differ only in Mapping variance.
        self.session = asgi.get_client(app) if app is not None else requests.Session()  # type: ignore[arg-type]
        self.schema, self.context = build_schema(self.target, self.options)
        self.report.seed = self.options.seed
        self.report.max_examples = self.options.max_examples
        self.report.required_statuses = self.target.required_statuses

        def after_validate(context: HookContext, case: AnyCase, response: Response, results: list[CheckResult]) -> None:
            self._record_checks(case, response, results)

        self.schema.hook("after_validate")(after_validate)

    def execute(self, case: AnyCase) -> None:
        """One generated case: send it, count its status, run every check (raises on any failure)."""
        self.report.operations.add(case.operation.label)
        # Hand-built cases (the known IDs) carry no metadata: they join the examples phase.
        self.report.phases[case.meta.phase.name.value if case.meta is not None else "examples"] += 1
        if not self.options.send:
            self.report.generated += 1
            return
        response = case.call(session=self.session)
        self.report.cases[response.status_code] += 1
        # The target's known-faulty task must answer 500: only there is `not_a_server_error` excused.
        excused: list[CheckFunction] | None = [not_a_server_error] if is_known_fault(case, response) else None
        try:
            case.validate_response(response, excluded_checks=excused)
        except (AssertionError, FailureGroup):
            # Failures are already in the report (after_validate); only benchmarks keep going.
            if self.options.stop_on_failure:
                raise

    def _record_checks(self, case: AnyCase, response: Response, results: list[CheckResult]) -> None:
        for result in results:
            self.report.checks[result.name] += 1
            if result.failure is not None:
                self.report.record_failure(
                    FailureRecord(
                        check=result.name,
                        title=redact(result.failure.title, self.target.secrets),
                        message=redact(result.failure.message, self.target.secrets),
                        request=redact(case.as_curl_command(), self.target.secrets),
                        status=response.status_code,
                    )
                )

    def collect_probes(self) -> None:
        """Fold the auth probes the checks sent into the report (call once, after the tests ran)."""
        if self.context is not None:
            self.report.probes.update(self.context.probes)


_ACTIVE: SuiteRun | None = None


def activate(run: SuiteRun | None) -> None:
    global _ACTIVE  # noqa: PLW0603 - the one hand-over point between the runner and the pytest module
    _ACTIVE = run


def current_run() -> SuiteRun:
    """The run the runner activated, or a fresh in-process emulator run with the slice's fixed seed."""
    global _ACTIVE  # noqa: PLW0603
    if _ACTIVE is None:
        from .emulator_target import emulator_target  # noqa: PLC0415 - only this fallback needs the emulator

        _ACTIVE = SuiteRun(emulator_target(), SLICE_OPTIONS)
    return _ACTIVE
