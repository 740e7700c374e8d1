"""`run_suite` (or `run_suite_with` an existing run): run the suite's pytest module (`suite_tests.py`)
against one target, in this process, with a fresh `SuitePlugin` carrying the run, and return the
run's report."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from .plugin import SuitePlugin
from .report import SuiteReport, redact
from .run_state import SuiteRun
from .schema import SuiteOptions
from .target import Target

SUITE_PATH = Path(__file__).resolve().parent / "suite_tests.py"
ROOT = SUITE_PATH.parent.parent


def run_suite(
    target: Target, options: SuiteOptions, *, junit_xml: Path | None = None, show_output: bool = False
) -> SuiteReport:
    """Run `suite_tests.py` under pytest against `target`; the report says what was sent and what failed."""
    return run_suite_with(SuiteRun(target, options), junit_xml=junit_xml, show_output=show_output)


def run_suite_with(run: SuiteRun, *, junit_xml: Path | None = None, show_output: bool = False) -> SuiteReport:
    """`run_suite` for a run made by the caller, who can then look at its state (what it deleted …)."""
    target = run.target
    plugin = SuitePlugin(run)
    args = [str(SUITE_PATH), "--rootdir", str(ROOT), "-p", "no:cacheprovider", "-q", "--tb=short"]
    # Schemathesis and Hypothesis are imported before pytest starts: nothing of theirs to rewrite.
    args += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    quiet = contextlib.nullcontext() if show_output else contextlib.redirect_stdout(io.StringIO())
    if junit_xml is not None:
        junit_xml.parent.mkdir(parents=True, exist_ok=True)
        args += [f"--junitxml={junit_xml}", "-o", "junit_suite_name=contract", "-o", "junit_logging=no"]
    with quiet, run.session, run.paced():
        exit_code = pytest.main(args, plugins=[plugin])
    if junit_xml is not None and junit_xml.exists():
        # pytest writes Schemathesis' failure texts verbatim; credentials must not reach the file.
        junit_xml.write_text(redact(junit_xml.read_text(encoding="utf-8"), target.secrets), encoding="utf-8")
    run.report.tests_passed = plugin.passed
    run.report.tests_failed = plugin.failed
    if exit_code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise RuntimeError(f"the contract suite could not run (pytest exit code {exit_code})")
    return run.report
