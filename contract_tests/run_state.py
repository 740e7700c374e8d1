"""The state of one suite run (`SuiteRun`): its target and options, its HTTP session, the per-run
checks, the report it fills, how it builds its schema and sends one case; plus `SLICE_OPTIONS`,
the fixed seed and small budget of `make test`'s slice.

A `SuiteRun` reaches the pytest module only through the fixtures of `plugin.SuitePlugin`; nothing
here is global, so runs in one process (the proofs, the benchmarks) never see each other's state.
"""

from __future__ import annotations

import contextlib
import time
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
from .probes import ProbeRunner, build_probes, replay_command
from .report import FailureRecord, SuiteReport, redact
from .schema import SuiteOptions, build_schema, spec_has_links
from .staging_config import may_send
from .target import Target
from .transport import THROTTLED, paced_requests

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
        self.started = time.monotonic()

    def paced(self) -> contextlib.AbstractContextManager[None]:
        """The run's pacing, 429 retries and timing, for every request sent while it is open."""
        options = self.options
        stats = self.report.transport
        return paced_requests(stats, rate_limit=options.rate_limit, slow_after=options.slow_after, sleep=options.sleep)

    @property
    def replay_base_url(self) -> str | None:
        """Where a replayed request goes: the configured server; None for the emulator (replay starts one)."""
        return self.target.base_url if self.target.remote else None

    def _out_of_time(self) -> bool:
        limit = self.options.max_time
        if limit is None or time.monotonic() - self.started < limit:
            return False
        self.report.stopped = self.report.stopped or f"MAX_TIME {limit:g} s reached"
        return True

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
        response = self.send(case)
        if response is not None:
            self.validate(case, response)

    def send(self, case: AnyCase) -> Response | None:
        """Send one case and count its status; None when it is not sent (out of time, or a state-changing
        request the target does not allow) or stays throttled after every retry (nothing to judge).
        A DELETE the target did not offer is re-aimed at an absent task first."""
        if self._out_of_time():
            self.report.unsent += 1
            return None
        aim_deletes(case, self.target)
        if not may_send(self.target, case.method, case.operation.path, case.path_parameters):
            self.report.withheld += 1
            return None
        response = self._call(case)
        self.report.cases[response.status_code] += 1
        return None if response.status_code == THROTTLED else response

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

    def _call(self, case: AnyCase) -> Response:
        """Send `case`; no answer in time, or no connection, is a named failure with the request and the time taken."""
        started = time.monotonic()
        try:
            return case.call(session=self.session)
        except (requests.Timeout, requests.ConnectionError) as error:
            elapsed = time.monotonic() - started
            timed_out = isinstance(error, requests.Timeout)
            check = "request_timeout" if timed_out else "connection_error"
            what = (
                f"no answer within REQUEST_TIMEOUT={self.options.request_timeout:g} s"
                if timed_out
                else f"connection failed: {describe_connection_error(error)}"
            )
            secrets = self.target.secrets
            self.report.record_failure(
                FailureRecord(
                    check=check,
                    title=f"{case.method} {case.operation.path}: {what} (after {elapsed:.1f} s)",
                    message=redact(str(error), secrets),
                    request=redact(case.as_curl_command(), secrets),
                    status=None,
                    replay=self._replay(error.request),
                )
            )
            raise AssertionError(f"{check}: {what} (after {elapsed:.1f} s)") from None

    def _replay(self, request: object, auth: str = "signed") -> str:
        if not isinstance(request, requests.PreparedRequest):
            return ""
        if not self.target.auth.authenticated(request):
            auth = "unsigned"
        return replay_command(self.replay_base_url, auth, request)

    def _record_checks(self, case: AnyCase, response: Response, results: list[CheckResult]) -> None:
        for result in results:
            self.report.checks[result.name] += 1
            failure = result.failure
            if failure is not None:
                path = getattr(failure, "instance_path", None)
                self.report.record_failure(
                    FailureRecord(
                        check=result.name,
                        title=redact(failure.title, self.target.secrets),
                        message=redact(failure.message, self.target.secrets),
                        request=redact(case.as_curl_command(), self.target.secrets),
                        status=response.status_code,
                        replay=self._replay(response.request),
                        field=field_path(path) if isinstance(path, list) else "",
                    )
                )

    def record_error(self, test: str, text: str) -> None:
        """A test failed without a check saying why: its own error text becomes the failure shown."""
        lines = [line for line in redact(text, self.target.secrets).splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("E ")] or lines[-1:]
        self.report.record_failure(
            FailureRecord(
                check="suite_error",
                title=f"{test}: {errors[0].removeprefix('E ').strip() if errors else 'failed'}",
                message="\n".join(lines[-20:]),
                request="",
                status=None,
            )
        )

    def run_probes(self) -> None:
        """The suite's own probes (`probes.py`), each judged by the check named for it; stops at MAX_TIME."""
        if not self.options.send or self._out_of_time():
            return
        runner = ProbeRunner(
            self.target,
            self.session,
            self.report,
            timeout=self.options.request_timeout,
            replay_base_url=self.replay_base_url,
        )
        runner.run(build_probes(self.target, failing_ak=self.options.auth_probes))


def field_path(parts: list[str | int]) -> str:
    """`["step_details", 0, "begin_time"]` → `step_details[0].begin_time` (`<body>` for the whole document)."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "<body>"


def describe_connection_error(error: BaseException) -> str:
    """`connection refused`, `DNS lookup failed`, … in words, from the chain of causes requests wraps."""
    text = repr(error)
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    text = " ".join(repr(item) for item in chain) + " " + " ".join(str(arg) for item in chain for arg in item.args)
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused (nothing listens at that host and port)"
    if any(
        word in lowered
        for word in (
            "name or service not known",
            "nodename nor servname",
            "getaddrinfo",
            "name resolution",
            "no address associated",
        )
    ):
        return "DNS lookup failed (the host name does not resolve)"
    if "timed out" in lowered or "timeout" in lowered:
        return "connect timed out (no answer from that host)"
    if "ssl" in lowered or "certificate" in lowered:
        return "TLS handshake failed"
    if "reset" in lowered or "aborted" in lowered or "remotedisconnected" in lowered:
        return "connection reset by the server"
    return type(error).__name__
