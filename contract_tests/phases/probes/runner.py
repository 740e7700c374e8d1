"""Sending one run's probes (`ProbeRunner`) through its session, recording each verdict in its report. Requests that
may fail authentication with a configured AK never come more than two in a row for that AK: a correctly signed
request goes between them (`credentials_not_locked`), so the gateway's lockout (more than five failures in a row
lock the AK/SK for 5 minutes) is never approached. Only a success (2xx or 3xx) ends a run of failures: any other
answer, a 400 after authentication included, counts as one."""

from __future__ import annotations

import functools
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future
from typing import Protocol

import requests
import requests.auth

from ...checks.hygiene import judge_hygiene
from ...record.recording import Recorder
from ...record.request_ids import RequestIds
from ...spec.api import ApiSpec
from ...target.as_written import send_as_written
from ...target.auth_modes import access_key, auth_modes
from ...target.model import Target
from .auth import first_task_operation
from .probe import Probe, id_operations

MAX_BAD_IN_A_ROW = 2  # failing signatures per AK before a good request; the gateway locks after 5


def guard_path(target: Target, spec: ApiSpec) -> str:
    """What the correctly signed request between failing signatures asks: a readable task's first read operation."""
    anchor = (target.readable_tasks or target.missing_tasks)[0]
    operation = first_task_operation(spec) or next(op for op in id_operations(spec) if not op.changes_state)
    return operation.path_for(anchor.as_path_parameters())


Stop = Callable[[], bool]  # whether the run's time is up (MAX_TIME)


class Handing(Protocol):
    """Where jobs run concurrently (`run.workers.Workers`): `submit` one, `settle` those handed (raising the first
    error)."""

    def submit(self, job: Callable[[], None]) -> Future[None]: ...

    def settle(self, handed: list[Future[None]]) -> None: ...


