"""The human-readable block `make contract` prints at the end of a run (`format_summary`): cases by phase and
status, probes, the statuses each operation reached, each check, each failure with its field, curl and replay
commands, throttling, slow answers, what was withheld or tolerated, and the result line with the exit code."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from ..record.run_report import SuiteReport

FAILURES_SHOWN_PER_CHECK = 3


def format_counts(counter: Mapping[Any, int]) -> str:
    """`key: count, …` in key order, or `none`."""
    return ", ".join(f"{status}: {count}" for status, count in sorted(counter.items())) or "none"


def _500_note(report: SuiteReport) -> str:
    if any(500 in need.statuses for need in report.requirements):
        return "500 required: from the target's known-faulty task only, anywhere else it fails the run"
    return "500 not required: the target has no task known to fail; any 500 fails the run"


def _status_lines(report: SuiteReport) -> list[str]:
    legend = f"statuses:    ✓ reached, ✗ required but not reached, · not required ({_500_note(report)})"
    return [legend, *status_lines(report)]


def status_lines(report: SuiteReport) -> list[str]:
    """Per operation, each documented status: ✓ reached, ✗ required and not reached (nor any status that would
    do instead, e.g. another documented success), · neither."""
    missing = {(need.operation_id, status) for need in report.missing() for status in need.statuses}
    width = max((len(operation) for operation in report.documented), default=0)
    lines = []
    for operation, statuses in sorted(report.documented.items()):
        seen = report.by_operation[operation]
        marks = [
            f"{status} {'✓' if status in seen else '✗' if (operation, status) in missing else '·'}"
            for status in statuses
        ]
        lines.append(f"  {operation:<{width}}  " + "  ".join(marks))
    return lines


def format_summary(report: SuiteReport, *, target: str, replay: str) -> str:
    """The human-readable block `make contract` prints."""
    lines = [
        "── contract suite summary ──",
        f"target:      {target}",
        f"seed:        {report.seed}   max examples: {report.max_examples}",
        f"operations:  {len(report.operations)} ({', '.join(sorted(report.operations))})",
        *([str(report.part["description"])] if report.part else []),
        f"cases:       {report.total_cases}",
        f"  by phase:  {', '.join(f'{name}: {count}' for name, count in sorted(report.phases.items()))}"
        + ("" if report.phases["stateful"] else " (stateful: none; it needs OpenAPI links)"),
        f"  by status: {format_counts(report.cases)}",
        (
            f"auth probes: {sum(report.probes.values())} "
            f"(unsigned/tampered requests; by status: {format_counts(report.probes)})"
        ),
        *_status_lines(report),
        *check_lines(report),
    ]
    lines += _traffic_lines(report)
    lines += failure_lines(report, replay)
    lines += _missing_lines(report)
    verdict = "PASSED" if report.ok else "FAILED"
    partial = " (partial: the run stopped early)" if report.stopped and report.ok else ""
    tests = f"{report.tests_passed} passed, {report.tests_failed} failed tests"
    lines.append(f"result:      {verdict}{partial} ({tests}); exit code {report.exit_code}")
    return "\n".join(lines)


def check_lines(report: SuiteReport) -> list[str]:
    """Each check that ran, with the responses it judged."""
    lines = [f"checks ({len(report.checks)}):"]
    return lines + [f"  {name:<40} {count:>7} responses judged" for name, count in sorted(report.checks.items())]


def failure_lines(report: SuiteReport, replay: str, heading: str = "FAILURES") -> list[str]:
    """Each failure (up to three a check) with its field, message, curl and replay commands; `replay`: the run's."""
    lines: list[str] = []
    if report.failures:
        lines.append(f"{heading} ({len(report.failures)}):")
        shown: Counter[str] = Counter()
        for number, failure in enumerate(report.failures.values(), 1):
            shown[failure.check] += 1
            if shown[failure.check] > FAILURES_SHOWN_PER_CHECK:
                continue
            lines.append(f"  {number}. [{failure.check}] {failure.title} (status {failure.status})")
            if failure.field:
                lines.append(f"       field: {failure.field}")
            lines += [f"       {line}" for line in failure.message.splitlines()[:12]]
            lines.append(f"       request: {failure.request}")
            if failure.replay:
                lines.append(f"       replay:  {failure.replay}")
        hidden = {
            check: count - FAILURES_SHOWN_PER_CHECK
            for check, count in shown.items()
            if count > FAILURES_SHOWN_PER_CHECK
        }
        lines += [
            f"  … and {count} more [{check}] failures (all in the JSON summary)" for check, count in hidden.items()
        ]
        if replay:
            lines.append(f"  replay the run: {replay}")
    return lines


def _traffic_lines(report: SuiteReport) -> list[str]:
    stats = report.transport
    lines = [
        (
            f"other probes: {sum(report.other_probes.values())} (tenancy, undeclared methods, malformed and "
            f"over-long IDs, canonical queries, path variants, HTTP semantics, formats; "
            f"by status: {format_counts(report.other_probes)}); "
            f"{report.guard_requests} signed requests between auth probes"
        ),
        f"throttled:   {stats.throttled} answers 429 waited out and re-sent ({stats.waited:.1f} s waited)"
        + (f", {stats.throttled_final} still 429 after retries (not judged)" if stats.throttled_final else ""),
    ]
    if stats.slow:
        slowest = max(stats.slow)
        lines.append(
            f"WARNING slow: {len(stats.slow)} responses took ≥ the slow mark, slowest {slowest[0]:.1f} s ({slowest[1]})"
        )
    sent = report.state_changing
    if sent or report.withheld:
        counts = [
            f"{sent['changeable']} sent to tasks offered for them",
            f"{sent['re-aimed']} re-aimed at an absent task",
            f"{sent['malformed']} with a malformed ID",
            f"{sent['unaimable']} without a task ID",
            f"{report.withheld} withheld" + (f" ({_reasons(report.withheld_because)})" if report.withheld else ""),
        ]
        lines.append(f"state-changing requests: {', '.join(counts)}")
    if report.excused:
        lines.append(f"tolerated:   {_reasons(report.excused)} (concurrent changes the service reported)")
    if report.stopped:
        lines.append(f"STOPPED EARLY: {report.stopped}; {report.unsent} generated cases not sent")
    return lines


def _reasons(counts: Counter[str]) -> str:
    return ", ".join(f"{count} {reason}" for reason, count in sorted(counts.items()))


def _missing_lines(report: SuiteReport) -> list[str]:
    missing = report.missing()
    excused = [need for need in report.unmet() if need not in missing]
    lines = [f"not reached: {need.label()}: the run deleted every task offered to it first" for need in excused]
    if not missing:
        return lines
    statuses = "; ".join(need.label() for need in missing)
    if report.failures or report.tests_failed:
        return [*lines, f"not reached: status {statuses} (the run stopped at its first failure, before reaching them)"]
    if report.stopped:
        return [*lines, f"not reached: status {statuses} ({report.stopped}, before reaching them)"]
    return [*lines, f"NOT REACHED: status {statuses} (required of this target; see `Target.requirements`)"]
