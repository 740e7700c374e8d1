"""The suite's own probes: requests Schemathesis would not send, each judged by the check named for it.

Every probe that names resources is sent to every operation of the spec whose path takes those IDs (a listing
takes the project and instance, the progress and the deletion all three): read operations with the tasks the
credentials may read, state-changing ones (`spec.api.changes_state`) only with the tasks the target offers to
them (`Target.changeable`), so no probe can change anything else even on a broken server.

- `cross_tenant_access_denied`: IDs mixed across tenants (my project with their instance and task, my
  instance with their task, their project with my instance and task, …) signed by me, their task (or
  instance), and my tasks (or instances) signed by the other tenant's credentials — which also try the
  state-changing operations on the tasks offered to them → 403 or 404 with the error body, never 2xx.
- `auth_before_lookup`: unsigned and badly signed requests for unknown, foreign and readable
  resources → 401 with the error body (authentication comes before any lookup).
- `tampered_signature_rejected`: a readable task with the signature altered, a wrong secret key, or a
  20-minute-old `X-Sdk-Date` → 401 with the error body.
- `security_token_enforced`: temporary credentials with `X-Security-Token` dropped, or altered and
  validly signed → 401 with the error body.
- `undeclared_method_rejected`: POST/PUT/PATCH/DELETE where the path does not declare them (read-only
  paths only, unless state-changing requests are allowed), signed, on an existing task → 405 with `Allow`,
  or the gateway's 404 `APIG.0101`, as `Target.method_rejection` says; error body and `X-Request-Id`.
- `malformed_id_rejected`: each path ID of each operation replaced by one of the right length that is not
  hexadecimal, signed → exactly 400 with the error body (the documented answer to a malformed ID).
- `overlong_id_rejected`: each path ID 37, 64 and 256 characters long → 400, 403 or 404 with the error body,
  never 2xx, 401 or 5xx.
- `signed_request_accepted`: correctly signed requests whose query needs canonical encoding (reserved and
  non-ASCII characters, repeated and unsorted names, empty values) for readable tasks → never 401.
- `credentials_not_locked`: a correctly signed request after two failing signatures with one AK → not 401.
- `request_id_unique`: every probe's answer carries an `X-Request-Id` no other answer of the run had.

Probes that may fail authentication with a configured AK (failing signatures, and the canonical-encoding
requests a server that canonicalises differently refuses) never come more than two in a row for that AK: a
correctly signed request goes between them, so the gateway's lockout (more than five failures in a row lock
the AK/SK for 5 minutes) is never approached. `AUTH_PROBES=0` leaves the failing signatures out.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from urllib.parse import quote

import requests
import requests.auth

from ..checks.probe_rules import DENIED, MALFORMED, OVERLONG, UNAUTHORIZED, Judge, accepted, method_judge
from ..record.recording import Recorder
from ..record.request_ids import RequestIds
from ..spec.api import STATE_CHANGING_METHODS, ApiSpec, OperationSpec, changes_state
from ..spec.ids import ID_PARAMETERS, KnownTask, id_key, keys_of
from ..target.auth import AkSkSigner, IamTokenAuth
from ..target.auth_modes import TAMPERED_MODES, auth_modes
from ..target.model import Target

MAX_BAD_IN_A_ROW = 2  # failing signatures per AK before a good request; the gateway locks after 5
PROBED_METHODS = tuple(sorted(STATE_CHANGING_METHODS))  # tried where a path does not declare them
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})  # sent with a JSON body ({}), as a client would
OVERLONG_LENGTHS = (37, 64, 256)
# Query strings, as sent, that a signer must canonicalise (percent-encode, sort) exactly as the documented
# algorithm does; every parameter but the listing's own is undeclared, so the service ignores it.
CANONICAL_QUERIES = {
    "reserved characters": "note=" + quote("a b&c=d/e?f#g[h]@!$'()*+,;%", safe=""),
    "non-ASCII characters": "note=" + quote("任务 é ü", safe="") + "&" + quote("名", safe="") + "=1",
    "repeated, unsorted names": "zeta=2&alpha=1&alpha=0",
    "unreserved characters and an empty value": "note=-_.~AZaz09&empty=",
}


@dataclasses.dataclass(frozen=True)
class Probe:
    check: str
    label: str  # what was sent, for the report
    method: str
    path: str  # with its query, if any
    auth: str  # a key of `auth_modes`
    judge: Judge
    failing_ak: bool = False  # signed with a configured AK, and may fail authentication
    body: bytes | None = None
    operation: str = ""  # the operation ID the request is one of (its statuses count toward that operation's)


def progress_path(task: KnownTask) -> str:
    return f"/v2/{task.project_id}/instances/{task.instance_id}/tasks/{task.task_id}/progress"


_OWNERS = {"project_id": "project", "instance_id": "instance", "task_id": "task"}


def mixed_tenancy(own: tuple[KnownTask, ...], foreign: tuple[KnownTask, ...]) -> list[tuple[str, KnownTask]]:
    """My IDs and another tenant's, mixed in every way that names a resource neither may read as a whole."""
    mixes: list[tuple[str, KnownTask]] = []
    for mine in own[:2]:
        for theirs in foreign[:2]:
            mixes += [
                ("my project, their instance and task", KnownTask(mine.project_id, theirs.instance_id, theirs.task_id)),
                ("my project and instance, their task", KnownTask(mine.project_id, mine.instance_id, theirs.task_id)),
                ("my project and task, their instance", KnownTask(mine.project_id, theirs.instance_id, mine.task_id)),
                ("their project, my instance and task", KnownTask(theirs.project_id, mine.instance_id, mine.task_id)),
                ("their project and instance, my task", KnownTask(theirs.project_id, theirs.instance_id, mine.task_id)),
                ("their project and task, my instance", KnownTask(theirs.project_id, mine.instance_id, theirs.task_id)),
            ]
    return list(dict.fromkeys(mixes))


