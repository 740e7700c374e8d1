"""What a proxy run tells when it stops: the summary it prints (`format_proxy_summary`) and the files it writes under
REPORTS_DIR (`write_reports`), the suite's own: `proxy-summary.json`, `proxy-report.html` (the suite's page, saying
it is a proxy run), `proxy-failures.har` (the exchanges with findings) and `proxy-junit.xml` (one test case per
check). All of them scrubbed of secrets: the proxy's credentials and every credential a client sent.
"""

from __future__ import annotations

from collections import Counter

from ...record.run_report import SuiteReport
from ...reporting.coverage import Coverage
from ...reporting.html_report import ReportInputs
from ...reporting.junit import write_junit
from ...reporting.outputs import OutputPaths, write_outputs
from ...reporting.summary import check_lines, failure_lines, format_counts, status_lines
from ..exchange import ProxyRun

PREFIX = "proxy"  # the report files' names: proxy-report.html, …


def describe_run(run: ProxyRun) -> str:
    """Where the proxy listened and forwarded, with whose credentials, in which mode, at which pace."""
    mode = "read-only" if run.read_only else "state-changing requests forwarded (ALLOW_CHANGES=1)"
    pace = f"at most {run.rate_limit:g} requests/s" if run.rate_limit else "unpaced"
    return f"{run.url} -> {run.upstream} ({run.credentials}; {mode}; {pace})"


def result_line(report: SuiteReport, exchanges: int, findings: int) -> str:
    verdict = "PASSED" if report.ok else "FAILED"
    kinds = f" of {len(report.failures)} kinds" if len(report.failures) > 1 else ""
    return f"{verdict} ({exchanges} exchanges, {findings} findings{kinds}); exit code {report.exit_code}"


def format_proxy_summary(
    report: SuiteReport, *, run: ProxyRun, elapsed: float, outcomes: Counter[str], findings: int, coverage: Coverage
) -> str:
    exchanges = outcomes.total()
    lines = [
        "── validating proxy summary ──",
        f"proxy:       {describe_run(run)}",
        (
            f"exchanges:   {exchanges} in {elapsed:.1f} s (by outcome: {format_counts(outcomes)}); "
            f"{report.total_cases} answers of the service judged"
        ),
        f"  by status: {format_counts(report.cases)}",
        "statuses:    ✓ answered through the proxy, · never (what the clients' traffic did not reach)",
        *status_lines(report),
    ]
    if coverage.undeclared:
        lines.append(f"undocumented: {format_counts(coverage.undeclared)} (requests to no operation of the spec)")
    lines += check_lines(report)
    lines += failure_lines(report, "", heading="FINDINGS")
    lines.append(coverage.summary_line())
    lines.append(f"result:      {result_line(report, exchanges, findings)}")
    return "\n".join(lines)


def write_reports(paths: OutputPaths, inputs: ReportInputs, *, elapsed: float) -> None:
    write_outputs(paths, inputs)
    if inputs.report is not None:
        write_junit(paths.junit_xml, inputs.report, suite=PREFIX, elapsed=elapsed, secrets=inputs.secrets)