class ProbeRunner:
    """Sends one run's probes through its session and records each verdict in its report."""

    def __init__(
        self,
        target: Target,
        spec: ApiSpec,
        session: Callable[[], requests.Session],
        recorder: Recorder,
        request_ids: RequestIds,
        *,
        timeout: float,
    ) -> None:
        self.target = target
        self.guard = guard_path(target, spec)
        self.session = session
        self.recorder = recorder
        self.request_ids = request_ids  # shared with the run's checks: an ID is unique across the whole run
        self.report = recorder.report
        self.timeout = timeout
        self.modes = auth_modes(target, spec)
        self.bad_in_a_row: Counter[str] = Counter()  # per good mode (the one access key's correct signature)
        self._failed: dict[bool, set[str]] = {True: set(), False: set()}  # by `failing_ak`: checks that failed

    def run(self, probes: list[Probe], workers: Handing | None = None, out_of_time: Stop = lambda: False) -> None:
        """Send `probes`: in their order, or each on any of the concurrent `workers` (none may fail authentication);
        none once `out_of_time`."""
        if any(probe.failing_ak for probe in probes) and workers is not None:
            raise ValueError("probes that may fail authentication go in a chain (`chain`), never on any worker")
        if workers is None:
            self._chain(probes, out_of_time)
            return
        workers.settle([workers.submit(functools.partial(self._unless, out_of_time, probe)) for probe in probes])

    def chains(self, probes: list[Probe]) -> list[list[Probe]]:
        """The probes that may fail authentication, per AK (its correctly signed mode), each in its order: one chain
        per AK, sent one after another (the lockout rule counts them in a row, a correctly signed request between)."""
        chains: dict[str, list[Probe]] = {}
        for probe in probes:
            if probe.failing_ak:
                chains.setdefault(self._good_mode(probe.auth), []).append(probe)
        return list(chains.values())

    def _chain(self, probes: list[Probe], out_of_time: Stop) -> None:
        for probe in probes:
            self._unless(out_of_time, probe)

    def chain(self, probes: list[Probe], out_of_time: Stop) -> Callable[[], None]:
        """A job that sends `probes` one after another (a chain of `chains`), stopping once `out_of_time`."""
        return functools.partial(self._chain, probes, out_of_time)

    def _unless(self, out_of_time: Stop, probe: Probe) -> None:
        if out_of_time():
            return
        with self.recorder.collecting() as failed:  # its verdict, a 429 judged on the way, a repeated request ID …
            self._probe(probe)
        self._failed[probe.failing_ak] |= failed

    def failed_checks(self, *, failing_ak: bool) -> set[str]:
        """The checks of the failures the probes' requests found: of the probes that may fail authentication (their
        guard requests included), or of the others."""
        return self._failed[failing_ak]

    def _probe(self, probe: Probe) -> None:
        good = self._good_mode(probe.auth) if probe.failing_ak else None
        if good is not None:
            self._keep_unlocked(good)
        started = time.monotonic()
        try:
            response = self._send(
                probe.method, probe.path, self.modes[probe.auth], probe.body, dict(probe.headers), raw=probe.raw
            )
        except requests.RequestException as error:
            if good is not None:
                self.bad_in_a_row[good] += 1
            self._no_answer(probe, error, time.monotonic() - started)
            return
        if good is not None:  # a success ends the AK's run of failures; anything else may be one
            self.bad_in_a_row[good] = 0 if response.status_code < 400 else self.bad_in_a_row[good] + 1
        self.report.checks[probe.check] += 1
        counter = self.report.probes if probe.check in _AUTH_CHECKS else self.report.other_probes
        counter[response.status_code] += 1
        if probe.operation:
            self.report.by_operation[probe.operation][response.status_code] += 1
        problem = probe.judge(response)
        if problem is not None:
            self.recorder.wrong_answer(probe.check, f"{probe.label}: {probe.method} {problem}", response, probe.auth)
        self.recorder.request_id(self.request_ids, response, probe.auth)
        judge_hygiene(self.recorder, response, probe.auth)

    def _good_mode(self, mode: str) -> str:
        """The correctly signed mode with the access key `mode` signs with: the run's own, or the temporary one's."""
        temporary = self.target.temporary_auth
        if temporary is not None and access_key(self.modes[mode]) == temporary.access_key:
            return "temporary" if access_key(self.target.auth) != temporary.access_key else "signed"
        return "signed"

    def _keep_unlocked(self, good: str) -> None:
        """Before a request that may fail authentication: after two failures in a row with its AK, one correctly
        signed request (`good`)."""
        if self.bad_in_a_row[good] < MAX_BAD_IN_A_ROW:
            return
        response = self._send("GET", self.guard, self.modes[good], None)
        self.report.guard_requests += 1
        self.report.checks["credentials_not_locked"] += 1
        if response.status_code == 401:
            title = "a correctly signed request between auth probes got 401"
            self.recorder.wrong_answer("credentials_not_locked", title, response, good)
        self.recorder.request_id(self.request_ids, response, good)
        judge_hygiene(self.recorder, response, good)
        self.bad_in_a_row[good] = 0

    def _send(
        self,
        method: str,
        path: str,
        auth: requests.auth.AuthBase | None,
        body: bytes | None,
        extra: dict[str, str] | None = None,
        *,
        raw: bool = False,
    ) -> requests.Response:
        headers = {"Content-Type": "application/json", **(extra or {})}
        url = self.target.base_url + path
        session = self.session()  # this thread's: concurrent workers each have their own
        if not raw:
            return session.request(method, url, data=body, headers=headers, auth=auth, timeout=self.timeout)
        return send_as_written(session, method, url, auth=auth, body=body, headers=headers, timeout=self.timeout)

    def _no_answer(self, probe: Probe, error: requests.RequestException, elapsed: float) -> None:
        where = f"{probe.check} probe ({probe.label}): {probe.method} {probe.path}"
        self.recorder.no_answer(where, error, elapsed, probe.auth)


_AUTH_CHECKS = frozenset(
    {"auth_before_lookup", "tampered_signature_rejected", "signature_binds_request", "security_token_enforced"}
)
