"""Clocks the task model reads time from: scaled real time for a running emulator, manual in tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """What the model needs: the current emulated time, and a way for the control API to move it."""

    @property
    def origin(self) -> datetime:
        """The instant scenario task offsets are relative to."""
        ...

    def now(self) -> datetime: ...

    def advance(self, seconds: float) -> None: ...


class ScaledClock:
    """Real time since ``origin``, multiplied by ``speed``; ``advance`` adds a fixed jump."""

    def __init__(
        self, speed: float = 1.0, origin: datetime | None = None, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be positive, got {speed}")
        self.speed = speed
        self._origin = origin or datetime.now(UTC)
        self._monotonic = monotonic
        self._started = monotonic()
        self._jump = 0.0
        self._lock = threading.Lock()

    @property
    def origin(self) -> datetime:
        return self._origin

    def now(self) -> datetime:
        elapsed = (self._monotonic() - self._started) * self.speed + self._jump
        return self._origin + timedelta(seconds=elapsed)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._jump += seconds


class ManualClock:
    """Stands still until told to move: deterministic timelines in tests."""

    def __init__(self, origin: datetime | None = None) -> None:
        self._origin = origin or datetime(2024, 1, 1, tzinfo=UTC)
        self._now = self._origin
        self._lock = threading.Lock()

    @property
    def origin(self) -> datetime:
        return self._origin

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)

    def set(self, instant: datetime) -> None:
        with self._lock:
            self._now = instant