def id_operations(spec: ApiSpec) -> list[OperationSpec]:
    """The operations whose path takes the project ID (and perhaps the instance and task IDs), and no other."""
    return [
        op
        for op in spec.operations
        if "project_id" in op.path_parameters and set(op.path_parameters) <= set(ID_PARAMETERS)
    ]


class _Probes:
    """Probes for one operation, deduplicated by what goes on the wire."""

    def __init__(self, operation: OperationSpec) -> None:
        self.operation = operation
        self.made: dict[tuple[str, str, str], Probe] = {}

    def add(
        self,
        check: str,
        label: str,
        task: KnownTask,
        auth: str,
        judge: Judge,
        *,
        failing_ak: bool = False,
        query: str = "",
    ) -> None:
        op = self.operation
        path = op.path_for(task.as_path_parameters()) + (f"?{query}" if query else "")
        body = b"{}" if op.method in BODY_METHODS else None
        probe = Probe(
            check, f"{op.operation_id}, {label}", op.method, path, auth, judge, failing_ak, body, op.operation_id
        )
        self.made.setdefault((check, path, auth), probe)


def tenancy_probes(target: Target, spec: ApiSpec) -> list[Probe]:
    check = "cross_tenant_access_denied"
    made: list[Probe] = []
    for operation in id_operations(spec):
        probes, mine, names = _Probes(operation), target.anchors(operation), operation.id_parameters
        whole = keys_of((*target.readable_tasks, *mine), names) | keys_of(target.foreign_tasks, names)
        # A state-changing request only ever names a task offered to it: a broken server could act on it.
        safe = {task.task_id for task in mine} if operation.changes_state else None
        for _, task in mixed_tenancy(mine, target.foreign_tasks):
            key = id_key(task.as_path_parameters(), names)
            if key not in whole and (safe is None or (operation.takes_task and task.task_id in safe)):
                probes.add(check, _whose(task, mine, names), task, "signed", DENIED)
        if not operation.changes_state:
            for task in target.foreign_tasks:
                probes.add(check, "their " + _OWNERS[names[-1]], task, "signed", DENIED)
        if target.foreign_auth is not None and (operation.takes_task or not operation.changes_state):
            for task in mine:
                probes.add(check, f"my {_OWNERS[names[-1]]}, their credentials", task, "other-tenant", DENIED)
        made += probes.made.values()
    return made


