"""How what a run finds gets into its report (`Recorder`): a check's verdict on a response, a request that
got no answer, a probe's wrong answer, a test that failed without a check saying why. Each becomes a
`FailureRecord` with credentials scrubbed, the request as a curl command and the command that re-sends it,
and is passed on to the run's observers (`RunObserver`).

Ours because Schemathesis keeps such records only inside its CLI engine; under pytest it raises them.
"""

from __future__ import annotations

import contextlib
import shlex
import threading
from collections.abc import Iterator, Sequence

import requests
from schemathesis import Response
from schemathesis.checks import CheckResult
from schemathesis.core import curl

from ..target.model import Target
from .answers import Answer, AnyCase
from .findings import FailureRecord, redact
from .request_ids import RequestIds
from .run_report import SuiteReport


class RunObserver:
    """What plugs into a run (a live progress display, spec coverage, the file of failing exchanges): told of the
    tests the run will run and each as it starts and ends, every case as the run is done sending it, every failure
    as it is recorded, every exchange on the wire (probes, the checks' own fetches and 429s re-sent included), the
    request of a failure that got no answer, and each OpenAPI link the stateful phase follows. Its methods do
    nothing, so an observer overrides what it uses.
    """

    def tests_planned(self, names: Sequence[str]) -> None:
        """The suite's tests, in running order (`test_probes`, `test_operation[GET /path]`, …, `test_workflows`)."""

    def test_started(self, name: str) -> None:
        """One of those tests begins."""

    def test_finished(self, name: str, passed: bool) -> None:
        """One of those tests is over."""

    def case_done(self, case: AnyCase, response: Response | None) -> None:
        """`response` is None when the case was not sent (out of time, withheld, generation only) or stayed 429."""

    def failure_recorded(self, failure: FailureRecord, response: Answer | None) -> None:
        """`response` (its `request` included) is None when the request got no answer."""

    def request_failed(self, failure: FailureRecord, request: requests.PreparedRequest) -> None:
        """After `failure_recorded` for a request that got no answer (timeout, connection failed): that request."""

    def exchange(self, request: requests.PreparedRequest, response: requests.Response) -> None:
        """Every answer any request of the run got (each 429 too, before it is re-sent). The body may not be
        read yet (Schemathesis streams it): observers look at the request, the status and the headers only."""

    def link_followed(self, transition: str, status: int) -> None:
        """The stateful phase sent a request along an OpenAPI link (`transition`, as Schemathesis names it:
        `GET /a -> [200] LinkName -> GET /b`) and got `status`."""


def field_path(parts: list[str | int]) -> str:
    """`["step_details", 0, "begin_time"]` → `step_details[0].begin_time` (`<body>` for the whole document)."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "<body>"


def _text(body: str | bytes) -> str:
    return body if isinstance(body, str) else body.decode("utf-8", "replace")


def curl_command(request: requests.PreparedRequest, secrets: tuple[str, ...]) -> str:
    """A sent request as Schemathesis writes a case's curl command (`Case.as_curl_command`), secrets redacted."""
    headers = {name: _text(value) for name, value in request.headers.items()}
    method, url, body = str(request.method), str(request.url), request.body
    command = curl.generate(method=method, url=url, body=body, verify=True, headers=headers, known_generated_headers={})
    return redact(command.command, secrets)


TRACE_MARKER = "X-Trace-Marker"  # the header a TRACE probe carries, to see whether the answer echoes it
# The headers a probe chooses (`phases.probes.semantics`): a replay command names them when sent otherwise than by
# default; every other header is set afresh by the replay (`requests`, the signer).
REPLAYED_HEADERS = frozenset({"accept", TRACE_MARKER.lower()})


def replay_command(base_url: str | None, auth: str, request: requests.PreparedRequest) -> str:
    """The command that re-sends one request (signed afresh from the environment or the emulator's scenario)."""
    parts = [".venv/bin/python", "-m", "contract_tests.replay"]
    if base_url:
        parts += ["--base-url", base_url]
    parts += ["--auth", auth]
    if isinstance(request.body, (str, bytes)) and request.body:
        parts += ["--data", _text(request.body)]
    for name, value in request.headers.items():
        if name.lower() in REPLAYED_HEADERS and _text(value) != "*/*":
            parts += ["--header", f"{name}: {_text(value)}"]
    parts += [str(request.method), request.path_url]
    return shlex.join(parts)


