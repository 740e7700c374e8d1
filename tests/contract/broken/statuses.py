"""Broken emulator variants around the statuses only the fixtures' instances give (issue 18: a run reaches every
documented status): the throttled answer (429), the deletion without content (204), and the documented 500 of a
listing or a deletion known to fail. Each answers one of those statuses otherwise than the spec says, or gives it
where it is not expected, or hides it where it is; each is caught by the check named for it.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.types import ASGIApp, Scope

from contract_tests.emulator import Scenario, errors

from .rules import _error, task_path_ids
from .variants import Headers, ResponseRewriter, Rewrite, Variant, Wrap

THROTTLED = frozenset({"throttled_answer_documented"})
KNOWN_TASKS = frozenset({"known_tasks_answer_as_expected"})
Answer = tuple[int, Headers, bytes]


def _without(headers: Headers, name: bytes) -> Headers:
    return [(key, value) for key, value in headers if key.lower() != name]


def _at_status(status: int, rewrite: Rewrite) -> Wrap:
    """Rewrite every answer with `status`, whatever the path."""

    def some(scope: Scope, code: int, headers: Headers, body: bytes) -> Answer:
        return rewrite(scope, code, headers, body) if code == status else (code, headers, body)

    return lambda app, _scenario: ResponseRewriter(app, some)


def _failing_instances(scenario: Scenario) -> list[dict[str, str]]:
    return [instance._asdict() for instance, _ in scenario.failing_instances()]


def _failing_tasks(scenario: Scenario) -> list[dict[str, str]]:
    return [task._asdict() for task in scenario.internal_error_tasks()]


def _readable_instance(scenario: Scenario) -> list[dict[str, str]]:
    project_id, instance_id, _ = scenario.known_tasks()[0]
    return [{"project_id": project_id, "instance_id": instance_id}]


def _for_ids(named: Callable[[Scenario], list[dict[str, str]]], method: str, status: int, rewrite: Rewrite) -> Wrap:
    """Rewrite the answers with `status` to `method` requests whose path names, by exactly its IDs, one of what
    `named` picks from the scenario (instances: their listing; tasks: their progress or deletion)."""

    def wrap(app: ASGIApp, scenario: Scenario) -> ASGIApp:
        wanted = [{name: value.lower() for name, value in ids.items()} for ids in named(scenario)]

        def some(scope: Scope, code: int, headers: Headers, body: bytes) -> Answer:
            hit = code == status and scope["method"] == method and task_path_ids(scope) in wanted
            return rewrite(scope, code, headers, body) if hit else (code, headers, body)

        return ResponseRewriter(app, some)

    return wrap


def _no_retry_after(_scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    return status, _without(headers, b"retry-after"), body


def _gateway_page(_scope: Scope, status: int, headers: Headers, _body: bytes) -> Answer:
    # The gateway's own "too many requests" page: HTML, not the documented Error body.
    page = b"<html><body><h1>429 Too Many Requests</h1></body></html>"
    return status, [*_without(headers, b"content-type"), (b"content-type", b"text/html")], page


def _retry_after_as_date(_scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    # RFC 9110 allows an HTTP-date, but the spec documents seconds (an integer): a client following the spec breaks.
    date = b"Wed, 21 Oct 2026 07:28:00 GMT"
    return status, [*_without(headers, b"retry-after"), (b"retry-after", date)], body


def _message_with_204(_scope: Scope, status: int, headers: Headers, _body: bytes) -> Answer:
    # 200's body sent with 204, which RFC 9110 and the spec say has no content.
    return status, [*_without(headers, b"content-type"), (b"content-type", b"application/json")], b'{"message": ""}'


def _empty_listing(_scope: Scope, _status: int, headers: Headers, _body: bytes) -> Answer:
    # A backend failure papered over with an empty, schema-valid listing.
    kept = _without(headers, b"content-type")
    return 200, [*kept, (b"content-type", b"application/json")], json.dumps({"task_count": "0", "tasks": []}).encode()


def _deleted_anyway(_scope: Scope, _status: int, headers: Headers, _body: bytes) -> Answer:
    # A deletion the backend failed, reported as done.
    return 204, _without(headers, b"content-type"), b""


def _documented_500(_scope: Scope, _status: int, headers: Headers, _body: bytes) -> Answer:
    return _error(errors.INTERNAL_ERROR, headers)


STATUS_VARIANTS: tuple[Variant, ...] = (
    # 429: documented with the Error body, X-Request-Id and Retry-After in seconds
    Variant("throttled without Retry-After", _at_status(429, _no_retry_after), THROTTLED),
    Variant("throttled with the gateway's HTML page", _at_status(429, _gateway_page), THROTTLED),
    Variant("throttled with Retry-After as a date", _at_status(429, _retry_after_as_date), THROTTLED),
    # 204: no content
    Variant(
        "deletion's 204 with a body",
        _at_status(204, _message_with_204),
        frozenset({"no_body_where_no_content_documented"}),
    ),
    # 500: expected of what is known to fail, there only
    Variant("failing listing answers 200", _for_ids(_failing_instances, "GET", 500, _empty_listing), KNOWN_TASKS),
    Variant("failing deletion reported done", _for_ids(_failing_tasks, "DELETE", 500, _deleted_anyway), KNOWN_TASKS),
    Variant(
        "documented 500 for a readable instance's listing",
        _for_ids(_readable_instance, "GET", 200, _documented_500),
        frozenset({"not_a_server_error"}) | KNOWN_TASKS,
    ),
)
