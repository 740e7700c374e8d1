"""What one suite run saw (`SuiteReport`): cases per status code, checks run, failures with a way to
reproduce them; `format_summary` prints it, `redact` keeps credentials out of it. Ours because Schemathesis'
run statistics and summary belong to its CLI engine: under pytest a run leaves only pytest's outcomes."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .target import Requirement
from .transport import TransportStats

# Header values never printed: credentials and the signature derived from them.
SECRET_HEADERS = ("authorization", "x-auth-token", "x-security-token")
_SECRET_HEADERS = re.compile(rf"(-H '(?:{'|'.join(SECRET_HEADERS)}): )[^']*'", re.IGNORECASE)


FAILURES_SHOWN_PER_CHECK = 3


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`text` without credential headers' values and without any of `secrets`, wherever they appear."""
    text = _SECRET_HEADERS.sub(r"\1[redacted]'", text)
    for secret in secrets:
        text = text.replace(secret, "[redacted]")
    return text


@dataclass(frozen=True)
class FailureRecord:
    check: str  # e.g. "response_schema_conformance"
    title: str
    message: str
    request: str  # a curl command, credentials redacted
    status: int | None
    replay: str = ""  # a command that re-sends this one request
    field: str = ""  # where in the body a schema failure is, e.g. step_details[0].step_status


@dataclass
class SuiteReport:
    """Counts are of requests actually sent (Hypothesis replays while shrinking count too)."""

    requirements: tuple[Requirement, ...]  # the target's (`Target.requirements`), fixed for the run
    documented: dict[str, tuple[int, ...]] = field(default_factory=dict)  # operation ID → its documented statuses
    operations: set[str] = field(default_factory=set)
    cases: Counter[int] = field(default_factory=Counter)  # generated cases by response status
    # Every answer by operation ID and status: cases, probes and the requests the checks sent.
    by_operation: defaultdict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    fetched: Counter[int] = field(default_factory=Counter)  # requests the cross-operation checks sent, by status
    probes: Counter[int] = field(default_factory=Counter)  # the suite's own auth probes by status
    other_probes: Counter[int] = field(default_factory=Counter)  # tenancy, method and length probes by status
    guard_requests: int = 0  # correctly signed requests sent between failing signatures (lockout safety)
    transport: TransportStats = field(default_factory=TransportStats)  # throttling and timing
    withheld: int = 0  # state-changing cases not sent (`withheld_because` says why)
    withheld_because: Counter[str] = field(default_factory=Counter)
    state_changing: Counter[str] = field(default_factory=Counter)  # sent, by `destructive.Aim` (changeable, re-aimed …)
    excused: Counter[str] = field(default_factory=Counter)  # inconsistencies a concurrent change explained, by kind
    gone: set[tuple[str, ...]] = field(default_factory=set)  # tasks the run deleted (the checks' set, shared)
    unsent: int = 0  # cases not sent because the run stopped (MAX_TIME)
    stopped: str = ""  # why the run stopped before its budget of cases, if it did
    checks: Counter[str] = field(default_factory=Counter)  # check name → responses it judged
    checks_by_operation: Counter[tuple[str, str]] = field(default_factory=Counter)  # (check, operation label)
    phases: Counter[str] = field(default_factory=Counter)  # Schemathesis phase → cases
    failures: dict[tuple[str, str], FailureRecord] = field(default_factory=dict)
    tests_failed: int = 0
    generated: int = 0  # cases generated but not sent (benchmark ceiling runs only)
    tests_passed: int = 0
    seed: int | None = None
    max_examples: int | None = None

    @property
    def total_cases(self) -> int:
        return sum(self.cases.values())

    def unmet(self) -> list[Requirement]:
        """The requirements no answer of their operation met."""
        return [need for need in self.requirements if not need.statuses & set(self.by_operation[need.operation_id])]

    def missing(self) -> list[Requirement]:
        """The unmet requirements the run could have met: not those whose every task it deleted first."""
        return [need for need in self.unmet() if not (need.needs and need.needs <= self.gone)]

    def missing_statuses(self) -> list[str]:
        return [need.label() for need in self.missing()]

    def record_failure(self, failure: FailureRecord) -> None:
        # Keep the latest of each kind: after shrinking, Hypothesis replays the minimal example last.
        self.failures[failure.check, failure.title] = failure

    @property
    def ok(self) -> bool:
        """No failure, and every required status reached (unless MAX_TIME stopped the run first)."""
        missing = self.missing_statuses() and not self.stopped
        return self.tests_failed == 0 and not self.failures and not missing

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def as_dict(self) -> dict[str, object]:
        """JSON-ready summary (already free of secrets)."""
        return {
            "seed": self.seed,
            "max_examples": self.max_examples,
            "operations": sorted(self.operations),
            "cases": self.total_cases,
            "cases_by_status": {str(k): v for k, v in sorted(self.cases.items())},
            "auth_probes_by_status": {str(k): v for k, v in sorted(self.probes.items())},
            "checks": dict(sorted(self.checks.items())),
            "cases_by_phase": dict(sorted(self.phases.items())),
            "failures": [vars(f) for f in self.failures.values()],
            "tests_passed": self.tests_passed,
            "tests_failed": self.tests_failed,
            "missing_statuses": self.missing_statuses(),
            "other_probes_by_status": {str(k): v for k, v in sorted(self.other_probes.items())},
            "guard_requests": self.guard_requests,
            "requests_sent": self.transport.sent,
            "throttled": {
                "retried": self.transport.throttled,
                "still_throttled": self.transport.throttled_final,
                "waited_seconds": round(self.transport.waited, 3),
            },
            "slowest_response_seconds": round(self.transport.slowest, 3),
            "slow_responses": [{"seconds": round(s, 3), "request": r} for s, r in self.transport.slow],
            "withheld_state_changing": self.withheld,
            "withheld_because": dict(self.withheld_because),
            "state_changing_sent": dict(self.state_changing),
            "statuses_by_operation": {
                operation: {str(k): v for k, v in sorted(statuses.items())}
                for operation, statuses in sorted(self.by_operation.items())
            },
            "fetched_by_status": {str(k): v for k, v in sorted(self.fetched.items())},
            "excused": dict(self.excused),
            "stopped": self.stopped,
            "ok": self.ok,
            "exit_code": self.exit_code,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)


