"""`run_suite`: pytest runs the suite's test module (`run/suite_tests.py`) in this process against one `SuiteRun`,
which `SuitePlugin` hands to it; the run's report comes back, and pytest's JUnit XML is scrubbed of secrets.

The plugin's fixtures give the tests the run (`contract_run`) and its Schemathesis schema (`contract_schema`,
built on first use, never at import). While collecting, it gives the test marked `every_operation` to that
schema's `parametrize()`, so Schemathesis' pytest plugin makes one Hypothesis test per operation: ours because
Schemathesis' loader for a schema made at run time (`schemathesis.pytest.from_fixture`) fails under pytest 9
("'Function' object has no attribute '_nodeid'"). It also counts the outcomes, runs the state-changing
operations' tests after the `stateful` one, and leaves that one out while the spec has no OpenAPI links to chain.
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from schemathesis import BaseSchema

from ..record.findings import redact
from ..record.run_report import INTERRUPTED, SuiteReport
from ..spec.document import REPO_ROOT
from .state import SuiteRun

SUITE_PATH = Path(__file__).resolve().parent / "suite_tests.py"
ROOT = REPO_ROOT
STATEFUL, EVERY_OPERATION, AUTH_PROBES = "stateful", "every_operation", "auth_probes"  # the markers of suite_tests.py


def run_suite(run: SuiteRun, *, junit_xml: Path | None = None, show_output: bool = False) -> SuiteReport:
    """Run `run/suite_tests.py` under pytest for `run`; its report says what was sent and what failed."""
    plugin = SuitePlugin(run)
    # `--capture=sys`: a live progress display writes to the terminal's stream object while the tests run
    # (fd-level capture would swallow it); Python-level output is still captured.
    args = [str(SUITE_PATH), "--rootdir", str(ROOT), "-p", "no:cacheprovider", "-q", "--tb=short", "--capture=sys"]
    # Schemathesis and Hypothesis are imported before pytest starts: nothing of theirs to rewrite.
    args += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    if junit_xml is not None:
        junit_xml.parent.mkdir(parents=True, exist_ok=True)
        args += [f"--junitxml={junit_xml}", "-o", "junit_suite_name=contract", "-o", "junit_logging=no"]
    quiet = contextlib.nullcontext() if show_output else contextlib.redirect_stdout(io.StringIO())
    with quiet, run.opened():
        exit_code = pytest.main(args, plugins=[plugin])
    if junit_xml is not None and junit_xml.exists():
        # pytest writes Schemathesis' failure texts verbatim; credentials must not reach the file.
        junit_xml.write_text(redact(junit_xml.read_text(encoding="utf-8"), run.target.secrets), encoding="utf-8")
    run.report.tests_passed, run.report.tests_failed = plugin.passed, plugin.failed
    # By check and title, not as found: concurrent workers find them in any order, and every report lists them so.
    run.report.failures = dict(sorted(run.report.failures.items()))
    if exit_code == pytest.ExitCode.INTERRUPTED:
        # Ctrl-C: pytest stopped at the test under way and wrote its JUnit file; the workers finish what is on the
        # wire when the run closes, and the run's reports say where it stopped.
        run.report.stopped = INTERRUPTED
        return run.report
    if exit_code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise RuntimeError(f"the contract suite could not run (pytest exit code {exit_code})")
    return run.report


class SuitePlugin:
    """One run's fixtures and outcome counts; one plugin object per `pytest.main` call."""

    def __init__(self, run: SuiteRun) -> None:
        self.run = run
        self.passed = self.failed = 0
        self._failed: set[str] = set()  # node IDs of the failed tests
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
        config.addinivalue_line("markers", f"{STATEFUL}: chains operations along the spec's OpenAPI links")
        config.addinivalue_line("markers", f"{EVERY_OPERATION}: runs for every operation of the run's schema")
        config.addinivalue_line("markers", f"{AUTH_PROBES}: the probes that may fail authentication, run last")

    @pytest.hookimpl(tryfirst=True)
    def pytest_pycollect_makeitem(self, collector: pytest.Module | pytest.Class, name: str, obj: object) -> Any:  # noqa: ANN401 - whatever the collectors return
        marks = getattr(obj, "pytestmark", [])
        if obj in self._parametrized or not any(mark.name == EVERY_OPERATION for mark in marks):
            return None
        # The schema exists only now, so the test is parametrized now; collecting the result again
        # lets Schemathesis' own pytest plugin make the per-operation items, as for `@schema.parametrize()`.
        test = self.schema.parametrize()(obj)
        self._parametrized.append(test)
        return collector.ihook.pytest_pycollect_makeitem(collector=collector, name=name, obj=test)

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        others = [item for item in items if not self._in_shard(item)]  # another part's (SHARD=i/N)
        if others:
            config.hook.pytest_deselected(items=others)
            items[:] = [item for item in items if item not in others]
        # The probes that may fail authentication come last: with concurrent workers they go on beside the stateful
        # phase and what follows (one chain per AK), and that test waits for the last of them.
        last = [item for item in items if item.get_closest_marker(AUTH_PROBES) is not None]
        items[:] = [item for item in items if item not in last] + last
        if self.run.spec.has_links:
            # The state-changing operations' own cases come last, after the stateful phase: they change (delete)
            # every task offered to them, and the stateful phase needs those tasks still there to follow the links
            # of a change's answer (a deleted task's progress).
            changing = [item for item in items if self._changes_state(item)]
            items[:] = [item for item in items if item not in changing and item not in last] + changing + last
            return
        # Without links there is nothing to chain: the test is left out, not shown as skipped.
        stateful = [item for item in items if item.get_closest_marker(STATEFUL) is not None]
        if stateful:
            config.hook.pytest_deselected(items=stateful)
            items[:] = [item for item in items if item not in stateful]

    def _in_shard(self, item: pytest.Item) -> bool:
        """Whether this part of the campaign runs `item` (`run.shards`; the probes' test filters its probes)."""
        plan = self.run.shards
        if item.get_closest_marker(STATEFUL) is not None:
            return plan.keeps_stateful
        operation = self.run.spec.by_label(item.name.partition("[")[2].removesuffix("]"))
        return operation is None or not item.get_closest_marker(EVERY_OPERATION) or plan.keeps_operation(operation)

    def _changes_state(self, item: pytest.Item) -> bool:
        """Whether `item` is the test of one state-changing operation (`test_operation[DELETE /path]`)."""
        label = item.name.partition("[")[2].removesuffix("]")
        operation = self.run.spec.by_label(label) if item.get_closest_marker(EVERY_OPERATION) else None
        return operation is not None and operation.changes_state

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for observer in self.run.observers:
            observer.tests_planned([item.name for item in session.items])

    def pytest_runtest_logstart(self, location: tuple[str, int | None, str]) -> None:
        for observer in self.run.observers:
            observer.test_started(location[2])

    def pytest_runtest_logfinish(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        for observer in self.run.observers:
            observer.test_finished(location[2], nodeid not in self._failed)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        """A test's cases handed to concurrent workers are settled before it ends: their failure is its failure. The
        tests that send one request at a time (the stateful phase, a state-changing operation's) leave workers idle:
        the chains of auth probes start with the first of them."""
        if item.get_closest_marker(STATEFUL) is not None or self._changes_state(item):
            self.run.start_auth_probes()
        try:
            result = yield
        except (KeyboardInterrupt, SystemExit):
            raise  # the run stops: what is queued is dropped when the run closes (`Workers.holding`)
        except BaseException:
            self.run.settle_cases()  # a case's failure, raised after the test stopped at it, wins over the stop
            raise
        self.run.settle_cases()
        return result

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self._failed.add(report.nodeid)
            self.failed += 1
            if not self.run.report.failures:
                # A failure no check recorded (an exception in the suite or the transport): never a silent FAILED.
                self.run.recorder.error(report.nodeid, report.longreprtext)
        elif report.passed and report.when == "call":
            self.passed += 1


_PLUGIN = pytest.StashKey[SuitePlugin]()
