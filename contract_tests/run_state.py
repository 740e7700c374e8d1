"""The state of one suite run (`SuiteRun`): its target and options, its HTTP session, the per-run
checks, the report it fills, how it builds its schema and sends one case; plus `SLICE_OPTIONS`,
the fixed seed and small budget of `make test`'s slice.

A `SuiteRun` reaches the pytest module only through the fixtures of `plugin.SuitePlugin`; nothing
here is global, so runs in one process (the proofs, the benchmarks) never see each other's state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests
from schemathesis import BaseSchema, HookContext, Response
from schemathesis.checks import CheckFunction, CheckResult, not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.python import asgi

from .checks import AnyCase, TargetChecks
from .checks_family import FamilyChecks
from .destructive import aim_deletes
from .report import FailureRecord, SuiteReport, redact
from .schema import SuiteOptions, build_schema, spec_has_links
from .target import Target

# `make test`'s deterministic slice: a fixed seed and a budget that keeps it to seconds.
SLICE_OPTIONS = SuiteOptions(seed=20240101, max_examples=60)


@dataclass
class SuiteRun:
    target: Target
    options: SuiteOptions
    checks: TargetChecks = field(init=False)
    family: FamilyChecks = field(init=False)
    report: SuiteReport = field(init=False)
    session: requests.Session = field(init=False)

    def __post_init__(self) -> None:
        # One client for the whole run (keep-alive over HTTP; one in-process client for the app).
        app = self.target.app
        # Starlette's and Schemathesis' ASGI aliases differ only in Mapping variance.
        self.session = asgi.get_client(app) if app is not None else requests.Session()  # type: ignore[arg-type]
        self.checks = TargetChecks(self.target)
        self.family = FamilyChecks(self.target, self.checks.deleted)
        self.report = SuiteReport(
            required_statuses=self.target.required_statuses,
            seed=self.options.seed,
            max_examples=self.options.max_examples,
        )

    @property
    def chains_operations(self) -> bool:
        """Whether the stateful phase has anything to chain: it is enabled and the spec has OpenAPI links."""
        return "stateful" in self.options.phases and spec_has_links()

    def build_schema(self) -> BaseSchema:
        """The run's schema (built when the suite's fixture first asks), reporting every check it runs."""
        schema = build_schema(self.target, self.options)

        def after_validate(context: HookContext, case: AnyCase, response: Response, results: list[CheckResult]) -> None:
            self._record_checks(case, response, results)

        schema.hook("after_validate")(after_validate)
        return schema

    def execute(self, case: AnyCase) -> None:
        """One generated case: send it, count its status, run every check (raises on any failure)."""
        self.report.operations.add(case.operation.label)
        # Hand-built cases (the known IDs) carry no metadata: they join the examples phase.
        self.report.phases[case.meta.phase.name.value if case.meta is not None else "examples"] += 1
        if not self.options.send:
            self.report.generated += 1
            return
        self.validate(case, self.send(case))

    def send(self, case: AnyCase) -> Response:
        """Send one case (a DELETE the target did not offer is re-aimed first) and count its status."""
        aim_deletes(case, self.target)
        response = case.call(session=self.session)
        self.report.cases[response.status_code] += 1
        return response

    def validate(self, case: AnyCase, response: Response, **context: Any) -> None:  # noqa: ANN401 - Schemathesis' own
        """Every check on one response (`context`: e.g. the stateful phase's recorder); raises on a failure."""
        # The target's known-faulty task must answer 500: only there is `not_a_server_error` excused.
        excused: list[CheckFunction] | None = (
            [not_a_server_error] if self.checks.is_known_fault(case, response) else None
        )
        try:
            case.validate_response(
                response, additional_checks=[*self.checks.all, *self.family.all], excluded_checks=excused, **context
            )
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
        self.report.probes.update(self.checks.probes)