def _whose(task: KnownTask, mine: tuple[KnownTask, ...], names: tuple[str, ...]) -> str:
    """`my project, their instance`: whose each ID of a mix is, for the IDs the operation takes."""
    return ", ".join(
        f"{'my' if getattr(task, name) in {getattr(own, name) for own in mine} else 'their'} {_OWNERS[name]}"
        for name in names
    )


def _first_task_operation(spec: ApiSpec) -> OperationSpec | None:
    """The read operation the failing-signature probes use: the first one taking all three IDs."""
    return next((op for op in id_operations(spec) if op.takes_task and not op.changes_state), None)


def auth_probes(target: Target, spec: ApiSpec, *, failing_ak: bool) -> list[Probe]:
    """Unsigned everywhere; failing signatures with a configured AK only when `failing_ak`."""
    unknown = (*target.missing_tasks, *target.foreign_tasks)
    made: list[Probe] = []
    for operation in id_operations(spec):
        probes = _Probes(operation)
        tasks = target.anchors(operation) if operation.changes_state else (*unknown, *target.readable_tasks)
        for task in tasks:
            probes.add("auth_before_lookup", "unsigned", task, "unsigned", UNAUTHORIZED)
            if isinstance(target.auth, IamTokenAuth):
                probes.add("auth_before_lookup", "token altered", task, "token-altered", UNAUTHORIZED)
        made += probes.made.values()
    signing = _first_task_operation(spec)
    if signing is None or not failing_ak:
        return made
    probes = _Probes(signing)
    if isinstance(target.auth, AkSkSigner):
        for task in unknown:
            probes.add(
                "auth_before_lookup", "signature altered", task, "signature-altered", UNAUTHORIZED, failing_ak=True
            )
        for task in target.readable_tasks:
            for mode in TAMPERED_MODES:
                check = "tampered_signature_rejected"
                probes.add(check, mode.replace("-", " "), task, mode, UNAUTHORIZED, failing_ak=True)
    if target.temporary_auth is not None:
        for task in (*target.readable_tasks[:2], *target.missing_tasks[:1]):
            for mode in ("security-token-dropped", "security-token-altered"):
                check = "security_token_enforced"
                probes.add(check, mode.replace("-", " "), task, mode, UNAUTHORIZED, failing_ak=True)
    return made + list(probes.made.values())


def method_probes(target: Target, spec: ApiSpec, anchor: KnownTask) -> list[Probe]:
    """Undeclared methods on read-only paths (the only state-changing methods a read-only run sends)."""
    probes = []
    for template, declared in spec.declared_methods.items():
        if target.read_only and any(map(changes_state, declared)):
            continue
        path = template.format(**anchor.as_path_parameters())
        judge = method_judge(target.method_rejection, declared)
        for method in (m for m in PROBED_METHODS if m not in declared):
            body = b"{}" if method in BODY_METHODS else None
            label = f"{method} not declared"
            probes.append(Probe("undeclared_method_rejected", label, method, path, "signed", judge, body=body))
    return probes


def _malformed(value: str) -> str:
    """`value` at its own length, but not an ID: its first character is no hexadecimal digit."""
    return "z" + value[1:]


def _overlong(length: int) -> str:
    return ("0123456789abcdef" * 17)[:length]


def id_probes(target: Target, spec: ApiSpec) -> list[Probe]:
    """Each path ID of each operation malformed (400) and over-long (never 2xx or 5xx)."""
    made: list[Probe] = []
    for operation in id_operations(spec):
        probes = _Probes(operation)
        for anchor in target.anchors(operation)[:1]:
            for name in operation.id_parameters:
                value = getattr(anchor, name)
                probes.add(
                    "malformed_id_rejected",
                    f"{name} malformed",
                    anchor._replace(**{name: _malformed(value)}),
                    "signed",
                    MALFORMED,
                )
                for length in OVERLONG_LENGTHS:
                    probes.add(
                        "overlong_id_rejected",
                        f"{name} {length} characters",
                        anchor._replace(**{name: _overlong(length)}),
                        "signed",
                        OVERLONG,
                    )
        made += probes.made.values()
    return made