def format_counts(counter: Mapping[Any, int]) -> str:
    """`key: count, …` in key order, or `none`."""
    return ", ".join(f"{status}: {count}" for status, count in sorted(counter.items())) or "none"


def _500_note(report: SuiteReport) -> str:
    if any(500 in need.statuses for need in report.requirements):
        return "500 required: from the target's known-faulty task only, anywhere else it fails the run"
    return "500 not required: the target has no task known to fail; any 500 fails the run"


def _status_lines(report: SuiteReport) -> list[str]:
    """Per operation, each documented status: ✓ reached, ✗ required and not reached (nor any status that would
    do instead, e.g. another documented success), · neither."""
    missing = {(need.operation_id, status) for need in report.missing() for status in need.statuses}
    width = max((len(operation) for operation in report.documented), default=0)
    lines = [f"statuses:    ✓ reached, ✗ required but not reached, · not required ({_500_note(report)})"]
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
        f"cases:       {report.total_cases}",
        f"  by phase:  {', '.join(f'{name}: {count}' for name, count in sorted(report.phases.items()))}"
        + ("" if report.phases["stateful"] else " (stateful: none; it needs OpenAPI links)"),
        f"  by status: {format_counts(report.cases)}",
        (
            f"auth probes: {sum(report.probes.values())} "
            f"(unsigned/tampered requests; by status: {format_counts(report.probes)})"
        ),
        *_status_lines(report),
        f"checks ({len(report.checks)}):",
    ]
    lines += [f"  {name:<40} {count:>7} responses judged" for name, count in sorted(report.checks.items())]
    lines += _traffic_lines(report)
    if report.failures:
        lines.append(f"FAILURES ({len(report.failures)}):")
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
        lines.append(f"  replay the run: {replay}")
    lines += _missing_lines(report)
    verdict = "PASSED" if report.ok else "FAILED"
    partial = " (partial: the run stopped early)" if report.stopped and report.ok else ""
    tests = f"{report.tests_passed} passed, {report.tests_failed} failed tests"
    lines.append(f"result:      {verdict}{partial} ({tests}); exit code {report.exit_code}")
    return "\n".join(lines)


def _traffic_lines(report: SuiteReport) -> list[str]:
    stats = report.transport
    lines = [
        (
            f"other probes: {sum(report.other_probes.values())} (tenancy, undeclared methods, malformed and "
            f"over-long IDs, canonical queries; "
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
