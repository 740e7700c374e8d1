"""`Judge`: the `ExchangeObserver` that judges every exchange through the proxy against the spec, with the contract
suite's own checks, and reports what it found as the suite does.

For each exchange, on the observers' thread (off the hot path; `proxy.observers`):

1. the request: its operation, parameters and values against the spec (`request_rules`);
2. the proxy's own findings (a client signing wrongly, a refusal, an unreachable upstream, …), each under its kind;
3. the service's answer, when one reached the client whole (`passing`): a Schemathesis case of its operation with
   the path and query the client sent, judged by every check that judges an answer alone
   (`phases.validating.Validator.judge_alone`: Schemathesis' response checks and `checks.registry.AnswerChecks`,
   whatever families they hold), verdicts recorded through the suite's `Recorder`; then the cross-operation rules
   that need no request of their own (`traffic_rules`);
4. coverage (operations, parameters, statuses, response keywords reached) and live progress.

Nothing is ever sent: `judge_alone` leaves out the checks that send (`SENDING_CHECKS`), and the cross-operation
rules compare answers the clients asked for. On stop: the summary, and the suite's report files named `proxy-…`;
`exit_code` is 1 when anything was found.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import traceback
from collections import Counter
from typing import TextIO

from dcs_tasks.lib.credentials import Credentials, TokenCredentials
from dcs_tasks.lib.errors import DcsError
from schemathesis import BaseSchema
from schemathesis.checks import CheckFunction
from schemathesis.core.failures import FailureGroup

from ...phases.cases import judging_schema
from ...phases.validating import Validator
from ...record.recording import Recorder
from ...record.run_report import SuiteReport
from ...reporting.coverage import Coverage
from ...reporting.failure_log import FailureLog
from ...reporting.html_report import PROXY, ReportInputs
from ...reporting.outputs import OutputPaths
from ...reporting.progress import choose_mode
from ...settings.reading import describe
from ...spec.api import load_spec
from ...spec.ids import id_key
from ...target.auth import AkSkSigner, IamTokenAuth, TargetAuth
from ...target.model import Target
from ..config import ProxySettings
from ..exchange import Exchange, FindingKind, ProxyRun
from ..headers import HeaderPairs
from ..observers import ExchangeObserver
from .passing import Passing, passing_of, received_request, response_of
from .progress import ProxyProgress
from .report import PREFIX, describe_run, format_proxy_summary, result_line, write_reports
from .request_rules import Problem, request_checks, request_problems
from .traffic_rules import TrafficRules

# The proxy's own findings, as titled in the reports (the message says the particulars).
FINDING_TITLES = {
    FindingKind.CLIENT_SIGNATURE: "the client signed with the proxy's access key, and the signature is wrong",
    FindingKind.STATE_CHANGING_REFUSED: "a state-changing request refused: the proxy is read-only (ALLOW_CHANGES=0)",
    FindingKind.UPSTREAM_UNREACHABLE: "no answer from the upstream (the client got the proxy's 502)",
    FindingKind.UPSTREAM_INTERRUPTED: "the upstream's answer broke off mid-body",
    FindingKind.PROXY_ERROR: "the proxy could not forward the request (the client got its 502)",
}
CREDENTIAL_HEADERS = ("x-auth-token", "x-security-token")  # values a report must not show, whoever sent them
JUDGE_ERROR = "suite_error"  # a check that raised instead of judging: the suite's name for it


def proxy_target(settings: ProxySettings, run: ProxyRun) -> Target:
    """The upstream as the suite's checks know it: its URL, the proxy's credentials (which every forwarded request
    carries, so `signed` checks apply), their secrets, and no known task."""
    keys = settings.credentials.value
    auth: TargetAuth
    secrets: tuple[str, ...]
    if isinstance(keys, TokenCredentials):
        auth, secrets = IamTokenAuth(keys.token), (keys.token,)
    else:
        try:
            current: Credentials = keys.current()
        except DcsError:  # temporary keys the metadata service would not give: no request is known as signed
            current = Credentials("(temporary keys not fetched)", "-")
        auth = AkSkSigner(current.access_key, current.secret_key, current.security_token, current.project_id)
        secrets = tuple(secret for secret in (current.secret_key, current.security_token) if secret)
    return Target(
        description=f"{run.upstream}: clients' traffic through the validating proxy at {run.url}",
        base_url=run.upstream,
        auth=auth,
        secrets=secrets,
        read_only=run.read_only,
        remote=True,
    )


@dataclasses.dataclass
class _Run:
    """What one proxy run judges with, made when the proxy starts."""

    run: ProxyRun
    target: Target
    report: SuiteReport
    recorder: Recorder
    validator: Validator
    schema: BaseSchema
    coverage: Coverage
    failures: FailureLog
    progress: ProxyProgress | None
    traffic: TrafficRules = dataclasses.field(default_factory=TrafficRules)
    polled: dict[tuple[str, ...], float] = dataclasses.field(default_factory=dict)  # task → last poll's end


class Judge(ExchangeObserver):
    """Judges every exchange of one proxy run; `exit_code` and `summary` once the proxy has stopped."""

    def __init__(self, settings: ProxySettings, out: TextIO | None = None) -> None:
        self.settings = settings
        self.out = out or sys.stdout
        self.spec = load_spec(settings.table.spec_path)
        self.paths = OutputPaths(settings.table.reports_dir, PREFIX)
        self.outcomes: Counter[str] = Counter()
        self.client_auth: Counter[str] = Counter()  # how clients authenticated, by kind
        self.secrets: set[str] = set()
        self.exit_code = 0  # 1 once the run has stopped with a finding
        self.summary = ""  # what it printed when the proxy stopped
        self.broken = ""  # why judging could not start, if it could not
        self._run: _Run | None = None
        self._display = contextlib.ExitStack()

    # ── the seam ──
    def on_start(self, run: ProxyRun) -> None:
        try:
            self._start(run)
        except Exception as error:  # judging cannot start: the proxy forwards still, and the run fails (exit 2)
            self.broken = "".join(traceback.format_exception(error))
            print(f"error: the proxy cannot judge: {type(error).__name__}: {error}", file=self.out, flush=True)

    def _start(self, run: ProxyRun) -> None:
        table = self.settings.table
        target = proxy_target(self.settings, run)
        self.secrets.update(target.secrets)
        report = SuiteReport(requirements=())
        report.documented = {op.operation_id: tuple(sorted(op.status_codes)) for op in self.spec.operations}
        failures = FailureLog(target.secrets)
        mode = choose_mode(table.progress, self.out, in_ci=table.in_ci)
        progress = ProxyProgress(self.out, mode=mode) if mode != "off" else None
        observers = [failures, *([progress] if progress is not None else [])]
        recorder = Recorder(report, target, table.request_timeout, observers)
        validator = Validator(table, recorder)
        schema = judging_schema(target, table)
        validator.watch(schema)
        self._run = _Run(run, target, report, recorder, validator, schema, Coverage(self.spec), failures, progress)
        if progress is not None:
            self._display.enter_context(progress.showing())

    def on_exchange(self, exchange: Exchange) -> None:
        state = self._run
        if state is None:
            return  # judging could not start (`broken` says why)
        operation = None
        try:
            operation = self._judge(state, exchange)
        except Exception as error:  # the judge's own bug must not lose the exchange: a finding says so
            text = "".join(traceback.format_exception(error))
            title = f"judging exchange #{exchange.number} raised {type(error).__name__}"
            state.recorder.record(JUDGE_ERROR, title, text, None)
        if state.progress is not None:
            state.progress.judged(operation)

    def _judge(self, state: _Run, exchange: Exchange) -> str | None:
        """Judge one exchange; the ID of its operation (None: no operation of the spec)."""
        self._learn_secrets(exchange, state)
        self.outcomes[exchange.outcome.value] += 1
        self.client_auth[exchange.client_auth.kind.value] += 1
        passing = passing_of(exchange, self.spec, state.run.url)
        for check in (*request_checks(passing), *FINDING_TITLES):
            state.report.checks[check] += 1
        for problem in request_problems(self.spec, passing):
            self._record(state, problem, passing)
        for finding in exchange.findings:
            # The client's own signature is judged on its request as received; the rest on what went upstream.
            sent = received_request(exchange, state.run.url) if finding.kind is FindingKind.CLIENT_SIGNATURE else None
            problem = Problem(finding.kind.value, FINDING_TITLES[finding.kind], finding.message)
            self._record(state, problem, passing, sent)
        if passing.response is not None:
            self._judge_answer(state, passing)
        return passing.operation.operation_id if passing.operation is not None else None

    def on_stop(self, run: ProxyRun, elapsed: float) -> None:
        self._display.close()
        state = self._run
        if state is None:
            print(f"error: nothing was judged: judging could not start\n{self.broken}", file=self.out, flush=True)
            self.exit_code = 2
            return
        report = state.report
        findings = state.failures.failed.total()
        summary = format_proxy_summary(
            report, run=run, elapsed=elapsed, outcomes=self.outcomes, findings=findings, coverage=state.coverage
        )
        exchanges = self.outcomes.total()
        inputs = ReportInputs(
            result=result_line(report, exchanges, findings),
            exit_code=report.exit_code,
            target=state.target.description,
            settings=f"{describe(self.settings.table)}, {'read-only' if run.read_only else 'ALLOW_CHANGES=1'}",
            seed=None,
            max_examples=0,
            replay="",
            report=report,
            coverage=state.coverage,
            failures=state.failures,
            credentials=run.credentials,
            secrets=tuple(sorted(self.secrets)),
            mode=PROXY,
            about=(
                ("proxy", describe_run(run)),
                ("exchanges", f"{exchanges} in {elapsed:.1f} s; by outcome: {dict(sorted(self.outcomes.items()))}"),
                ("clients' credentials", ", ".join(f"{n} {kind}" for kind, n in sorted(self.client_auth.items()))),
            ),
        )
        write_reports(self.paths, inputs, elapsed=elapsed)
        paths = self.paths
        self.summary = (
            f"reports: {paths.junit_xml} (JUnit XML), {paths.summary_json} (summary), {paths.html} (report), "
            f"{paths.har} (exchanges with findings)\n{summary}"
        )
        print(self.summary, file=self.out, flush=True)
        self.exit_code = report.exit_code

    # ── judging ──
    def _judge_answer(self, state: _Run, passing: Passing) -> None:
        operation, response = passing.operation, passing.response
        assert response is not None
        report, status = state.report, response.status_code
        report.cases[status] += 1
        state.coverage.request_answered(passing.exchange.request.method, str(passing.request.url), status)
        if operation is None:
            return  # nothing of the spec to judge it by: `request_operation_documented` said so
        report.operations.add(operation.label)
        report.by_operation[operation.operation_id][status] += 1
        with contextlib.suppress(ValueError):
            state.coverage.body_answered(operation, status, response.json())
        found = state.schema.find_operation_by_label(operation.label)
        assert found is not None  # the schema and the spec are one file
        case = found.Case(path_parameters=passing.path_values, query=passing.query_dict())
        try:
            state.validator.judge_alone(case, response, excluded=self._order_sensitive(state, passing))
        except (AssertionError, FailureGroup):
            pass  # each failure is in the report already (the schema's after_validate hook)
        except Exception as error:  # a check's own bug must not lose the exchange: said, like the suite's errors
            text = "".join(traceback.format_exception(error))
            self._record(state, Problem(JUDGE_ERROR, f"a check raised {type(error).__name__}", text), passing)
        for check in state.traffic.checks(passing):
            report.checks[check] += 1
        for problem in state.traffic.judge(passing):
            self._record(state, problem, passing)

    def _order_sensitive(self, state: _Run, passing: Passing) -> tuple[CheckFunction, ...]:
        """`progress_never_decreases` compares a poll with the one judged before it: left out for a poll that
        overlaps an earlier one of the same task, since the service may have answered the two in either order."""
        if passing.operation is None or not passing.operation.takes_task:
            return ()
        key = id_key(passing.path_values)
        overlaps = passing.sent < state.polled.get(key, float("-inf"))
        state.polled[key] = max(passing.finished, state.polled.get(key, float("-inf")))
        return (state.validator.checks.polls.progress_never_decreases,) if overlaps else ()

    def _record(self, state: _Run, problem: Problem, passing: Passing, sent: object = None) -> None:
        """A finding of a rule that is no Schemathesis check, with its exchange (the HAR's entry)."""
        answer = passing.response
        exchange = passing.exchange
        if answer is None and exchange.answer is not None:  # the proxy's own answer, or one cut off
            answer = response_of(exchange.answer, passing.request, 0.0)
        state.recorder.record(problem.check, problem.title, problem.message, sent or passing.request, answer)

    def _learn_secrets(self, exchange: Exchange, state: _Run) -> None:
        """Credentials a client (or the proxy) sent are scrubbed from every report, wherever they appear."""
        pairs: HeaderPairs = exchange.request.headers + (exchange.forwarded.headers if exchange.forwarded else ())
        found = {value.strip() for name, value in pairs if name.lower() in CREDENTIAL_HEADERS and value.strip()}
        if found - self.secrets:
            self.secrets |= found
            secrets = tuple(sorted(self.secrets))
            state.recorder.target = dataclasses.replace(state.recorder.target, secrets=secrets)
            state.failures.secrets = secrets
