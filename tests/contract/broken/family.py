"""Broken emulator variants for the task family's cross-operation checks (`contract_tests/checks_family.py`),
one per check, in the style of `variants.py` (whose wrappers they reuse)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send

from contract_tests.emulator import Scenario, errors

from .variants import ResigningGateway, Variant, _claimed, _progress_bodies

_REWRITTEN = "contract.rewritten"  # scope key: the query was changed, so the request is re-signed


def _listed_as_success(document: dict[str, Any]) -> None:
    for task in document.get("tasks") or []:
        if task.get("status") in ("EXECUTING", "WAITING"):
            task["status"] = "SUCCESS"


class _KeepsDeletedTasks:
    """Answers every DELETE with success and forgets it: the task stays."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "DELETE":
            await self.app(scope, receive, send)
            return
        body = errors.dump({"message": ""})
        headers = [(b"content-type", b"application/json"), (b"x-request-id", b"0" * 32)]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _DropsQuery:
    """Drops the named query parameters before the emulator sees them (re-signing what is left)."""

    def __init__(self, app: ASGIApp, names: frozenset[str]) -> None:
        self.app = app
        self.names = names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = bytes(scope.get("query_string", b"")).decode("latin-1") if scope["type"] == "http" else ""
        pairs = parse_qsl(raw, keep_blank_values=True)
        kept = [(name, value) for name, value in pairs if name not in self.names]
        if kept == pairs:
            await self.app(scope, receive, send)
            return
        await self.app({**scope, "query_string": urlencode(kept).encode(), _REWRITTEN: True}, receive, send)


def _ignores(names: frozenset[str]) -> Any:
    def wrap(app: ASGIApp, scenario: Scenario) -> ASGIApp:
        resigned = ResigningGateway(app, lambda scope: _claimed(scope, scenario) if scope.get(_REWRITTEN) else None)
        return _DropsQuery(resigned, names)

    return wrap


FAMILY_VARIANTS: tuple[Variant, ...] = (
    Variant(
        "running tasks listed as SUCCESS",
        _progress_bodies(_listed_as_success),
        frozenset({"listed_status_agrees_with_progress"}),
    ),
    Variant(
        "a deleted task stays",
        lambda app, _scenario: _KeepsDeletedTasks(app),
        frozenset({"deleted_task_is_gone"}),
    ),
    Variant("offset ignored", _ignores(frozenset({"offset"})), frozenset({"pages_partition_the_listing"})),
    Variant(
        "time window ignored",
        _ignores(frozenset({"start_time", "end_time"})),
        frozenset({"time_window_respected"}),
    ),
)
