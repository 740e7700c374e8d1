"""What one part of a sharded campaign runs (`ShardPlan`, from `SHARD=i/N`): the run's work cut into units, each
sent whole by exactly one part, so the N parts together send what one run sends, once.

The units, in this order, go round-robin to parts 1…N (unit k to part k mod N + 1):

1. the run-wide probes: every probe that may fail authentication (the failing signatures, the canonical
   encodings, the signed malformed IDs) and the probes of no one operation (undeclared methods). They stay
   together, in one part, in their order: parts run at the same time against one AK, and split failing
   signatures would interleave past the lockout rule's two in a row; kept together, their guard requests
   are the whole run's too. The check that the credentials still work after the run goes with them.
2. each read operation of the spec, in the spec's order: its Schemathesis test (examples, coverage, fuzzing) and
   its other probes (tenancy, unsigned);
3. the stateful phase with every state-changing operation's test and probes: their order changes what the
   target holds (the stateful phase follows links to tasks that the deletions then remove), so they stay
   in one part, in the whole run's order.

Each operation's Hypothesis test is seeded from the run's SEED alone and reads nothing another test left, so
a part generates, for its operations, the cases the whole run generates for them. Every part sends its own
first verdict, as each is a job of its own that must not fuzz something that is not the service.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..phases.probes.probe import Probe
from ..settings.shard import Shard
from ..spec.api import ApiSpec, OperationSpec

RUN_WIDE = "run-wide probes"
CHANGES = "stateful phase and state-changing operations"


@dataclass(frozen=True)
class ShardPlan:
    shard: Shard
    spec: ApiSpec

    @property
    def units(self) -> list[str]:
        """Every unit, in the order they are dealt to the parts."""
        reads = [op.operation_id for op in self.spec.operations if not op.changes_state]
        return [RUN_WIDE, *reads, CHANGES]

    def part_of(self, unit: str) -> int:
        """The part (from 1) that runs `unit`."""
        return self.units.index(unit) % self.shard.count + 1

    def runs(self, unit: str) -> bool:
        return self.part_of(unit) == self.shard.index

    @staticmethod
    def unit_of(operation: OperationSpec) -> str:
        return CHANGES if operation.changes_state else operation.operation_id

    def keeps_operation(self, operation: OperationSpec) -> bool:
        return self.runs(self.unit_of(operation))

    def keeps_probe(self, probe: Probe) -> bool:
        operation = self.spec.operation(probe.operation) if probe.operation else None
        return self.runs(RUN_WIDE if probe.failing_ak or operation is None else self.unit_of(operation))

    @property
    def keeps_stateful(self) -> bool:
        return self.runs(CHANGES)

    @property
    def runs_run_wide(self) -> bool:
        return self.runs(RUN_WIDE)

    @property
    def operations(self) -> list[str]:
        """The IDs of the operations whose tests (and required statuses) are this part's, in the spec's order."""
        return [op.operation_id for op in self.spec.operations if self.keeps_operation(op)]

    def describe(self) -> str:
        """`shard 1/2: operations A, B; the run-wide probes` (what this part runs; a whole run: "")."""
        if self.shard.whole:
            return ""
        parts = [f"operations {', '.join(self.operations)}"] if self.operations else []
        if self.keeps_stateful:
            parts.append("the stateful phase")
        if self.runs_run_wide:
            parts.append("the run-wide probes (failing signatures, undeclared methods) and the credentials check")
        return f"shard {self.shard}: {'; '.join(parts) or 'nothing but its first verdict (more parts than units)'}"

    def as_dict(self) -> dict[str, object]:
        return {
            "index": self.shard.index,
            "count": self.shard.count,
            "operations": self.operations,
            "stateful": self.keeps_stateful,
            "run_wide_probes": self.runs_run_wide,
            "description": self.describe(),
        }
