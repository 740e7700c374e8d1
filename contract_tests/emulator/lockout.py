"""AK/SK lockout, as the API gateway applies it: an access key that fails authentication more than five
times in a row is locked for five minutes, and every AK/SK request with it is rejected until then.

Time is the emulator's clock (``ManualClock`` in tests), so a test can step past the lock. A success
with the key ends its run of failures. Requests that name no known access key lock nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5  # failures in a row that are still tolerated; one more locks the key
    lock_seconds: float = 300.0


class Lockout:
    """Consecutive failures and locks per access key; ``peak`` keeps each key's longest run of failures."""

    def __init__(self, now: Callable[[], datetime], policy: LockoutPolicy | None = None) -> None:
        self.policy = policy or LockoutPolicy()
        self._now = now
        self._guard = threading.Lock()
        self._failures: dict[str, int] = {}
        self._locked_until: dict[str, datetime] = {}
        self.peak: dict[str, int] = {}
        self.locks: dict[str, int] = {}  # how often each key was locked

    def is_locked(self, access_key: str) -> bool:
        with self._guard:
            until = self._locked_until.get(access_key)
            if until is None:
                return False
            if self._now() >= until:
                del self._locked_until[access_key]
                return False
            return True

    def failed(self, access_key: str) -> None:
        with self._guard:
            count = self._failures.get(access_key, 0) + 1
            self._failures[access_key] = count
            self.peak[access_key] = max(count, self.peak.get(access_key, 0))
            if count > self.policy.max_failures:
                self._failures[access_key] = 0
                self._locked_until[access_key] = self._now() + timedelta(seconds=self.policy.lock_seconds)
                self.locks[access_key] = self.locks.get(access_key, 0) + 1

    def succeeded(self, access_key: str) -> None:
        with self._guard:
            self._failures.pop(access_key, None)

    def state(self) -> dict[str, object]:
        """What the control API shows: locked keys (until when) and the longest runs of failures."""
        with self._guard:
            locked = {key: until.isoformat() for key, until in self._locked_until.items() if self._now() < until}
            return {"locked_until": locked, "peak_consecutive_failures": dict(self.peak), "locks": dict(self.locks)}
