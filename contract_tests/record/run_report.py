"""What one suite run saw (`SuiteReport`): cases per status code, checks run, failures with a way to reproduce them,
the statuses each operation reached against those the run must reach. Ours because Schemathesis' run statistics
belong to its CLI engine: under pytest a run leaves only pytest's outcomes. `reporting.summary` prints it."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..target.requirements import Requirement
from .findings import FailureRecord
from .transport import TransportStats

INTERRUPTED = "interrupted (Ctrl-C)"  # `stopped` when the person running it stopped the run
INTERRUPTED_EXIT_CODE = 130  # the shell's for a run ended by SIGINT


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
    # the known instances read before and after the probes when they may change state (each part of a campaign
    # reads around its own probes, so the parts together send these more than once)
    reads_around_probes: int = 0
    transport: TransportStats = field(default_factory=TransportStats)  # throttling and timing
    withheld: int = 0  # state-changing cases not sent (`withheld_because` says why)
    withheld_because: Counter[str] = field(default_factory=Counter)
    state_changing: Counter[str] = field(default_factory=Counter)  # sent, by `policy.Aim`: changeable, re-aimed …
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
    part: dict[str, object] = field(default_factory=dict)  # a shard's `run.shards.ShardPlan.as_dict()`; {}: whole

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
        if self.stopped == INTERRUPTED:
            return INTERRUPTED_EXIT_CODE
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
            "requirements": [  # what `make contract-merge` judges over the union of parts
                {"operation": need.operation_id, "statuses": sorted(need.statuses), "label": need.label()}
                for need in self.requirements
            ],
            "other_probes_by_status": {str(k): v for k, v in sorted(self.other_probes.items())},
            "guard_requests": self.guard_requests,
            "reads_around_probes": self.reads_around_probes,
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
            **({"shard": self.part} if self.part else {}),
            "ok": self.ok,
            "exit_code": self.exit_code,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)
