"""When each request of a run went out and when its answer came, as places in one sequence (`sent`, `answered`,
`answered_before`), so a check comparing two answers of one resource knows whether one was sent after the other
was answered. Serially that is always so; with concurrent workers (WORKERS above 1) two polls may overlap, and
a task that moved on between them may be answered in either order: such a pair says nothing about order.

Ours because neither `requests` nor Schemathesis keeps more than an answer's duration."""

from __future__ import annotations

import itertools

import requests

_places = itertools.count(1)  # one sequence for the process: `next` on it is atomic under the GIL
_SENT, _ANSWERED = "_contract_sent", "_contract_answered"


def sent(request: requests.PreparedRequest) -> None:
    setattr(request, _SENT, next(_places))


def answered(request: requests.PreparedRequest) -> None:
    setattr(request, _ANSWERED, next(_places))


def sent_at(request: object) -> int | None:
    """The place `request` went out at; None for one no run's transport sent (a proxy's, a test's own)."""
    value = getattr(request, _SENT, None)
    return value if isinstance(value, int) else None


def answered_at(request: object) -> int | None:
    value = getattr(request, _ANSWERED, None)
    return value if isinstance(value, int) else None
