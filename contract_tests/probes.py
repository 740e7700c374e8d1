"""The suite's own probes: requests Schemathesis would not send, each judged by the check named for it.

- `cross_tenant_access_denied`: IDs mixed across tenants (my project with their instance and task, my
  instance with their task, their project with my instance and task, …) signed by me, their task, and
  my tasks signed by the other tenant's credentials → 403 or 404 with the error body, never 2xx.
- `auth_before_lookup`: unsigned and badly signed requests for unknown, foreign and readable
  resources → 401 with the error body (authentication comes before any lookup).
- `tampered_signature_rejected`: a readable task with the signature altered, a wrong secret key, or a
  20-minute-old `X-Sdk-Date` → 401 with the error body.
- `security_token_enforced`: temporary credentials with `X-Security-Token` dropped, or altered and
  validly signed → 401 with the error body.
- `undeclared_method_rejected`: POST/PUT/PATCH/DELETE where the path does not declare them (read-only
  paths only, unless destructive requests are allowed), signed, on an existing task → 405 with `Allow`,
  or the gateway's 404 `APIG.0101`, as `Target.method_rejection` says; error body and `X-Request-Id`.
- `overlong_id_rejected`: each path ID 37, 64 and 256 characters long → 400, 401, 403 or 404 with the
  error body, never 2xx or 5xx.
- `credentials_not_locked`: a correctly signed request after two failing signatures with one AK → not 401.

Probes that send a failing signature with a configured AK never come more than two in a row for that
AK: a correctly signed request goes between them, so the gateway's lockout (more than five failures
in a row lock the AK/SK for 5 minutes) is never approached. `AUTH_PROBES=0` leaves them out.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections import Counter
from collections.abc import Callable, Iterator

import requests
import requests.auth

from .auth import AkSkSigner, IamTokenAuth
from .checks import STALE, is_error_body, tampered_signers
from .recording import Recorder
from .spec_file import spec_document
from .target import KnownTask, Target

MAX_BAD_IN_A_ROW = 2  # failing signatures per AK before a good request; the gateway locks after 5
PROBED_METHODS = ("POST", "PUT", "PATCH", "DELETE")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OVERLONG_LENGTHS = (37, 64, 256)
Judge = Callable[[requests.Response], str | None]


@dataclasses.dataclass(frozen=True, repr=False)
class _AlteredToken(requests.auth.AuthBase):
    signer: AkSkSigner

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        token = self.signer.security_token or ""
        return dataclasses.replace(self.signer, security_token=token[:-1] + ("0" if token[-1:] != "0" else "1"))(
            request
        )


def auth_modes(target: Target) -> dict[str, requests.auth.AuthBase | None]:
    """Every way a probe authenticates, by the name the replay command takes (`--auth`)."""
    modes: dict[str, requests.auth.AuthBase | None] = {"signed": target.auth, "unsigned": None}
    if isinstance(target.auth, AkSkSigner):
        tampered = tampered_signers(target.auth)
        modes |= {name.replace(" ", "-").lower(): how for name, how in tampered.items()}
    elif isinstance(target.auth, IamTokenAuth):
        modes["token-altered"] = IamTokenAuth(target.auth.token + "0")
    if target.foreign_auth is not None:
        modes["other-tenant"] = target.foreign_auth
    temporary = target.temporary_auth
    if temporary is not None:
        modes["temporary"] = temporary
        modes["security-token-dropped"] = dataclasses.replace(temporary, security_token=None)
        modes["security-token-altered"] = _AlteredToken(temporary)
    return modes


_TAMPERED = ("signature-altered", "wrong-secret-key", "x-sdk-date-20-minutes-old")
assert STALE.total_seconds() < 0  # the stale-date mode dates requests in the past


@dataclasses.dataclass(frozen=True)
class Probe:
    check: str
    label: str  # what was sent, for the report
    method: str
    path: str
    auth: str  # a key of `auth_modes`
    judge: Judge
    failing_ak: bool = False  # signed with a configured AK and meant to fail authentication
    body: bytes | None = None


def progress_path(task: KnownTask) -> str:
    return f"/v2/{task.project_id}/instances/{task.instance_id}/tasks/{task.task_id}/progress"


def _expect(statuses: tuple[int, ...], what: str) -> Judge:
    def judge(response: requests.Response) -> str | None:
        if response.status_code not in statuses:
            return f"answered {response.status_code}, expected {what}"
        if not is_error_body(response):
            return f"answered {response.status_code} without the documented error body"
        return None

    return judge


DENIED = _expect((403, 404), "403 or 404 (never 2xx)")
UNAUTHORIZED = _expect((401,), "401")
OVERLONG = _expect((400, 401, 403, 404), "400 or 404 (an ID longer than 36 characters is malformed)")


def method_judge(mode: str, declared: frozenset[str]) -> Judge:
    """405 with `Allow` naming the declared methods, and/or the gateway's 404 APIG.0101 (`mode`)."""
    accepted = {"405": "405 with Allow", "404": "404 APIG.0101", "any": "405 with Allow or 404 APIG.0101"}[mode]

    def wrong(response: requests.Response) -> str | None:
        status = response.status_code
        if status == 405 and mode in ("405", "any"):
            allowed = {item.strip().upper() for item in response.headers.get("Allow", "").split(",") if item.strip()}
            listed = declared <= allowed
            return (
                None
                if listed
                else f"answered 405 with Allow: {response.headers.get('Allow')!r}, not {sorted(declared)}"
            )
        gateway = status == 404 and response.json().get("error_code") == "APIG.0101"
        return None if gateway and mode in ("404", "any") else f"answered {status}, expected {accepted}"

    def judge(response: requests.Response) -> str | None:
        status = response.status_code
        if 200 <= status < 300 or status >= 500:
            what = "was served" if status < 300 else "crashed the server"
            return f"{what} ({status}), expected {accepted}"
        if not is_error_body(response):
            return f"answered {status} without the documented error body, expected {accepted}"
        if not response.headers.get("X-Request-Id"):
            return f"answered {status} without X-Request-Id"
        return wrong(response)

    return judge


