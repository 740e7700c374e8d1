"""A point in time a call (or a CLI command) must end by: ``call_timeout`` seconds from its start.

Deliberately free of httpx: the waiter and the CLI use it too.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .errors import InvalidArgumentError, InvalidTypeError

Clock = Callable[[], float]  # monotonic seconds


def check_seconds(name: str, value: object, *, allow_zero: bool = False) -> float | None:
    """``value`` as seconds: ``None`` (no limit) or a positive number; anything else is the caller's mistake."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidTypeError(f"{name} must be a number of seconds or None, got {type(value).__name__} {value!r}")
    if not (value >= 0 if allow_zero else value > 0) or value != value:  # noqa: PLR0124 - NaN check
        raise InvalidArgumentError(f"{name} must be {'>= 0' if allow_zero else '> 0'} seconds, got {value!r}")
    return float(value)


class Deadline:
    """``seconds`` from now on ``clock``; ``limited`` records that it cut the call short (see ``base.py``)."""

    def __init__(self, seconds: float, clock: Clock = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self.at = clock() + seconds
        self.limited = False

    def left(self) -> float:
        """Seconds left (negative once passed)."""
        return self.at - self._clock()

    def allows(self, delay: float) -> bool:
        """Whether sleeping ``delay`` seconds still leaves time for another attempt."""
        return delay < self.left()