class Recorder:
    """Records one run's failures in its report, and tells its observers."""

    def __init__(
        self, report: SuiteReport, target: Target, timeout: float, observers: Sequence[RunObserver] = ()
    ) -> None:
        self.report = report
        self.target = target
        self.timeout = timeout  # REQUEST_TIMEOUT, in seconds
        self.observers = observers
        # Where a replayed request goes: the configured server; None for the emulator (replay starts one).
        self.replay_base_url = target.base_url if target.remote else None
        self._collecting = threading.local()  # per thread: the checks whose failures `collecting` gathers

    @contextlib.contextmanager
    def collecting(self) -> Iterator[set[str]]:
        """The checks of the failures this thread records inside the block (the 429 judged before a re-send, a
        repeated request ID, a wrong answer, no answer): what one probe found, whatever else runs meanwhile."""
        outer, checks = getattr(self._collecting, "checks", None), set[str]()
        self._collecting.checks = checks
        try:
            yield checks
        finally:
            self._collecting.checks = outer
            if outer is not None:
                outer |= checks

    def record(
        self,
        check: str,
        title: str,
        text: str,
        sent: object,
        answer: Answer | None = None,
        *,
        auth: str = "",
        field: str = "",
    ) -> None:
        """One failure, scrubbed of secrets, with the request `sent` as curl and replay commands (`auth`: how it was
        sent; by default signed or not as it went), the failing `answer` if there was one, and the body's `field`."""
        secrets, request, replay = self.target.secrets, "", ""
        if isinstance(sent, requests.PreparedRequest):
            auth = auth or ("signed" if self.target.auth.authenticated(sent) else "unsigned")
            request, replay = curl_command(sent, secrets), replay_command(self.replay_base_url, auth, sent)
        status = answer.status_code if answer is not None else None
        failure = FailureRecord(check, redact(title, secrets), redact(text, secrets), request, status, replay, field)
        self.report.record_failure(failure)
        collected: set[str] | None = getattr(self._collecting, "checks", None)
        if collected is not None:
            collected.add(check)
        for observer in self.observers:
            observer.failure_recorded(failure, answer)
            if answer is None and isinstance(sent, requests.PreparedRequest):
                observer.request_failed(failure, sent)

    def check_results(self, case: AnyCase, response: Response, results: list[CheckResult]) -> None:
        """Schemathesis' verdicts on one response (its `after_validate` hook): each counted, each failure recorded."""
        for result in results:
            self.report.checks[result.name] += 1
            self.report.checks_by_operation[result.name, case.operation.label] += 1
            if (failure := result.failure) is not None:
                path = getattr(failure, "instance_path", None)
                field = field_path(path) if isinstance(path, list) else ""
                self.record(result.name, failure.title, failure.message, response.request, response, field=field)

    def wrong_answer(self, check: str, title: str, response: requests.Response, auth: str) -> None:
        """A probe's answer its check refused: status, headers and the start of the body."""
        body = f"status {response.status_code}, headers {dict(response.headers)}\nbody: {response.text[:2000]}"
        self.record(check, title, body, response.request, response, auth=auth)

    def request_id(self, request_ids: RequestIds, response: requests.Response, auth: str = "") -> None:
        """`request_id_unique` on an answer no Schemathesis check sees (a probe's, a throttled one)."""
        self.report.checks["request_id_unique"] += 1
        problem = request_ids.repeated(response)
        if problem is not None:
            self.wrong_answer("request_id_unique", problem, response, auth)

    def no_answer(self, where: str, error: requests.RequestException, elapsed: float, auth: str = "") -> str:
        """A request (`where`: what was sent) that got no answer within REQUEST_TIMEOUT (`request_timeout`) or no
        connection (`connection_error`), recorded with the time it took; returns the same in one line."""
        timed_out = isinstance(error, requests.Timeout)
        check = "request_timeout" if timed_out else "connection_error"
        what = f"no answer within REQUEST_TIMEOUT={self.timeout:g} s"
        what = what if timed_out else f"connection failed: {describe_connection_error(error)}"
        line = f"{what} (after {elapsed:.1f} s)"
        self.record(check, f"{where}: {line}", str(error), error.request, auth=auth)
        return f"{check}: {line}"

    def error(self, test: str, text: str) -> None:
        """A test failed without a check saying why: its own error text becomes the failure shown."""
        lines = [line for line in text.splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("E ")] or lines[-1:]
        title = f"{test}: {errors[0].removeprefix('E ').strip() if errors else 'failed'}"
        self.record("suite_error", title, "\n".join(lines[-20:]), None)


_DNS = ("name or service not known", "nodename nor servname", "getaddrinfo", "name resolution", "no address associated")
_CAUSES = (  # words in a chain of connection errors → what they mean
    (("refused",), "connection refused (nothing listens at that host and port)"),
    (_DNS, "DNS lookup failed (the host name does not resolve)"),
    (("timed out", "timeout"), "connect timed out (no answer from that host)"),
    (("ssl", "certificate"), "TLS handshake failed"),
    (("reset", "aborted", "remotedisconnected"), "connection reset by the server"),
)


def describe_connection_error(error: BaseException) -> str:
    """`connection refused`, `DNS lookup failed`, … in words, from the chain of causes requests wraps."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    text = " ".join([*map(repr, chain), *(str(arg) for item in chain for arg in item.args)]).lower()
    return next((meaning for words, meaning in _CAUSES if any(word in text for word in words)), type(error).__name__)
