"""The proxy's built-in observer: exchanges counted per method and path (no spec operation is matched yet),
with their statuses and outcomes, findings per kind, and a short summary printed when the proxy stops."""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from typing import TextIO

from .exchange import Exchange, Finding, FindingKind, Outcome, ProxyRun
from .observers import ExchangeObserver

MAX_PATHS = 20  # rows printed; the rest are counted in one line
MAX_EXAMPLES = 3  # findings printed per kind


class SummaryObserver(ExchangeObserver):
    def __init__(self, out: TextIO | None = None) -> None:
        self._out = out
        self.paths: Counter[str] = Counter()  # "GET /v2/…/tasks" → exchanges
        self.statuses: defaultdict[str, Counter[int]] = defaultdict(Counter)  # the same key → statuses answered
        self.outcomes: Counter[Outcome] = Counter()
        self.findings: Counter[FindingKind] = Counter()
        self.examples: defaultdict[FindingKind, list[Finding]] = defaultdict(list)

    @property
    def exchanges(self) -> int:
        return self.outcomes.total()

    def on_exchange(self, exchange: Exchange) -> None:
        key = f"{exchange.request.method} {exchange.request.raw_path}"
        self.paths[key] += 1
        self.outcomes[exchange.outcome] += 1
        if exchange.answer is not None:
            self.statuses[key][exchange.answer.status] += 1

    def on_finding(self, finding: Finding) -> None:
        self.findings[finding.kind] += 1
        if len(self.examples[finding.kind]) < MAX_EXAMPLES:
            self.examples[finding.kind].append(finding)

    def on_stop(self, run: ProxyRun, elapsed: float) -> None:  # noqa: ARG002 - the seam's signature
        print(self.render(elapsed), file=self._out or sys.stdout, flush=True)

    def render(self, elapsed: float) -> str:
        outcomes = ", ".join(f"{count} {outcome}" for outcome, count in sorted(self.outcomes.items()))
        lines = [
            f"proxy stopped after {elapsed:.1f} s: {self.exchanges} exchanges"
            + (f" ({outcomes})" if outcomes else "")
            + f", {self.findings.total()} findings"
        ]
        for key, count in self.paths.most_common(MAX_PATHS):
            statuses = " ".join(f"{status}:{n}" for status, n in sorted(self.statuses[key].items()))
            lines.append(f"  {count:>5}  {key}  {statuses}")
        if len(self.paths) > MAX_PATHS:
            lines.append(f"  … and {len(self.paths) - MAX_PATHS} more paths")
        for kind, count in sorted(self.findings.items()):
            lines.append(f"finding {kind}: {count}")
            lines += [f"  #{f.exchange} {f.method} {f.target}: {f.message}" for f in self.examples[kind]]
        return "\n".join(lines)
