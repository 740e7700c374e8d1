"""Fixtures for the emulator tests: an emulator on loopback with a manual clock, and the spec oracle."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
from starlette.applications import Starlette

from contract_tests.emulator import (
    DEFAULT_SCENARIO_PATH,
    ManualClock,
    Scenario,
    TaskRef,
    create_app,
    emulator_of,
    load_scenario,
)
from contract_tests.emulator.server import serve_in_thread
from tests.emulator.helpers import SpecOracle

ORIGIN = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


@dataclass
class Running:
    """An emulator served by uvicorn on a free loopback port."""

    base_url: str
    clock: ManualClock
    app: Starlette
    client: httpx.Client

    @property
    def host(self) -> str:
        return self.base_url.removeprefix("http://")

    @property
    def port(self) -> int:
        return int(self.host.rsplit(":", 1)[1])


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    return load_scenario(DEFAULT_SCENARIO_PATH)


@pytest.fixture(scope="session")
def oracle() -> SpecOracle:
    return SpecOracle()


@pytest.fixture(scope="session")
def example(scenario: Scenario) -> TaskRef:
    """The task modelled on the vendor's example."""
    return scenario.known_tasks()[0]


@pytest.fixture(scope="module")
def running(scenario: Scenario) -> Iterator[Running]:
    clock = ManualClock(ORIGIN)
    app = create_app(scenario, clock=clock, enable_control_api=True)
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as client:
        yield Running(base_url, clock, app, client)


def restore(running: Running) -> Running:
    """The emulator as it started: its scenario and no faults (both swapped whole, so cheap), clock at the origin."""
    emulator_of(running.app).reset()
    running.clock.set(ORIGIN)
    return running


@pytest.fixture
def served(running: Running) -> Running:
    """The module's emulator, restored before each test so one failing test cannot poison the next."""
    return restore(running)
