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
import functools
import unittest
from collections.abc import Iterator, Sequence
from concurrent.futures import Future

import requests
from schemathesis import BaseSchema
from schemathesis.python import asgi

from ..checks.base import operation_of
from ..checks.throttled import ThrottledAnswers
from ..phases.cases import build_schema
from ..phases.probes.plan import build_probes
from ..phases.probes.probe import Probe
from ..phases.probes.runner import ProbeRunner
from ..phases.sending import Sender
from ..phases.validating import Validator
from ..record.answers import AnyCase
from ..record.recording import Recorder, RunObserver
from ..record.run_report import SuiteReport
from ..record.transport import paced_requests
from ..settings.table import HTTP_WORKERS, Settings
from ..spec.api import load_spec
from ..spec.ids import names_one_of
from ..target.model import Target
from ..target.requirements import requirements
from .shards import ShardPlan
from .workers import Workers

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
        self.session = self._new_session()  # the run's client; with concurrent workers, the main thread's
        # Unset (the emulator's default): a pool over HTTP, one at a time in-process, where there is no wire to wait on.
        workers = settings.workers or (1 if target.app is not None else HTTP_WORKERS)
        self.workers = Workers(workers, self.session, self._new_session)  # each worker gets its own session
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
        self.sender = Sender(target, self.spec, settings, self.workers.session, self.recorder)
        self.validator = Validator(settings, self.recorder)
        self.sender.before_change = self.validator.state.before_change  # what the change must leave alone, read first
        self.report.gone = self.validator.checks.target.deleted  # one set: what the run deleted
        self.throttled = ThrottledAnswers(self.spec, self.recorder, self.validator.checks.target.request_ids)
        self._handed: list[Future[None]] = []  # the current test's cases on the workers, in the order handed
        self._chains: list[Future[None]] | None = None  # the chains of the auth probes, once started
        self._case_failed = False  # a case of the current test failed on a worker: the rest are not sent
        self._open = False

    def _new_session(self) -> requests.Session:
        # Keep-alive over HTTP, or the in-process client of the ASGI app (Starlette's and Schemathesis' ASGI aliases
        # differ only in Mapping variance).
        app = self.target.app
        return asgi.get_client(app) if app is not None else requests.Session()  # type: ignore[arg-type]

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
            wire=self.workers.wire,
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
            with self.session, self.paced(), self.workers.holding():
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
        """One generated case: send it, then run every check on its answer (raises on any failure). With concurrent
        workers the case is handed to them (`settle_cases` raises its failure; once one has failed, the test stops, as
        Hypothesis stops at a failure); one changing a task offered to it goes alone, on this thread."""
        if not self.workers.concurrent:
            self._execute(case)
            return
        if self._case_failed:
            raise unittest.SkipTest("a case of this operation failed")  # settle_cases raises that failure instead
        if self._changes_an_offered_task(case):
            # It changes what every other request for its instance gets (the state checks read the instance right
            # before it and after): it goes alone, once every case handed before it is answered and judged.
            self.workers.wait(self._handed)
            if self._case_failed:
                raise unittest.SkipTest("a case of this operation failed")
            self._execute(case)
            return
        self._handed.append(self.workers.submit(functools.partial(self._execute_handed, case)))

    def _changes_an_offered_task(self, case: AnyCase) -> bool:
        """A state-changing case naming a task the target offered to its operation (any other is sent re-aimed at an
        absent task, with a malformed ID or not at all: it changes nothing)."""
        operation = operation_of(case)
        if operation is None or not operation.changes_state:
            return False
        return names_one_of(case.path_parameters or {}, self.target.changeable_for(operation.operation_id))

    def _execute_handed(self, case: AnyCase) -> None:
        if self._case_failed:
            return  # a case handed before it failed: serially, it would not have been generated
        try:
            self._execute(case)
        except BaseException:
            self._case_failed = True
            raise

    def _execute(self, case: AnyCase) -> None:
        response = self.sender.send(case)
        if response is not None:
            self.validator.validate(case, response)

    def settle_cases(self) -> None:
        """After a test: wait for its cases on the workers, and raise the first one's failure, in the order handed."""
        handed, self._handed = self._handed, []
        try:
            self.workers.settle(handed)
        finally:
            self._case_failed = False

    @functools.cached_property
    def probes(self) -> tuple[ProbeRunner, list[Probe]]:
        """The run's probe runner (it counts each AK's failures in a row across the whole run) and its probes."""
        request_ids = self.validator.checks.target.request_ids
        runner = ProbeRunner(
            self.target,
            self.spec,
            self.workers.session,
            self.recorder,
            request_ids,
            timeout=self.settings.request_timeout,
        )
        probes = build_probes(self.target, self.spec, failing_ak=self.settings.auth_probes)
        return runner, [probe for probe in probes if self.shards.keeps_probe(probe)]  # this part's (SHARD=i/N)

    def run_probes(self) -> set[str]:
        """The suite's own probes that cannot fail authentication (`phases.probes`), each judged by the check named
        for it, none once MAX_TIME is up. The checks that failed."""
        if not self.settings.send or self.sender.out_of_time():
            return set()
        runner, probes = self.probes
        others = [probe for probe in probes if not probe.failing_ak]
        with self._judging_state(others):
            runner.run(others, self.workers if self.workers.concurrent else None, self.sender.out_of_time)
        return runner.failed_checks(failing_ak=False)

    @contextlib.contextmanager
    def _judging_state(self, probes: list[Probe]) -> Iterator[None]:
        """Around probes that may change state (a refused deletion): the known instances read before and after, so
        what they changed is judged (`other_tasks_unchanged_by_changes`); the reads counted in the report."""
        fetched = self.validator.family.fetched
        before = fetched.total()
        with self.validator.state.around_probes(probe.method for probe in probes):
            yield
        self.report.reads_around_probes += fetched.total() - before  # the probes themselves fetch nothing

    def start_auth_probes(self) -> None:
        """With concurrent workers, the chains of the probes that may fail authentication (one per AK) start now,
        beside what follows (the stateful phase and the state-changing operations keep one worker busy at a time);
        `run_auth_probes` waits for them."""
        if self.workers.concurrent and self._chains is None and self.settings.send:
            runner, probes = self.probes
            stop = self.sender.out_of_time
            self._chains = [self.workers.submit(runner.chain(chain, stop)) for chain in runner.chains(probes)]

    def run_auth_probes(self) -> set[str]:
        """The probes that may fail authentication with a configured AK, one AK's after another's, in their order,
        none once MAX_TIME is up; with concurrent workers, their chains, started with `start_auth_probes`. The
        checks that failed."""
        if not self.settings.send:
            return set()
        runner, probes = self.probes
        if self.workers.concurrent:
            self.start_auth_probes()
            self.workers.settle(self._chains or [])
        else:  # no reads around them: with workers they run beside the stateful phase, and a run judges alike
            for chain in runner.chains(probes):  # either way (the next change's read compares the known tasks)
                runner.chain(chain, self.sender.out_of_time)()
        return runner.failed_checks(failing_ak=True)
