"""What one suite run saw (`SuiteReport`): cases per status code, checks run, failures with a way to
reproduce them; `format_summary` prints it, `redact` keeps credentials out of it."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field

from .target import DOCUMENTED_STATUSES

# Header values never printed: credentials and the signature derived from them.
_SECRET_HEADERS = re.compile(r"(-H '(?:authorization|x-auth-token|x-security-token): )[^']*'", re.IGNORECASE)


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

    def key(self) -> tuple[str, str]:
        return (self.check, self.title)


@dataclass
class SuiteReport:
    """Counts are of requests actually sent (Hypothesis replays while shrinking count too)."""

    required_statuses: tuple[int, ...]  # the target's (`Target.required_statuses`), fixed for the run
    operations: set[str] = field(default_factory=set)
    cases: Counter[int] = field(default_factory=Counter)  # generated cases by response status
    probes: Counter[int] = field(default_factory=Counter)  # the suite's own auth probes by status
    checks: Counter[str] = field(default_factory=Counter)  # check name → responses it judged
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

    def statuses_seen(self) -> set[int]:
        return set(self.cases) | set(self.probes)

    def missing_statuses(self) -> list[int]:
        seen = self.statuses_seen()
        return [status for status in self.required_statuses if status not in seen]

    def record_failure(self, failure: FailureRecord) -> None:
        # Keep the latest of each kind: after shrinking, Hypothesis replays the minimal example last.
        self.failures[failure.key()] = failure

    @property
    def ok(self) -> bool:
        """No failure, and every required status reached."""
        return self.tests_failed == 0 and not self.failures and not self.missing_statuses()

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
            "ok": self.ok,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)


def _counts(counter: Counter[int]) -> str:
    return ", ".join(f"{status}: {count}" for status, count in sorted(counter.items())) or "none"


def _500_note(report: SuiteReport) -> str:
    if 500 in report.required_statuses:
        return "500 required: from the target's known-faulty task only, anywhere else it fails the run"
    return "500 not required: the target has no task known to fail; any 500 fails the run"


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
        f"  by status: {_counts(report.cases)}",
        f"auth probes: {sum(report.probes.values())} (unsigned/tampered requests; by status: {_counts(report.probes)})",
        "statuses:    "
        + "  ".join(f"{s} {'✓' if s in report.statuses_seen() else '✗'}" for s in DOCUMENTED_STATUSES)
        + f"   ({_500_note(report)})",
        f"checks ({len(report.checks)}):",
    ]
    lines += [f"  {name:<40} {count:>7} responses judged" for name, count in sorted(report.checks.items())]
    if report.failures:
        lines.append(f"FAILURES ({len(report.failures)}):")
        for number, failure in enumerate(report.failures.values(), 1):
            lines.append(f"  {number}. [{failure.check}] {failure.title} (status {failure.status})")
            lines += [f"       {line}" for line in failure.message.splitlines()[:6]]
            lines.append(f"       request: {failure.request}")
        lines.append(f"  replay the run: {replay}")
    missing = report.missing_statuses()
    if missing:
        lines.append(f"NOT REACHED: status {', '.join(map(str, missing))}")
    verdict = "PASSED" if report.ok else "FAILED"
    lines.append(f"result:      {verdict} ({report.tests_passed} passed, {report.tests_failed} failed tests)")
    return "\n".join(lines)
