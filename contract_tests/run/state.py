"""One suite run (`SuiteRun`): its target and settings, the HTTP session all its requests share, and the parts
that do its jobs — pacing (`transport`), sending (`sending.Sender`), validating (`validating.Validator`; a 429
before it is sent again: `checks.throttled.ThrottledAnswers`), recording (`record.recording.Recorder`, into a
`record.run_report.SuiteReport`) and the probes (`phases.probes.ProbeRunner`).

A `SuiteRun` reaches the pytest module only through the fixtures of `runner.SuitePlugin`; nothing here is
global, so runs in one process (the proofs, the benchmarks) never see each other's state. Its observers
(`record.recording.RunObserver`) hear of its tests, cases, failures, every exchange on the wire and each link followed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import requests
from schemathesis import BaseSchema
from schemathesis.python import asgi

from ..checks.throttled import ThrottledAnswers
from ..phases.cases import build_schema
from ..phases.probes.plan import build_probes
from ..phases.probes.runner import ProbeRunner
from ..phases.sending import Sender
from ..phases.validating import Validator
from ..record.answers import AnyCase
from ..record.recording import Recorder, RunObserver
from ..record.run_report import SuiteReport
from ..record.transport import paced_requests
from ..settings.table import Settings
from ..spec.api import load_spec
from ..target.model import Target
from ..target.requirements import requirements
from .shards import ShardPlan

# The stateful phase's budget: a scenario is several requests, each probing further, so a twentieth of the
# per-operation budget in scenarios of up to this many steps (and never fewer than MIN_SCENARIOS).
STEPS_PER_SCENARIO = 6
MIN_SCENARIOS = 5


def stateful_scenarios(max_examples: int) -> int:
    return max(MIN_SCENARIOS, max_examples // 20)


class SuiteRun:
    def __init__(self, target: Target, settings: Settings, observers: Sequence[RunObserver] = ()) -> None:
        self.target = target
        self.settings = settings
        # One client for the whole run: keep-alive over HTTP, or the in-process client of the ASGI app
        # (Starlette's and Schemathesis' ASGI aliases differ only in Mapping variance).
        self.session = asgi.get_client(target.app) if target.app is not None else requests.Session()  # type: ignore[arg-type]
        self.spec = load_spec(settings.spec_path)  # what the target is tested against, operation by operation
        self.shards = ShardPlan(settings.shard, self.spec)  # what this part of the campaign runs (all, unsharded)
        mine = self.shards.operations  # a part requires the statuses of its own operations only
        self.report = SuiteReport(
            tuple(need for need in requirements(target, self.spec) if need.operation_id in mine),
            seed=settings.seed,
            max_examples=settings.max_examples,
        )
        if not settings.shard.whole:
            self.report.part = self.shards.as_dict()
        self.report.documented = {op.operation_id: tuple(sorted(op.status_codes)) for op in self.spec.operations}
        self.recorder = Recorder(self.report, target, settings.request_timeout, observers)
        self.sender = Sender(target, self.spec, settings, self.session, self.recorder)
        self.validator = Validator(settings, self.recorder)
        self.sender.before_change = self.validator.state.before_change  # what the change must leave alone, read first
        self.report.gone = self.validator.checks.target.deleted  # one set: what the run deleted
        self.throttled = ThrottledAnswers(self.spec, self.recorder, self.validator.checks.target.request_ids)
        self._open = False

    @property
    def observers(self) -> Sequence[RunObserver]:
        return self.recorder.observers

    def observe(self, observer: RunObserver) -> None:
        """One more observer, for one that needs the run first (a progress display shows its transport counters)."""
        self.recorder.observers = [*self.recorder.observers, observer]

    def paced(self) -> contextlib.AbstractContextManager[None]:
        """The run's pacing, 429 retries and timing, for every request sent while it is open."""
        settings = self.settings
        stats = self.report.transport
        observe = self._exchange if self.observers else None
        return paced_requests(
            stats,
            rate_limit=settings.rate_limit,
            slow_after=settings.slow_after,
            sleep=settings.sleep,
            observe=observe,
            throttled=self.throttled.judge,
        )

    @contextlib.contextmanager
    def opened(self) -> Iterator[None]:
        """The run's session and pacing, open for everything sent inside (the first verdict, then the suite);
        inside a block already open, nothing more (one limiter, one session for the whole run)."""
        if self._open:
            yield
            return
        self._open = True
        try:
            with self.session, self.paced():
                yield
        finally:
            self._open = False

    def _exchange(self, request: requests.PreparedRequest, response: requests.Response) -> None:
        for observer in self.observers:
            observer.exchange(request, response)

    def link_followed(self, transition: str, status: int) -> None:
        """The stateful phase followed an OpenAPI link: observers count it."""
        for observer in self.observers:
            observer.link_followed(transition, status)

    def build_schema(self) -> BaseSchema:
        """The run's schema (built when the suite's fixture first asks), its checks' verdicts recorded."""
        schema = build_schema(self.target, self.settings)
        self.validator.watch(schema)
        return schema

    def execute(self, case: AnyCase) -> None:
        """One generated case: send it, then run every check on its answer (raises on any failure)."""
        response = self.sender.send(case)
        if response is not None:
            self.validator.validate(case, response)

    def run_probes(self) -> None:
        """The suite's own probes (`phases.probes`), each judged by the check named for it; none once MAX_TIME is up."""
        if not self.settings.send or self.sender.out_of_time():
            return
        request_ids = self.validator.checks.target.request_ids
        runner = ProbeRunner(
            self.target, self.spec, self.session, self.recorder, request_ids, timeout=self.settings.request_timeout
        )
        probes = build_probes(self.target, self.spec, failing_ak=self.settings.auth_probes)
        kept = [probe for probe in probes if self.shards.keeps_probe(probe)]
        fetched = self.validator.family.fetched
        before = fetched.total()
        with self.validator.state.around_probes(probe.method for probe in kept):  # refused changes change nothing
            runner.run(kept)
        self.report.reads_around_probes = fetched.total() - before  # the probes themselves fetch nothing
