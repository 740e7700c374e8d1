"""RATE_LIMIT: forwarded requests spaced evenly, each waiting its turn in arrival order; none is ever refused.

No burst allowance: a gateway that throttles per second sees at most the configured rate in any window.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class Pacer:
    """Hands out send times ``1 / per_second`` apart; ``per_second=None`` lets everything through at once."""

    def __init__(
        self,
        per_second: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = 1.0 / per_second if per_second else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next = -float("inf")

    async def turn(self) -> float:
        """Wait for this request's turn; the seconds waited.

        The slot is taken before waiting (no await in between), so callers go in the order they asked even
        when many wait at once; a caller cancelled while waiting leaves its slot unused, never the rate exceeded.
        """
        if not self._interval:
            return 0.0
        now = self._clock()
        slot = max(now, self._next)
        self._next = slot + self._interval
        if slot > now:
            await self._sleep(slot - now)
        return slot - now
