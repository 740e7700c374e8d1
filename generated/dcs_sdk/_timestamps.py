"""Timestamps of the DCS API as timezone-aware datetimes.

The service documents ``2020-06-17T07:38:42.503Z`` but also returns ``2022-09-01 11:52:24`` (no
``T``, no zone). The zone-less form is taken as UTC: it is the documented ``Z`` form printed
without its suffix, and the sibling task APIs state their times in UTC. The generated models call
``parse_timestamp`` instead of ``datetime.fromisoformat``, which would return a naive datetime
for the zone-less form.

Accepted: exactly the spec's ``Timestamp`` pattern (a ``T`` or a space, 1 to 9 fractional digits,
``Z`` or ``±hh:mm`` / ``±hhmm``, or nothing). Anything else (a date alone, ``2022/09/01``, week
dates that ``fromisoformat`` would take) raises ``SchemaMismatchError``, a ``ValueError``.
"""

from __future__ import annotations

import datetime
import re

from ._errors import SchemaMismatchError

ZONELESS_TIMEZONE = datetime.UTC
EXPECTED = "a timestamp like 2020-06-17T07:38:42.503Z or 2022-09-01 11:52:24"
# The spec's Timestamp pattern, with ASCII digits only (``\d`` would admit other scripts' digits).
_SHAPE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}"  # date and time
    r"(?:\.[0-9]{1,9})?"  # fraction
    r"(Z|[+-][0-9]{2}:?[0-9]{2})?"  # zone (group 1)
)
_fromisoformat = datetime.datetime.fromisoformat


def parse_timestamp(value: str, field: str = "") -> datetime.datetime:
    """Parse either timestamp form; ``field`` names the value in the error when it is neither."""
    match = _SHAPE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise SchemaMismatchError(field, EXPECTED, value)
    try:
        # Appending the zone beats datetime.replace(tzinfo=...), which costs ~1 µs per call;
        # fromisoformat keeps microseconds and drops further fractional digits.
        return _fromisoformat(value if match[1] else value + "+00:00")
    except ValueError:  # the right shape but not a date, e.g. month 13
        raise SchemaMismatchError(field, EXPECTED, value) from None
