"""The pytest plugin that hands one run to the suite's pytest module (`SuitePlugin`), and the
decorator that marks that module's per-operation test (`for_every_operation`).

`pytest_runner.run_suite` passes a `SuitePlugin` to `pytest.main(plugins=[…])`. Its fixtures give
the tests the run's state (`contract_run`: target, options, report) and its Schemathesis schema
(`contract_schema`, built on first use, never at import). While collecting, it parametrizes the
`for_every_operation` test with that schema, one Hypothesis test per API operation as
`schema.parametrize()` does. It also counts the suite's test outcomes and leaves out the stateful
test while the spec has no OpenAPI links to chain.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from schemathesis import BaseSchema

from .run_state import SuiteRun

STATEFUL_MARKER = "stateful"
_EVERY_OPERATION = "contract_every_operation"  # our own attribute on the marked test function

TestFunction = TypeVar("TestFunction", bound=Callable[..., None])


def for_every_operation(test: TestFunction) -> TestFunction:
    """Mark `test(case, …)` to run for every operation of the run's schema (`SuitePlugin` parametrizes it)."""
    setattr(test, _EVERY_OPERATION, True)
    return test


class SuitePlugin:
    """One run's fixtures and outcome counts; one plugin object per `pytest.main` call."""

    def __init__(self, run: SuiteRun) -> None:
        self.run = run
        self.passed = 0
        self.failed = 0
        self._parametrized: list[Callable[..., None]] = []

    @functools.cached_property
    def schema(self) -> BaseSchema:
        return self.run.build_schema()

    # Session-scoped (Hypothesis refuses function-scoped fixtures in its tests), hence class methods,
    # as pytest asks: they find this run's plugin in the session's config stash.
    @pytest.fixture(scope="session")
    @classmethod
    def contract_run(cls, request: pytest.FixtureRequest) -> SuiteRun:
        return request.config.stash[_PLUGIN].run

    @pytest.fixture(scope="session")
    @classmethod
    def contract_schema(cls, request: pytest.FixtureRequest) -> BaseSchema:
        return request.config.stash[_PLUGIN].schema

    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[_PLUGIN] = self
        config.addinivalue_line("markers", f"{STATEFUL_MARKER}: chains operations along the spec's OpenAPI links")

    @pytest.hookimpl(tryfirst=True)
    def pytest_pycollect_makeitem(self, collector: pytest.Module | pytest.Class, name: str, obj: object) -> Any:  # noqa: ANN401 - whatever the collectors return
        if not getattr(obj, _EVERY_OPERATION, False) or obj in self._parametrized:
            return None
        # The schema exists only now, so the test is parametrized now; collecting the result again
        # lets Schemathesis' own pytest plugin make the per-operation items, as for `@schema.parametrize()`.
        test = self.schema.parametrize()(obj)
        self._parametrized.append(test)
        return collector.ihook.pytest_pycollect_makeitem(collector=collector, name=name, obj=test)

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        if self.run.chains_operations:
            return
        # Without links there is nothing to chain: the test is left out, not shown as skipped.
        stateful = [item for item in items if item.get_closest_marker(STATEFUL_MARKER) is not None]
        if stateful:
            config.hook.pytest_deselected(items=stateful)
            items[:] = [item for item in items if item not in stateful]

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.failed += 1
            if not self.run.report.failures:
                # A failure no check recorded (an exception in the suite or the transport): never a silent FAILED.
                self.run.record_error(report.nodeid, report.longreprtext)
        elif report.passed and report.when == "call":
            self.passed += 1


_PLUGIN = pytest.StashKey[SuitePlugin]()
