"""The proxy's live progress: exchanges and findings per operation, each finding printed once when first found, and
the live display rendering the same figures."""

from __future__ import annotations

import io

from rich.console import Console

from contract_tests.proxy.judging.progress import ProxyProgress
from contract_tests.record.findings import FailureRecord


def finding(check: str, title: str) -> FailureRecord:
    return FailureRecord(check, title, "why", "curl …", 400)


def test_it_counts_per_operation_and_prints_each_finding_once() -> None:
    now = [100.0]
    out = io.StringIO()
    progress = ProxyProgress(out, clock=lambda: now[0])
    progress.judged("ListBackgroundTask")
    progress.failure_recorded(finding("request_values_on_schema", "limit off its schema"), None)
    progress.judged("ListBackgroundTask")
    progress.failure_recorded(finding("request_values_on_schema", "limit off its schema"), None)  # again
    progress.failure_recorded(finding("request_parameters_declared", "'foo' undeclared"), None)
    progress.judged("ListBackgroundTask")
    progress.judged("ShowBackgroundTaskProgress")
    progress.failure_recorded(finding("request_operation_documented", "HEAD on a documented path"), None)
    progress.judged(None)
    now[0] += 75
    printed = out.getvalue().splitlines()
    assert printed == [
        "FAILED [request_values_on_schema] limit off its schema: why (status 400)",
        "FAILED [request_parameters_declared] 'foo' undeclared: why (status 400)",
        "FAILED [request_operation_documented] HEAD on a documented path: why (status 400)",
    ]
    assert progress.line() == (
        "proxy: exchanges 5, findings 4 | ListBackgroundTask 3 (3 findings), ShowBackgroundTaskProgress 1, "
        "undocumented 1 (1 findings) | elapsed 1:15"
    )
    console = Console(file=io.StringIO(), width=120)
    console.print(progress.render())
    shown = console.file.getvalue()  # type: ignore[attr-defined]  # the StringIO given
    assert "validating proxy · exchanges 5 · findings 4" in shown
    assert " ".join(shown.split()).count("ListBackgroundTask 3 exchanges 3 findings") == 1
