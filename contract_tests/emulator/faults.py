"""Seeded fault injection: latency, 500/503, 429 with Retry-After, a req/s throttle, dropped connections; and the
scenario's deterministic throttle (`OnceThrottle`: an instance's `throttled_once`).

Off by default. Each request draws the same number of random values from one seeded generator,
so a given seed and request order always produce the same faults.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import Any

from .models import Project


class Fault(StrEnum):
    DROP = "drop"
    ERROR_500 = "error_500"
    ERROR_503 = "error_503"
    THROTTLE = "throttle"


@dataclass(frozen=True)
class FaultConfig:
    seed: int = 0
    latency_ms: float = 0.0  # added to every request
    jitter_ms: float = 0.0  # plus uniform 0..jitter_ms
    error_500: float = 0.0  # rates in [0, 1]
    error_503: float = 0.0
    throttle_429: float = 0.0
    drop: float = 0.0
    rate_limit: float = 0.0  # requests per second across the API, like the gateway's 200 req/s; 0 = off
    retry_after: int = 1  # seconds, sent with 429

    def __post_init__(self) -> None:
        for name in ("error_500", "error_503", "throttle_429", "drop"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"fault rate {name} must be between 0 and 1")
        for name in ("latency_ms", "jitter_ms", "rate_limit"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.retry_after < 0:
            raise ValueError("retry_after must not be negative")

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self) if f.name not in ("seed", "retry_after"))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> FaultConfig:
        known = {f.name: f.type for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(unknown)}; known: {', '.join(known)}")
        converted: dict[str, Any] = {}
        for name, value in values.items():
            caster = int if name in ("seed", "retry_after") else float
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise ValueError(f"{name} must be a number")
            try:
                converted[name] = caster(value)
            except ValueError:
                raise ValueError(f"{name} must be a number, got {value!r}") from None
        return cls(**converted)

    @classmethod
    def parse(cls, text: str) -> FaultConfig:
        """``latency_ms=50,error_503=0.1,seed=7`` (the CLI's ``--faults`` syntax)."""
        pairs = [item.split("=", 1) for item in text.split(",") if item.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise ValueError("faults must be NAME=VALUE pairs separated by commas")
        return cls.from_dict({name.strip(): value.strip() for name, value in pairs})


@dataclass(frozen=True)
class Decision:
    delay: float  # seconds to wait before answering
    fault: Fault | None


class FaultInjector:
    def __init__(self, config: FaultConfig | None = None, *, monotonic: Any = time.monotonic) -> None:  # noqa: ANN401
        self.config = config or FaultConfig()
        self._random = random.Random(self.config.seed)
        self._lock = threading.Lock()
        self._monotonic = monotonic
        self._window_start = 0.0
        self._window_count = 0

    def decide(self) -> Decision:
        config = self.config
        if not config.active:
            return Decision(0.0, None)
        with self._lock:
            draws = [self._random.random() for _ in range(5)]
            over_limit = self._over_rate_limit()
        delay = (config.latency_ms + draws[0] * config.jitter_ms) / 1000
        fault = None
        if over_limit or draws[1] < config.throttle_429:
            fault = Fault.THROTTLE
        elif draws[2] < config.drop:
            fault = Fault.DROP
        elif draws[3] < config.error_500:
            fault = Fault.ERROR_500
        elif draws[4] < config.error_503:
            fault = Fault.ERROR_503
        return Decision(delay, fault)

    def _over_rate_limit(self) -> bool:
        # A fixed one-second window, as the gateway's per-API flow control counts requests.
        if not self.config.rate_limit:
            return False
        now = self._monotonic()
        if now - self._window_start >= 1.0:
            self._window_start, self._window_count = now, 0
        self._window_count += 1
        return self._window_count > self.config.rate_limit


class OnceThrottle:
    """The gateway's answer to the first request of each operation an instance's ``throttled_once`` names that
    names that instance (its project and ID, compared without case): 429, which the client waits out
    (``Retry-After: 0``) and sends again; every later one passes. Deterministic, unlike the seeded faults: a
    client's handling of the documented 429 is tested on every run."""

    def __init__(self, projects: Mapping[str, Project]) -> None:
        self._named = {
            (project.id.lower(), instance.id.lower()): instance.throttled_once
            for project in projects.values()
            for instance in project.instances.values()
            if instance.throttled_once
        }
        self._sent: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()

    def throttles(self, path_parameters: Mapping[str, str], operation_id: str) -> bool:
        """Whether this request is the first of its operation naming an instance that throttles it once."""
        if not self._named:
            return False
        instance = (path_parameters.get("project_id", "").lower(), path_parameters.get("instance_id", "").lower())
        if operation_id not in self._named.get(instance, ()):
            return False
        with self._lock:
            first = (*instance, operation_id) not in self._sent
            self._sent.add((*instance, operation_id))
        return first
