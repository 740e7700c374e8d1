"""A stateful emulator of DCS background tasks, the default server the contract suite checks.

``create_app()`` builds the ASGI app; ``python -m contract_tests.emulator`` serves it.
Layers, each importing only from those before it (import-linter contracts in pyproject.toml): model
(``clock``, ``reading``, ``models``, ``scenario``, ``scenario_format``; no HTTP) → request checks (``errors``,
``lockout``, ``spec``, ``auth``, ``faults``) → ``responses`` (handlers) → app (``state``, ``control``
for ``/_emulator``, ``app`` the ASGI dispatcher) → ``server`` (uvicorn) → entry points.
"""

from .app import create_app, emulator_of
from .clock import Clock, ManualClock, ScaledClock
from .faults import FaultConfig
from .scenario import DEFAULT_SCENARIO_PATH, Credential, Scenario, ScenarioError, TaskRef, load_scenario, parse_scenario
from .state import Emulator

__all__ = [
    "DEFAULT_SCENARIO_PATH",
    "Clock",
    "Credential",
    "Emulator",
    "FaultConfig",
    "ManualClock",
    "ScaledClock",
    "Scenario",
    "ScenarioError",
    "TaskRef",
    "create_app",
    "emulator_of",
    "load_scenario",
    "parse_scenario",
]
