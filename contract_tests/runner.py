"""Run the pytest contract suite against one target, in this process, and return what it saw."""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

import pytest

from .report import SuiteReport, redact
from .schema import SuiteOptions
from .session import SuiteRun, activate
from .target import Target

SUITE_MODULE = "contract_tests.contract_suite"
SUITE_PATH = Path(__file__).resolve().parent / "contract_suite.py"
ROOT = SUITE_PATH.parent.parent


class _Outcomes:
    """Counts the suite's test outcomes (one test per operation)."""

    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.failed += 1
        elif report.passed and report.when == "call":
            self.passed += 1


def run_suite(
    target: Target, options: SuiteOptions, *, junit_xml: Path | None = None, show_output: bool = False
) -> SuiteReport:
    """Run `contract_suite.py` under pytest against `target`; the report says what was sent and what failed."""
    run = SuiteRun(target, options)
    outcomes = _Outcomes()
    args = [str(SUITE_PATH), "--rootdir", str(ROOT), "-p", "no:cacheprovider", "-q", "--tb=short"]
    # Schemathesis and Hypothesis are imported before pytest starts: nothing of theirs to rewrite.
    args += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    quiet = contextlib.nullcontext() if show_output else contextlib.redirect_stdout(io.StringIO())
    if junit_xml is not None:
        junit_xml.parent.mkdir(parents=True, exist_ok=True)
        args += [f"--junitxml={junit_xml}", "-o", "junit_suite_name=contract", "-o", "junit_logging=no"]
    # A fresh import per run: the module builds its schema from the run activated here.
    previous = sys.modules.pop(SUITE_MODULE, None)
    activate(run)
    try:
        with quiet, run.session:
            exit_code = pytest.main(args, plugins=[outcomes])
    finally:
        activate(None)
        sys.modules.pop(SUITE_MODULE, None)
        if previous is not None:
            sys.modules[SUITE_MODULE] = previous
    if junit_xml is not None and junit_xml.exists():
        # pytest writes Schemathesis' failure texts verbatim; credentials must not reach the file.
        junit_xml.write_text(redact(junit_xml.read_text(encoding="utf-8"), target.secrets), encoding="utf-8")
    run.collect_probes()
    run.report.tests_passed = outcomes.passed
    run.report.tests_failed = outcomes.failed
    if exit_code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise RuntimeError(f"the contract suite could not run (pytest exit code {exit_code})")
    return run.report
