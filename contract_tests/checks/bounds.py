"""The right answers to the format probes: a query parameter at or past the edges of its schema (an integer's
`format` and `minimum`/`maximum`; a date-time's calendar and its written form).

- `integer_bounds_respected`: within the schema → the documented success or the documented 400; past an edge →
  exactly the documented 400 with its error body; never 5xx (an integer parsed into a too-small type crashes).
- `date_time_edges_handled`: off the schema (`pattern`: an hour 24, a fraction, an offset) → exactly the documented
  400 with its error body; a value the schema takes that no calendar has (February 29 of a common year, year 0000)
  or at the edges of the calendar (years 0001 and 9999) → the documented success or 400; never 5xx.
"""

from __future__ import annotations

from collections.abc import Collection

import requests

from ..record.answers import is_error_body
from .negotiation import ignored_or_refused
from .probe_rules import Judge

INTEGER_BOUNDS = "integer_bounds_respected"
DATE_TIME_EDGES = "date_time_edges_handled"


def refused(response: requests.Response) -> str | None:
    """Exactly the documented 400, with the error body."""
    status = response.status_code
    if status >= 500:
        return f"crashed the server ({status})"
    if status != 400:
        return f"answered {status}, expected the documented 400 to a value off the parameter's schema"
    return None if is_error_body(response) else "answered 400 without the documented error body"


def within_schema(successes: Collection[int]) -> Judge:
    """A value the schema takes: the documented success, or the documented 400 (a limit the spec does not say)."""
    return ignored_or_refused(successes)
