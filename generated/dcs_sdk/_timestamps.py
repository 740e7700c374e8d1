"""Timestamps of the DCS API as timezone-aware datetimes.

The service documents ``2020-06-17T07:38:42.503Z`` but also returns ``2022-09-01 11:52:24`` (no
``T``, no zone). The zone-less form is taken as UTC: it is the documented ``Z`` form printed
without its suffix, and the sibling task APIs state their times in UTC. The generated models call
``parse_timestamp`` instead of ``datetime.fromisoformat``, which would return a naive datetime.
"""

from __future__ import annotations

import datetime

ZONELESS_TIMEZONE = datetime.UTC


def parse_timestamp(value: str) -> datetime.datetime:
    """Parse either timestamp form; raises ``ValueError`` naming the value when it is neither."""
    if not isinstance(value, str):
        raise TypeError(f"timestamp must be a string, got {type(value).__name__}")
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a DCS timestamp: {value!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=ZONELESS_TIMEZONE)
