"""The proxy's live progress (`ProxyProgress`): exchanges judged and findings so far, per operation (a request the
spec has no operation for counts under `undocumented`), the elapsed time; each finding printed as one line when it is
found, as the suite prints its failures. Shown as the suite's progress is (`reporting.progress.ProgressDisplay`): a
rich live display on a terminal, a plain line every 10 s in CI or a pipe, or nothing (PROGRESS=off).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import TextIO

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ...record.answers import Answer
from ...record.findings import FailureRecord
from ...record.recording import RunObserver
from ...reporting.progress import PLAIN_INTERVAL, ProgressDisplay, duration, failure_line

UNDOCUMENTED = "undocumented"


class ProxyProgress(ProgressDisplay, RunObserver):
    def __init__(
        self,
        out: TextIO,
        *,
        mode: str = "plain",
        interval: float = PLAIN_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(out, mode=mode, interval=interval, clock=clock)
        self.exchanges: Counter[str] = Counter()  # operation ID (or UNDOCUMENTED) → exchanges judged
        self.findings: Counter[str] = Counter()  # the same → findings in them
        self.shown: set[tuple[str, str]] = set()
        self._pending = 0  # findings recorded for the exchange being judged

    # ── what the judge tells ──
    def failure_recorded(self, failure: FailureRecord, _response: Answer | None) -> None:
        self._pending += 1
        key = (failure.check, failure.title)
        if key not in self.shown:  # one line per kind of finding; the counts say how often
            self.shown.add(key)
            self._write(failure_line(failure))

    def judged(self, operation: str | None) -> None:
        """One exchange is judged: its operation's ID (None: undocumented), with the findings recorded since."""
        name = operation or UNDOCUMENTED
        self.exchanges[name] += 1
        self.findings[name] += self._pending
        self._pending = 0

    # ── showing it ──
    def _per_operation(self) -> str:
        rows = [
            f"{name} {count}" + (f" ({self.findings[name]} findings)" if self.findings[name] else "")
            for name, count in sorted(self.exchanges.items())
        ]
        return ", ".join(rows) or "none yet"

    def line(self) -> str:
        return (
            f"proxy: exchanges {self.exchanges.total()}, findings {self.findings.total()} | {self._per_operation()} | "
            f"elapsed {duration(self.clock() - self.started)}"
        )

    def render(self) -> Group:
        table = Table.grid(padding=(0, 2))
        for name, count in sorted(self.exchanges.items()):
            findings = self.findings[name]
            table.add_row(name, f"{count} exchanges", Text(f"{findings} findings", style="red" if findings else ""))
        head = Text.assemble(
            ("validating proxy", "bold"),
            f" · exchanges {self.exchanges.total()} · findings {self.findings.total()}"
            f" · elapsed {duration(self.clock() - self.started)}",
        )
        return Group(head, table)