@functools.cache
def spec_paths() -> dict[str, frozenset[str]]:
    """Each path template of the spec and its declared methods (upper case)."""
    raw = spec_document()
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    return {path: frozenset(m.upper() for m in item if m in methods) for path, item in raw.get("paths", {}).items()}


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


def _overlong(task: KnownTask) -> Iterator[tuple[str, KnownTask]]:
    for name in ("project_id", "instance_id", "task_id"):
        for length in OVERLONG_LENGTHS:
            yield f"{name} {length} characters", task._replace(**{name: ("0123456789abcdef" * 17)[:length]})


def _get(check: str, label: str, task: KnownTask, auth: str, judge: Judge, *, failing_ak: bool = False) -> Probe:
    return Probe(check, label, "GET", progress_path(task), auth, judge, failing_ak=failing_ak)


def tenancy_probes(target: Target) -> list[Probe]:
    check = "cross_tenant_access_denied"
    probes = [
        _get(check, label, task, "signed", DENIED)
        for label, task in mixed_tenancy(target.readable_tasks, target.foreign_tasks)
    ]
    probes += [_get(check, "their task", task, "signed", DENIED) for task in target.foreign_tasks]
    if target.foreign_auth is not None:
        probes += [
            _get(check, "my task, their credentials", task, "other-tenant", DENIED) for task in target.readable_tasks
        ]
    return probes


def auth_probes(target: Target, *, failing_ak: bool) -> list[Probe]:
    """Unsigned everywhere; failing signatures with a configured AK only when `failing_ak`."""
    unknown = (*target.missing_tasks, *target.foreign_tasks)
    everywhere = (*unknown, *target.readable_tasks)
    probes = [_get("auth_before_lookup", "unsigned", task, "unsigned", UNAUTHORIZED) for task in everywhere]
    if isinstance(target.auth, IamTokenAuth):
        probes += [
            _get("auth_before_lookup", "token altered", task, "token-altered", UNAUTHORIZED) for task in everywhere
        ]
    if failing_ak and isinstance(target.auth, AkSkSigner):
        probes += [
            _get("auth_before_lookup", "signature altered", task, "signature-altered", UNAUTHORIZED, failing_ak=True)
            for task in unknown
        ]
        probes += [
            _get("tampered_signature_rejected", mode.replace("-", " "), task, mode, UNAUTHORIZED, failing_ak=True)
            for task in target.readable_tasks
            for mode in _TAMPERED
        ]
    if failing_ak and target.temporary_auth is not None:
        probes += [
            _get("security_token_enforced", mode.replace("-", " "), task, mode, UNAUTHORIZED, failing_ak=True)
            for task in (*target.readable_tasks[:2], *target.missing_tasks[:1])
            for mode in ("security-token-dropped", "security-token-altered")
        ]
    return probes


def method_probes(target: Target, anchor: KnownTask) -> list[Probe]:
    """Undeclared methods on read-only paths (the only state-changing methods a read-only run sends)."""
    probes = []
    for template, declared in spec_paths().items():
        if target.read_only and not declared <= SAFE_METHODS:
            continue
        path = template.format(**anchor.as_path_parameters())
        judge = method_judge(target.method_rejection, declared)
        for method in (m for m in PROBED_METHODS if m not in declared):
            body = b"{}" if method in ("POST", "PUT", "PATCH") else None
            label = f"{method} not declared"
            probes.append(Probe("undeclared_method_rejected", label, method, path, "signed", judge, body=body))
    return probes


def build_probes(target: Target, *, failing_ak: bool) -> list[Probe]:
    """Every probe for `target`, in sending order; failing-AK probes only when `failing_ak` (AUTH_PROBES)."""
    anchor = (target.readable_tasks or target.missing_tasks)[0]
    overlong = [_get("overlong_id_rejected", label, task, "signed", OVERLONG) for label, task in _overlong(anchor)]
    return [
        *tenancy_probes(target),
        *auth_probes(target, failing_ak=failing_ak),
        *method_probes(target, anchor),
        *overlong,
    ]


class ProbeRunner:
    """Sends one run's probes through its session and records each verdict in its report."""

    def __init__(self, target: Target, session: requests.Session, recorder: Recorder, *, timeout: float) -> None:
        self.target = target
        self.session = session
        self.recorder = recorder
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
            problem = probe.judge(response)
            if problem is not None:
                self.recorder.wrong_answer(
                    probe.check, f"{probe.label}: {probe.method} {problem}", response, probe.auth
                )

    def _keep_unlocked(self, mode: str) -> None:
        """Before a failing signature: after two in a row with this AK, one correctly signed request."""
        good = "temporary" if mode.startswith("security-token") else "signed"
        key = good
        if self.bad_in_a_row[key] >= MAX_BAD_IN_A_ROW:
            anchor = (self.target.readable_tasks or self.target.missing_tasks)[0]
            response = self._send("GET", progress_path(anchor), self.modes[good], None)
            self.report.guard_requests += 1
            self.report.checks["credentials_not_locked"] += 1
            if response.status_code == 401:
                title = "a correctly signed request between auth probes got 401"
                self.recorder.wrong_answer("credentials_not_locked", title, response, good)
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
