"""Broken emulator variants for the suite's rules across operations (issue 17), two or more per rule: the bug the
issue names and one of the same class it does not; each is caught by the check named for the rule.

In the style of `variants.py` (whose wrappers they reuse); the IDs of every path of the task family are read by
`task_path_ids`, so a variant can aim at the listing, the progress or the deletion alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Scope

from contract_tests.emulator import Credential, Scenario, emulator_of, errors
from contract_tests.emulator.responses import list_document

from .variants import (
    Headers,
    ResigningGateway,
    ResponseRewriter,
    Rewrite,
    Variant,
    _answers,
    _claimed,
    _progress_bodies,  # changes every 200 JSON body: the listings' and the progress's alike
    _raw_path,
    lookup_ignoring_project,
)

TENANCY = frozenset({"cross_tenant_access_denied"})
SIGNED = frozenset({"signed_request_accepted"})
LISTED = frozenset({"listed_status_agrees_with_progress"})
UNAUTHORIZED = errors.unauthorized("verify aksk signature fail")
Answer = tuple[int, Headers, bytes]


def task_path_ids(scope: Scope) -> dict[str, str]:
    """The IDs of a task-family path (`/v2/{project}/instances/{instance}/tasks[/{task}[/progress]]`), lower-cased."""
    parts = _raw_path(scope).lower().split("/")
    if len(parts) < 6 or parts[3] != "instances" or parts[5] != "tasks" or len(parts) > 8:
        return {}
    ids = {"project_id": parts[2], "instance_id": parts[4]}
    return ids | ({"task_id": parts[6]} if len(parts) >= 7 else {})


def _listing(scope: Scope) -> bool:
    return scope["method"] == "GET" and "task_id" not in task_path_ids(scope) and bool(task_path_ids(scope))


def _query(scope: Scope) -> dict[str, str]:
    return dict(parse_qsl(bytes(scope.get("query_string", b"")).decode("latin-1"), keep_blank_values=True))


def _error(error: errors.ApiError, headers: Headers) -> Answer:
    kept = [(name, value) for name, value in headers if name.lower() != b"content-type"]
    return error.status, [*kept, (b"content-type", b"application/json")], error.body("0" * 32)


# -- tenancy on every operation taking the IDs -------------------------------------------------------------------


def _anyone_deletes(app: ASGIApp, scenario: Scenario) -> ASGIApp:
    """Deletion checks the signature but not who may use the project: any tenant deletes anyone's task."""

    def as_owner(scope: Scope) -> Credential | None:
        ids, caller = task_path_ids(scope), _claimed(scope, scenario)
        if scope["method"] != "DELETE" or caller is None or not ids or caller.may_access(ids["project_id"]):
            return None
        try:
            return scenario.credential_for(ids["project_id"])
        except LookupError:
            return None

    return ResigningGateway(app, as_owner)


def _deletion_ignores_instance(app: ASGIApp, scenario: Scenario) -> ASGIApp:
    """Deletion finds the task by project and task ID, whatever instance the path names."""

    def home(scope: Scope) -> str | None:
        ids = task_path_ids(scope)
        if scope["method"] != "DELETE" or "task_id" not in ids or _claimed(scope, scenario) is None:
            return None
        project = scenario.projects.get(ids["project_id"])
        instances = project.instances.values() if project is not None else ()
        found = next((instance.id.lower() for instance in instances if ids["task_id"] in instance.tasks), None)
        return found if found not in (None, ids["instance_id"]) else None

    def claimed(scope: Scope) -> Credential | None:
        return _claimed(scope, scenario) if home(scope) else None

    def to_home(scope: Scope) -> Scope:
        path = _raw_path(scope).lower().replace(task_path_ids(scope)["instance_id"], home(scope) or "", 1)
        return {**scope, "path": path, "raw_path": path.encode()}

    return ResigningGateway(app, claimed, to_home)


# -- each documented status per operation and cause ----------------------------------------------------------------

_MALFORMED_CODES = {error.code for error in errors.INVALID_PARAMETER.values()}