def canonical_probes(target: Target, spec: ApiSpec) -> list[Probe]:
    """Readable tasks with queries only an exact canonicalisation signs right: never refused with 401."""
    made: list[Probe] = []
    for operation in id_operations(spec):
        if operation.changes_state:
            continue
        probes = _Probes(operation)
        for anchor in target.anchors(operation)[:1]:
            for label, query in CANONICAL_QUERIES.items():
                probes.add(
                    "signed_request_accepted",
                    f"a query with {label}",
                    anchor,
                    "signed",
                    accepted,
                    failing_ak=True,
                    query=query,
                )
        made += probes.made.values()
    return made


def build_probes(target: Target, spec: ApiSpec, *, failing_ak: bool) -> list[Probe]:
    """Every probe for `target`, in sending order; failing-AK probes only when `failing_ak` (AUTH_PROBES)."""
    anchor = (target.readable_tasks or target.missing_tasks)[0]
    return [
        *tenancy_probes(target, spec),
        *auth_probes(target, spec, failing_ak=failing_ak),
        *method_probes(target, spec, anchor),
        *id_probes(target, spec),
        *canonical_probes(target, spec),
    ]


def guard_path(target: Target, spec: ApiSpec) -> str:
    """What the correctly signed request between failing signatures asks: a readable task's first read operation."""
    anchor = (target.readable_tasks or target.missing_tasks)[0]
    operation = _first_task_operation(spec) or next(op for op in id_operations(spec) if not op.changes_state)
    return operation.path_for(anchor.as_path_parameters())


class ProbeRunner:
    """Sends one run's probes through its session and records each verdict in its report."""

    def __init__(
        self,
        target: Target,
        spec: ApiSpec,
        session: requests.Session,
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
        self.modes = auth_modes(target)
        self.bad_in_a_row: Counter[str] = Counter()  # per access key

    def run(self, probes: list[Probe]) -> None:
        for probe in probes:
            if probe.failing_ak:
                self._keep_unlocked(probe.auth)
            started = time.monotonic()
            try:
                response = self._send(probe.method, probe.path, self.modes[probe.auth], probe.body)
            except requests.RequestException as error:
                self._no_answer(probe, error, time.monotonic() - started)
                continue
            self.report.checks[probe.check] += 1
            counter = self.report.probes if probe.check in _AUTH_CHECKS else self.report.other_probes
            counter[response.status_code] += 1
            if probe.operation:
                self.report.by_operation[probe.operation][response.status_code] += 1
            problem = probe.judge(response)
            if problem is not None:
                self.recorder.wrong_answer(
                    probe.check, f"{probe.label}: {probe.method} {problem}", response, probe.auth
                )
            self.recorder.request_id(self.request_ids, response, probe.auth)

    def _keep_unlocked(self, mode: str) -> None:
        """Before a request that may fail authentication: after two in a row with this AK, one correctly signed."""
        good = "temporary" if mode.startswith("security-token") else "signed"
        key = good
        if self.bad_in_a_row[key] >= MAX_BAD_IN_A_ROW:
            response = self._send("GET", self.guard, self.modes[good], None)
            self.report.guard_requests += 1
            self.report.checks["credentials_not_locked"] += 1
            if response.status_code == 401:
                title = "a correctly signed request between auth probes got 401"
                self.recorder.wrong_answer("credentials_not_locked", title, response, good)
            self.recorder.request_id(self.request_ids, response, good)
            self.bad_in_a_row[key] = 0
        self.bad_in_a_row[key] += 1

    def _send(
        self, method: str, path: str, auth: requests.auth.AuthBase | None, body: bytes | None
    ) -> requests.Response:
        headers = {"Content-Type": "application/json"}
        url = self.target.base_url + path
        return self.session.request(method, url, data=body, headers=headers, auth=auth, timeout=self.timeout)

    def _no_answer(self, probe: Probe, error: requests.RequestException, elapsed: float) -> None:
        where = f"{probe.check} probe ({probe.label}): {probe.method} {probe.path}"
        self.recorder.no_answer(where, error, elapsed, probe.auth)


_AUTH_CHECKS = frozenset({"auth_before_lookup", "tampered_signature_rejected", "security_token_enforced"})
