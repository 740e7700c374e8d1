"""Deliberately broken variants of the emulator, to prove the suite reports each kind of bug.

Each variant is a small ASGI wrapper around the real emulator app: it either rewrites the answer
(`ResponseRewriter`) or changes who the request claims to come from (`ResigningGateway`). Test
support only: nothing outside the tests uses these.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from dcs_tasks.lib import signing
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contract_tests.emulator import Credential, Scenario, errors
from contract_tests.spec.ids import KnownTask

Headers = list[tuple[bytes, bytes]]
Rewrite = Callable[[Scope, int, Headers, bytes], tuple[int, Headers, bytes]]


class ResponseRewriter:
    """Buffers the app's answer and passes it through `rewrite` (status, headers, body)."""

    def __init__(self, app: ASGIApp, rewrite: Rewrite) -> None:
        self.app = app
        self.rewrite = rewrite

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        status, headers, body = self.rewrite(scope, start["status"], list(start.get("headers", [])), b"".join(chunks))
        headers = [(name, value) for name, value in headers if name.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _raw_path(scope: Scope) -> str:
    raw = scope.get("raw_path") or str(scope["path"]).encode()
    return bytes(raw).split(b"?", 1)[0].decode("utf-8", "replace")


def _path_parameters(scope: Scope) -> dict[str, str]:
    parts = _raw_path(scope).split("/")
    # /v2/{project_id}/instances/{instance_id}/tasks/{task_id}/progress
    if len(parts) == 8 and parts[2] and parts[3] == "instances" and parts[5] == "tasks":
        return {"project_id": parts[2].lower(), "instance_id": parts[4].lower(), "task_id": parts[6].lower()}
    return {}


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def resigned(scope: Scope, body: bytes, credential: Credential) -> Scope:
    """`scope` signed afresh, correctly, as `credential` would sign it now (its security token included)."""
    dropped = {b"authorization", b"x-auth-token", signing.DATE_HEADER.lower().encode()}
    if credential.security_token is not None:
        dropped.add(b"x-security-token")
    headers = [(name, value) for name, value in scope["headers"] if name.lower() not in dropped]
    if credential.security_token is not None:
        headers.append((b"x-security-token", credential.security_token.encode("latin-1")))
    date = datetime.datetime.now(datetime.UTC).strftime(signing.DATE_FORMAT)
    headers.append((signing.DATE_HEADER.lower().encode(), date.encode()))
    authorization = signing.sign(
        access_key=credential.access_key,
        secret_key=credential.secret_key,
        method=scope["method"],
        raw_path=_raw_path(scope),
        raw_query=bytes(scope.get("query_string", b"")).decode("latin-1"),
        headers={name.decode("latin-1"): value.decode("latin-1") for name, value in headers},
        body=body,
    )
    headers.append((b"authorization", authorization.encode("latin-1")))
    return {**scope, "headers": headers}


def replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app `body` (already read) first."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class ResigningGateway:
    """A gateway that re-signs requests as `choose(scope)`'s credentials, or passes them on when None;
    `reroute` may change the method or path of the requests it re-signs first."""

    def __init__(
        self,
        app: ASGIApp,
        choose: Callable[[Scope], Credential | None],
        reroute: Callable[[Scope], Scope] = lambda scope: scope,
    ) -> None:
        self.app = app
        self.choose = choose
        self.reroute = reroute

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        credential = self.choose(scope) if scope["type"] == "http" else None
        if credential is None:
            await self.app(scope, receive, send)
            return
        scope = self.reroute(scope)
        body = await _read_body(receive)
        await self.app(resigned(scope, body, credential), replaying(body, receive), send)


def _json_rewrite(change: Callable[[dict[str, Any]], None], *, status: int = 200) -> Rewrite:
    """Apply `change` to JSON object bodies of responses with `status`."""

    def rewrite(_scope: Scope, code: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        if code != status:
            return code, headers, body
        document = json.loads(body)
        change(document)
        return code, headers, json.dumps(document).encode()

    return rewrite


def _steps(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from document.get("step_details") or []


def _progress_as_string(document: dict[str, Any]) -> None:
    document["progress"] = str(document.get("progress", 0))


def _progress_above_100(document: dict[str, Any]) -> None:
    document["progress"] = int(document.get("progress", 0)) + 101


def _complete_while_running(document: dict[str, Any]) -> None:
    if any(step.get("step_status") != "FINISH" for step in _steps(document)):
        document["progress"] = 100
        document["remain_time"] = 0


def _time_left_when_done(document: dict[str, Any]) -> None:
    if document.get("progress") == 100:
        document["remain_time"] = 42


def _ends_before_it_begins(document: dict[str, Any]) -> None:
    for step in _steps(document):
        if step.get("begin_time") and step.get("end_time"):
            step["begin_time"], step["end_time"] = "2030-01-01T00:00:00.000Z", "2020-06-17 07:38:42"
            return


def _failed_without_error_code(document: dict[str, Any]) -> None:
    for step in _steps(document):
        if step.get("step_status") == "FAILED":
            step.pop("error_code", None)


def _no_error_body(_scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    return status, headers, body if status < 400 else b""


def _text_content_type(_scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    headers = [(name, value) for name, value in headers if name.lower() != b"content-type"]
    return status, [*headers, (b"content-type", b"text/plain; charset=utf-8")], body


def _no_request_id(_scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    return status, [(name, value) for name, value in headers if name.lower() != b"x-request-id"], body


def _crash_on_odd_input(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    # An unhandled exception for any path outside the ASCII letters and digits of real IDs.
    if any(not (char.isascii() and (char.isalnum() or char in "-/")) for char in _raw_path(scope)):
        return 500, [(b"content-type", b"text/plain; charset=utf-8")], b"Traceback (most recent call last): ..."
    return status, headers, body


def _only_for(tasks: list[KnownTask], status: int, rewrite: Rewrite) -> Rewrite:
    """Apply `rewrite` to the answers with `status` for one of `tasks` only."""
    wanted = [{name: value.lower() for name, value in task.as_path_parameters().items()} for task in tasks]

    def rewrite_some(scope: Scope, code: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        if code == status and _path_parameters(scope) in wanted:
            return rewrite(scope, code, headers, body)
        return code, headers, body

    return rewrite_some


def _fault_hidden(_scope: Scope, _status: int, headers: Headers, _body: bytes) -> tuple[int, Headers, bytes]:
    # A backend failure papered over with an empty, schema-valid progress document.
    return 200, headers, json.dumps({"progress": 0, "remain_time": 0, "step_details": []}).encode()


def _bare_500(_scope: Scope, _status: int, headers: Headers, _body: bytes) -> tuple[int, Headers, bytes]:
    return 500, headers, b""


def _documented_500(_scope: Scope, _status: int, headers: Headers, _body: bytes) -> tuple[int, Headers, bytes]:
    # A well-formed 500: only the target's known-faulty task may answer it.
    return 500, headers, errors.INTERNAL_ERROR.body("0" * 32)


class _Regressing:
    """Every second poll of a task reports one point less progress than the poll before."""

    def __init__(self) -> None:
        self.polls: dict[str, int] = {}

    def __call__(self, scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        if status != 200:
            return status, headers, body
        key = _raw_path(scope).lower()
        self.polls[key] = self.polls.get(key, 0) + 1
        document = json.loads(body)
        progress = document.get("progress")
        # Running tasks only: a finished one at 99 would be another bug (progress 100 iff all FINISH).
        if self.polls[key] % 2 == 0 and isinstance(progress, int) and 0 < progress < 100:
            document["progress"] = progress - 1
        return status, headers, json.dumps(document).encode()


@dataclass(frozen=True)
class Variant:
    name: str
    wrap: Callable[[ASGIApp, Scenario], ASGIApp]
    caught_by: frozenset[str]  # at least these checks must report it


Wrap = Callable[[ASGIApp, Scenario], ASGIApp]


def _answers(rewrite: Rewrite) -> Wrap:
    return lambda app, _scenario: ResponseRewriter(app, rewrite)


def _progress_bodies(change: Callable[[dict[str, Any]], None]) -> Wrap:
    return _answers(_json_rewrite(change))


def _faulty_tasks(rewrite: Rewrite) -> Wrap:
    return lambda app, scenario: ResponseRewriter(app, _only_for(scenario.internal_error_tasks(), 500, rewrite))


def _example_task(rewrite: Rewrite) -> Wrap:
    return lambda app, scenario: ResponseRewriter(app, _only_for(scenario.known_tasks()[:1], 200, rewrite))


def _regressing(app: ASGIApp, _scenario: Scenario) -> ASGIApp:
    return ResponseRewriter(app, _Regressing())  # its own poll counts per wrapped app


def _accept_unsigned(app: ASGIApp, scenario: Scenario) -> ASGIApp:
    demo = scenario.demo
    return ResigningGateway(app, lambda _scope: demo)


def _claimed(scope: Scope, scenario: Scenario) -> Credential | None:
    """The credentials a well-formed SDK-HMAC-SHA256 header names, whether or not its signature is right."""
    value = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
    try:
        access_key = signing.parse_authorization(value).access_key
    except ValueError:
        return None
    return next((c for c in scenario.credentials if c.access_key == access_key), None)


def _skip_signature_check(app: ASGIApp, scenario: Scenario) -> ASGIApp:
    """Takes any well-formed signature header at its word: wrong signatures and stale dates pass."""
    return ResigningGateway(app, lambda scope: _claimed(scope, scenario))


def _serve_other_projects(app: ASGIApp, scenario: Scenario) -> ASGIApp:
    def owner(scope: Scope) -> Credential | None:
        # Signed callers asking for a project they may not see get served as its owner.
        project = _path_parameters(scope).get("project_id")
        if project is None or _claimed(scope, scenario) is None or scenario.demo.may_access(project):
            return None
        try:
            return scenario.credential_for(project)
        except LookupError:
            return None

    return ResigningGateway(app, owner)


def _owner(scenario: Scenario, instance_id: str) -> str | None:
    return next((pid for pid, project in scenario.projects.items() if instance_id in project.instances), None)


def lookup_ignoring_project(path_ids: Callable[[Scope], dict[str, str]]) -> Wrap:
    """Checks the caller may use the path's project, then finds the instance wherever it lives (for the requests
    whose IDs `path_ids` reads: none, no bug)."""

    def wrap(app: ASGIApp, scenario: Scenario) -> ASGIApp:
        def elsewhere(scope: Scope) -> str | None:
            params, caller = path_ids(scope), _claimed(scope, scenario)
            if not params or caller is None or not caller.may_access(params["project_id"]):
                return None
            owner = _owner(scenario, params["instance_id"])
            return owner if owner not in (None, params["project_id"]) else None

        def as_owner(scope: Scope) -> Credential | None:
            owner = elsewhere(scope)
            return None if owner is None else scenario.credential_for(owner)

        def to_owner(scope: Scope) -> Scope:
            owner, project = elsewhere(scope), path_ids(scope)["project_id"]
            path = _raw_path(scope).replace(project, owner or project, 1)
            return {**scope, "path": path, "raw_path": path.encode()}

        return ResigningGateway(app, as_owner, to_owner)

    return wrap


def _undeclared_methods_served(app: ASGIApp, scenario: Scenario) -> ASGIApp:
    """Any method on a task's path is handled as GET."""

    def caller(scope: Scope) -> Credential | None:
        claimed = _claimed(scope, scenario)
        return claimed if scope["method"] != "GET" and _path_parameters(scope) else None

    return ResigningGateway(app, caller, lambda scope: {**scope, "method": "GET"})


def _token_not_checked(app: ASGIApp, scenario: Scenario) -> ASGIApp:
    """Temporary credentials pass with any X-Security-Token, or none (the gateway re-signs with the right one)."""

    def choose(scope: Scope) -> Credential | None:
        caller = _claimed(scope, scenario)
        return caller if caller is not None and caller.security_token is not None else None

    return ResigningGateway(app, choose)


def _auth_after_lookup(scenario: Scenario) -> Rewrite:
    """Looks the resource up first: an unknown one is 404 even for an unauthenticated request."""

    def rewrite(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        params = _path_parameters(scope)
        if status != 401 or not params:
            return status, headers, body
        project = scenario.projects.get(params["project_id"])
        instance = project.instances.get(params["instance_id"]) if project else None
        if instance is not None and params["task_id"] in instance.tasks:
            return status, headers, body
        return 404, headers, errors.TASK_NOT_FOUND.body("0" * 32)

    return rewrite


def _undeclared_method_bare_404(
    _scope: Scope, status: int, headers: Headers, body: bytes
) -> tuple[int, Headers, bytes]:
    if status != 405:
        return status, headers, body
    kept = [(name, value) for name, value in headers if name.lower() not in (b"allow", b"content-type")]
    return 404, [*kept, (b"content-type", b"text/plain; charset=utf-8")], b"Not Found"


def _crash_on_overlong_ids(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    # A fixed-size ID column: anything longer than a UUID overflows it.
    if any(len(segment) > 36 for segment in _raw_path(scope).split("/")):
        return 500, [(b"content-type", b"application/json")], errors.INTERNAL_ERROR.body("0" * 32)
    return status, headers, body


def _lower_case_when_failed(document: dict[str, Any]) -> None:
    # Only the failed task's answer: the bug hides from a run that polls one running task.
    steps = list(_steps(document))
    if any(step.get("step_status") == "FAILED" for step in steps):
        for step in steps:
            step["step_status"] = str(step.get("step_status", "")).lower()


def _negative_remain_time_when_queued(document: dict[str, Any]) -> None:
    steps = list(_steps(document))
    if steps and all(step.get("step_status") == "WAITING" for step in steps):
        document["remain_time"] = -int(document.get("remain_time") or 600)


SCHEMA = frozenset({"response_schema_conformance"})
KNOWN_TASKS = frozenset({"known_tasks_answer_as_expected"})

VARIANTS: tuple[Variant, ...] = (
    # the kinds of bug the issue names
    Variant("wrong field type", _progress_bodies(_progress_as_string), SCHEMA),
    Variant("missing error body", _answers(_no_error_body), SCHEMA),
    Variant("500 on odd input", _answers(_crash_on_odd_input), frozenset({"not_a_server_error"})),
    Variant("progress above 100", _progress_bodies(_progress_above_100), SCHEMA),
    Variant("unsigned requests accepted", _accept_unsigned, frozenset({"ignored_auth"})),
    Variant("another project's task served", _serve_other_projects, KNOWN_TASKS),
    Variant("wrong Content-Type", _answers(_text_content_type), frozenset({"content_type_conformance"})),
    Variant("no X-Request-Id header", _answers(_no_request_id), frozenset({"response_headers_conformance"})),
    # one per domain check
    Variant("signatures not verified", _skip_signature_check, frozenset({"tampered_signature_rejected"})),
    Variant(
        "progress 100 while steps run",
        _progress_bodies(_complete_while_running),
        frozenset({"progress_complete_iff_steps_finished"}),
    ),
    Variant(
        "remaining time when done", _progress_bodies(_time_left_when_done), frozenset({"remain_time_zero_when_done"})
    ),
    Variant(
        "step ends before it begins",
        _progress_bodies(_ends_before_it_begins),
        frozenset({"end_time_not_before_begin_time"}),
    ),
    Variant(
        "FAILED step without error code",
        _progress_bodies(_failed_without_error_code),
        frozenset({"failed_step_has_error_code"}),
    ),
    Variant("progress goes backwards", _regressing, frozenset({"progress_never_decreases"})),
    # the documented 500: expected of the known-faulty task, and of nothing else
    Variant("known-faulty task answers 200", _faulty_tasks(_fault_hidden), KNOWN_TASKS),
    Variant("known-faulty task's 500 without error body", _faulty_tasks(_bare_500), SCHEMA | KNOWN_TASKS),
    Variant(
        "documented 500 for a readable task",
        _example_task(_documented_500),
        frozenset({"not_a_server_error"}) | KNOWN_TASKS,
    ),
    # staging: one realistic bug per class of the suite's probes and task invariants
    Variant(
        "lookup ignores the path's project",
        lookup_ignoring_project(_path_parameters),
        frozenset({"cross_tenant_access_denied"}),
    ),
    Variant(
        "authentication after lookup",
        lambda app, scenario: ResponseRewriter(app, _auth_after_lookup(scenario)),
        frozenset({"auth_before_lookup"}),
    ),
    Variant("security token not enforced", _token_not_checked, frozenset({"security_token_enforced"})),
    Variant("undeclared methods served", _undeclared_methods_served, frozenset({"undeclared_method_rejected"})),
    Variant(
        "undeclared method: bare 404", _answers(_undeclared_method_bare_404), frozenset({"undeclared_method_rejected"})
    ),
    Variant(
        "lower-case statuses on a failed task",
        _progress_bodies(_lower_case_when_failed),
        frozenset({"status_values_upper_case"}),
    ),
    Variant(
        "negative remain_time on a queued task",
        _progress_bodies(_negative_remain_time_when_queued),
        frozenset({"remain_time_not_negative"}),
    ),
    Variant("500 on over-long IDs", _answers(_crash_on_overlong_ids), frozenset({"overlong_id_rejected"})),
)