def _malformed_id(replacement: errors.ApiError, codes: frozenset[str] = frozenset(_MALFORMED_CODES)) -> Rewrite:
    """A malformed path ID (the documented 400 with its DCS code) answered with `replacement` instead."""

    def rewrite(_scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
        if status == 400 and json.loads(body).get("error_code") in codes:
            return _error(replacement, headers)
        return status, headers, body

    return rewrite


def _unknown_instance_listed_empty(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    if status == 404 and _listing(scope) and json.loads(body).get("error_code") == errors.INSTANCE_NOT_FOUND.code:
        return 200, headers, json.dumps({"task_count": "0", "tasks": []}).encode()
    return status, headers, body


# -- a correctly signed request is never refused with 401 ------------------------------------------------------------


def _refused_when(reason: Callable[[Scope], bool]) -> Rewrite:
    """A gateway that answers 401 to signed requests `reason` picks: it verifies them over another canonical form."""

    def rewrite(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
        signed = any(name.lower() == b"authorization" for name, _ in scope["headers"])
        return _error(UNAUTHORIZED, headers) if signed and status != 401 and reason(scope) else (status, headers, body)

    return rewrite


def _percent_escaped_query(scope: Scope) -> bool:
    # Canonicalises the query as decoded text: any percent-escape (reserved or non-ASCII) signs differently.
    return b"%" in bytes(scope.get("query_string", b""))


def _unsorted_query(scope: Scope) -> bool:
    # Canonicalises the query in the order sent, not sorted by name.
    names = [name for name, _ in parse_qsl(bytes(scope.get("query_string", b"")).decode("latin-1"), True)]
    return names != sorted(names)


def _deletion(scope: Scope) -> bool:
    # Hashes a DELETE's empty body as "{}": every signed deletion fails verification.
    return bool(scope["method"] == "DELETE")


# -- every answer carries its own X-Request-Id --------------------------------------------------------------------


def _constant_request_id(_scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    kept = [(name, value) for name, value in headers if name.lower() != b"x-request-id"]
    return status, [*kept, (b"x-request-id", b"4c4ec4b1e3f1b0f0a3c2f5e1d2b3a4c5")], body


class _CachedErrors:
    """Error answers served from a cache keyed by status: the first one's X-Request-Id comes back every time."""

    def __init__(self) -> None:
        self.first: dict[int, bytes] = {}

    def __call__(self, _scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
        if status < 400:
            return status, headers, body
        current = next((value for name, value in headers if name.lower() == b"x-request-id"), b"")
        cached = self.first.setdefault(status, current)
        kept = [(name, value) for name, value in headers if name.lower() != b"x-request-id"]
        return status, [*kept, (b"x-request-id", cached)], body


# -- top-level steps in execution order ----------------------------------------------------------------------------


def _steps_reversed(document: dict[str, Any]) -> None:
    if isinstance(document.get("step_details"), list):
        document["step_details"].reverse()


def _steps_by_name(document: dict[str, Any]) -> None:
    if isinstance(document.get("step_details"), list):
        document["step_details"].sort(key=lambda step: str(step.get("step_name")))


# -- the listing: task_count over all pages, nothing past the end ----------------------------------------------------


def _count_plus_one(document: dict[str, Any]) -> None:
    if isinstance(document.get("task_count"), str):
        document["task_count"] = str(int(document["task_count"]) + 1)


def _count_of_the_page(document: dict[str, Any]) -> None:
    if isinstance(document.get("tasks"), list):
        document["task_count"] = str(len(document["tasks"]))


def _past_the_end(answer: Callable[[int, int, int], int]) -> Callable[[ASGIApp, Scenario], ASGIApp]:
    """A listing whose offset at or past the end (`answer(offset, limit, total)`) is served from another offset."""

    def wrap(app: ASGIApp, _scenario: Scenario) -> ASGIApp:
        backend = emulator_of(app).backend  # type: ignore[arg-type]  # the emulator's own app

        def rewrite(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
            query, ids = _query(scope), task_path_ids(scope)
            if status != 200 or not _listing(scope) or not query.get("offset", "").isdigit():
                return status, headers, body
            offset, total = int(query["offset"]), int(json.loads(body)["task_count"])
            limit = int(query["limit"]) if query.get("limit", "").isdigit() else total
            if offset < total or not total or {"start_time", "end_time"} & set(query):
                return status, headers, body
            page = backend.list_tasks(
                ids["project_id"], ids["instance_id"], offset=answer(offset, limit, total), limit=limit
            )
            return status, headers, json.dumps(list_document(page)).encode()

        return ResponseRewriter(app, rewrite)

    return wrap


# -- every listed status agrees with the progress ------------------------------------------------------------------


def _listed_as(seen: str, shown: str) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        for task in document.get("tasks") or []:
            if task.get("status") == seen:
                task["status"] = shown

    return change


# -- every answer judged, the suite's own fetches included ----------------------------------------------------------


def _progress_of(state: Callable[[dict[str, Any]], bool], answer: Callable[[Headers], Answer]) -> Rewrite:
    """The progress of the tasks whose (true) progress `state` picks answered with `answer` instead."""

    def rewrite(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
        if status == 200 and _raw_path(scope).endswith("/progress") and state(json.loads(body)):
            return answer(headers)
        return status, headers, body

    return rewrite


def _finished(document: dict[str, Any]) -> bool:
    return bool(document.get("progress") == 100)


def _failed(document: dict[str, Any]) -> bool:
    return any(step.get("step_status") == "FAILED" for step in document.get("step_details") or [])


def _paged_listing_without_request_id(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    if _listing(scope) and "offset" in _query(scope):
        return status, [(name, value) for name, value in headers if name.lower() != b"x-request-id"], body
    return status, headers, body


RULE_VARIANTS: tuple[Variant, ...] = (
    # tenancy on every operation that takes the IDs
    Variant(
        "another project's instance listed",
        lookup_ignoring_project(lambda scope: task_path_ids(scope) if _listing(scope) else {}),
        TENANCY,
    ),
    Variant("the other tenant deletes the deletable task", _anyone_deletes, TENANCY),
    Variant("deletion ignores the path's instance", _deletion_ignores_instance, TENANCY),
    # each documented status per operation and cause
    Variant(
        "malformed path ID answered 404",
        _answers(_malformed_id(errors.TASK_NOT_FOUND)),
        frozenset({"malformed_id_rejected"}),
    ),
    Variant(
        "malformed project ID answered 403",
        _answers(_malformed_id(errors.FORBIDDEN, frozenset({errors.INVALID_PARAMETER["project_id"].code}))),
        frozenset({"malformed_id_rejected"}),
    ),
    Variant(
        "unknown instance listed as empty",
        _answers(_unknown_instance_listed_empty),
        frozenset({"known_tasks_answer_as_expected"}),
    ),
    # a correctly signed request is never refused with 401
    Variant("query canonicalised decoded", _answers(_refused_when(_percent_escaped_query)), SIGNED),
    Variant("query canonicalised unsorted", _answers(_refused_when(_unsorted_query)), SIGNED),
    Variant("signed deletions refused", _answers(_refused_when(_deletion)), SIGNED),
    # request IDs unique across a run
    Variant("one X-Request-Id for every answer", _answers(_constant_request_id), frozenset({"request_id_unique"})),
    Variant(
        "error answers reuse an X-Request-Id",
        lambda app, _scenario: ResponseRewriter(app, _CachedErrors()),
        frozenset({"request_id_unique"}),
    ),
    # top-level steps in execution order
    Variant("steps listed newest first", _progress_bodies(_steps_reversed), frozenset({"steps_in_execution_order"})),
    Variant("steps sorted by name", _progress_bodies(_steps_by_name), frozenset({"steps_in_execution_order"})),
    # task_count is the distinct tasks over all pages; a page past the end is empty
    Variant("task_count one too many", _progress_bodies(_count_plus_one), frozenset({"pages_partition_the_listing"})),
    Variant(
        "task_count of the page only", _progress_bodies(_count_of_the_page), frozenset({"pages_partition_the_listing"})
    ),
    Variant(
        "offset past the end: the last page again",
        _past_the_end(lambda _offset, limit, total: max(0, total - limit)),
        frozenset({"offset_past_end_is_empty", "pages_partition_the_listing"}),
    ),
    Variant(
        "offset past the end wraps around",
        _past_the_end(lambda offset, _limit, total: offset % total),
        frozenset({"offset_past_end_is_empty", "pages_partition_the_listing"}),
    ),
    # the listed status agrees with the progress, for every status
    Variant("finished tasks listed EXECUTING", _progress_bodies(_listed_as("SUCCESS", "EXECUTING")), LISTED),
    Variant("queued tasks listed EXECUTING", _progress_bodies(_listed_as("WAITING", "EXECUTING")), LISTED),
    Variant("failed tasks listed SUCCESS", _progress_bodies(_listed_as("FAILED", "SUCCESS")), LISTED),
    # every answer judged: the requests the checks send themselves included
    Variant(
        "finished tasks' progress answers 500",
        _answers(_progress_of(_finished, lambda headers: _error(errors.INTERNAL_ERROR, headers))),
        frozenset({"not_a_server_error"}) | LISTED,
    ),
    Variant(
        "a listed task's progress answers 404",
        _answers(_progress_of(_failed, lambda headers: _error(errors.TASK_NOT_FOUND, headers))),
        LISTED,
    ),
    Variant(
        "paged listings without X-Request-Id",
        _answers(_paged_listing_without_request_id),
        # the listing `deleted_task_is_gone` reads after the example deletion is judged, and fails that check too
        frozenset({"response_headers_conformance", "deleted_task_is_gone"}),
    ),
)
