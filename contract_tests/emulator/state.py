"""The state behind one emulator app: scenario, backend, handlers, authenticator and faults.

Below both the ASGI dispatcher and the control API, which each hold the same :class:`Emulator`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..spec.document import spec_document
from .auth import Authenticator
from .clock import Clock, ScaledClock
from .faults import FaultConfig, FaultInjector, OnceThrottle
from .lockout import Lockout, LockoutPolicy
from .models import Backend
from .responses import Extension, Responder
from .scenario import Scenario, ScenarioError
from .spec import Route as SpecRoute
from .spec import compile_routes


class Emulator:
    """The state behind one app; the control API swaps its parts whole, so readers never see half."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        clock: Clock | None,
        faults: FaultConfig | None,
        speed: float = 1.0,
        lockout: LockoutPolicy | None = LockoutPolicy(),  # noqa: B008 - frozen, shared safely
        spec: Mapping[str, Any] | None = None,
        extensions: tuple[Extension, ...] = (),
    ) -> None:
        self._lockout_policy = lockout  # None: failed authentications never lock a key
        self._extensions = extensions  # handlers (and their model) of operations `responses.py` does not have
        self.routes: list[SpecRoute] = compile_routes(spec or spec_document())
        self.operation_ids = frozenset(op.operation_id for route in self.routes for op in route.operations.values())
        self._owns_clock = clock is None
        self._speed = speed
        self.clock: Clock = clock or ScaledClock(speed)
        self._initial = (scenario, faults or FaultConfig())
        self.load(scenario)
        self.set_faults(faults or FaultConfig())
        missing = self.operation_ids - set(self.responder.handlers)
        if missing:
            raise RuntimeError(f"spec operations without an emulator handler: {sorted(missing)}")

    @property
    def scenario(self) -> Scenario:
        return self._scenario

    def load(self, scenario: Scenario) -> None:
        """Serve `scenario` from now on; raises ScenarioError when it names an operation the spec does not have."""
        unknown = scenario.operations_named() - self.operation_ids
        if unknown:
            raise ScenarioError(f"{scenario.source}: operations not in the spec: {', '.join(sorted(unknown))}")
        self._scenario = scenario
        self.backend = Backend(scenario.projects, self.clock)
        self.throttle = OnceThrottle(scenario.projects)
        self.responder = Responder(self.backend, self._extensions)
        policy = self._lockout_policy
        self.lockout = None if policy is None else Lockout(self.clock.now, policy)
        self.authenticator = Authenticator(scenario.credentials, lockout=self.lockout)

    def set_faults(self, config: FaultConfig) -> None:
        self.faults = FaultInjector(config)

    def reset(self) -> None:
        """Back to the start scenario and faults; a clock the emulator owns restarts from now."""
        if self._owns_clock:
            self.clock = ScaledClock(self._speed)
        scenario, faults = self._initial
        self.load(scenario)
        self.set_faults(faults)
