"""Live progress of a run (`RunProgress`, a `record.recording.RunObserver` that `SuiteRun.listen` adds to a run): the
phase, cases done and planned per operation, failures so far, requests sent, 429s waited out, the elapsed time
and an estimate of the time left under RATE_LIMIT and MAX_TIME. Each failure is printed as it is found, one
line (the full detail stays in the summary).

On a terminal it is a rich live display, redrawn twice a second from its own thread; in CI (`CI` set) or
when the output is not a terminal, one plain line every 10 s. Either way the run's thread only bumps
counters, and every write holds one lock, so failure lines and the display never garble each other.
"Planned" is the fuzzing budget (MAX_EXAMPLES per operation) and the stateful phase's steps (scenarios
times steps, an upper bound); the examples and coverage phases add cases the spec decides, shown as done
only. The display itself (`ProgressDisplay`: live or plain, the lock, lines printed above it) serves the
validating proxy's progress too.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

from rich.console import Console, Group
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text
from schemathesis import Response

from ..record.answers import Answer, AnyCase
from ..record.findings import FailureRecord
from ..record.recording import RunObserver
from ..record.transport import TransportStats
from ..run.state import STEPS_PER_SCENARIO, stateful_scenarios
from ..settings.table import Settings
from ..spec.api import load_spec

PLAIN_INTERVAL = 10.0  # seconds between two plain progress lines
_OPERATION_TEST = "test_operation["


def choose_mode(requested: str, out: TextIO, *, in_ci: bool) -> str:
    """`auto`: the live display on a terminal, plain lines in CI or into a pipe or file."""
    if requested != "auto":
        return requested
    return "live" if out.isatty() and not in_ci else "plain"


def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def failure_line(failure: FailureRecord, limit: int = 200) -> str:
    """One line: the check, its title and, when the title is generic, the first line of why; the field; the status."""
    why = next((line.strip() for line in failure.message.splitlines() if line.strip()), "")
    text = failure.title if not why or why in failure.title else f"{failure.title}: {why}"
    field = f", field {failure.field}" if failure.field else ""
    status = f"status {failure.status}" if failure.status is not None else "no answer"
    line = f"FAILED [{failure.check}] {text}"
    return (line if len(line) <= limit else line[: limit - 1] + "…") + f" ({status}{field})"


@dataclass
class _Operation:
    label: str
    name: str  # the operation's ID, shorter than its label
    done: int = 0  # cases sent in every phase
    fuzzing: int = 0  # cases of the fuzzing phase
    started: bool = False
    finished: bool = False


class ProgressDisplay:
    """A progress display: `render()` redrawn live on a terminal, else `line()` every `interval` seconds (plain), or
    nothing (off); `_write` prints a line above it. Subclasses say what `line` and `render` show."""

    def __init__(self, out: TextIO, *, mode: str, interval: float, clock: Callable[[], float]) -> None:
        self.out, self.mode, self.interval, self.clock = out, mode, interval, clock
        self.started = clock()
        self._lock = threading.Lock()
        self._console = Console(file=out, force_terminal=mode == "live", highlight=False, soft_wrap=True)
        self._live: Live | None = None

    def line(self) -> str:
        """The plain progress line."""
        raise NotImplementedError

    def render(self) -> Group:
        """The live display."""
        raise NotImplementedError

    def _write(self, text: str) -> None:
        with self._lock:
            if self._live is not None:
                self._live.console.print(Text(text, style="red"))  # printed above the live display
            else:
                self.out.write(text + "\n")
                self.out.flush()

    @contextlib.contextmanager
    def showing(self) -> Iterator[None]:
        """The display while the run goes: live on a terminal, else a plain line every `interval` seconds."""
        if self.mode == "live":
            live = Live(
                console=self._console,
                get_renderable=self.render,
                refresh_per_second=2,
                transient=False,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            with self._lock:
                self._live = live
                live.start()
            try:
                yield
            finally:
                with self._lock:
                    live.stop()
                    self._live = None
            return
        stop = threading.Event()

        def tick() -> None:
            while not stop.wait(self.interval):
                self._write(self.line())

        ticker = threading.Thread(target=tick, name="contract-progress", daemon=True)
        if self.mode == "plain":
            ticker.start()
        try:
            yield
        finally:
            stop.set()
            if ticker.is_alive():
                ticker.join()


class RunProgress(ProgressDisplay, RunObserver):
    def __init__(
        self,
        out: TextIO,
        settings: Settings,
        stats: TransportStats,
        *,
        mode: str = "plain",
        interval: float = PLAIN_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(out, mode=mode, interval=interval, clock=clock)
        self.settings, self.stats = settings, stats
        self.first_case_at: float | None = None  # the pace is measured from here: pytest's start-up is no case
        self.phase = "starting"
        self.operations: dict[str, _Operation] = {}
        self.stateful_planned = 0
        self.stateful_done = 0
        self.stateful_finished = False
        self.failures: set[tuple[str, str]] = set()

    # ── what the run tells ──
    def tests_planned(self, names: Sequence[str]) -> None:
        ids = {op.label: op.operation_id for op in load_spec().operations}
        for name in names:
            if name.startswith(_OPERATION_TEST):
                label = name[len(_OPERATION_TEST) : -1]
                self.operations[label] = _Operation(label, ids.get(label, label))
            elif name == "test_workflows":
                self.stateful_planned = stateful_scenarios(self.settings.max_examples) * STEPS_PER_SCENARIO

    def test_started(self, name: str) -> None:
        if name == "test_probes":
            self.phase = "probes"
        elif name == "test_workflows":
            self.phase = "stateful"
        elif name.startswith(_OPERATION_TEST) and (op := self.operations.get(name[len(_OPERATION_TEST) : -1])):
            op.started = True
            self.phase = f"examples · {op.name}"

    def test_finished(self, name: str, _passed: bool) -> None:  # noqa: PT019 - an observer's method, not a test
        self.stateful_finished = self.stateful_finished or name == "test_workflows"
        if name.startswith(_OPERATION_TEST) and (op := self.operations.get(name[len(_OPERATION_TEST) : -1])):
            op.finished = True

    def case_done(self, case: AnyCase, _response: Response | None) -> None:
        if self.first_case_at is None:
            self.first_case_at = self.clock()
        phase = case.meta.phase.name.value if case.meta is not None else "examples"
        if phase == "stateful":
            self.stateful_done += 1
            return
        op = self.operations.get(case.operation.label)
        if op is not None:
            op.done += 1
            op.fuzzing += phase == "fuzzing"
            self.phase = f"{phase} · {op.name}"

    def failure_recorded(self, failure: FailureRecord, _response: Answer | None) -> None:
        key = (failure.check, failure.title)
        if key in self.failures:
            return  # Hypothesis replays a failure while it shrinks it: one line per failure
        self.failures.add(key)
        self._write(failure_line(failure))

    # ── figures ──
    def cases_done(self) -> int:
        return sum(op.done for op in self.operations.values()) + self.stateful_done

    def cases_left(self) -> int:
        """Cases still to send: each operation's fuzzing budget left, its examples and coverage cases guessed
        from the operations already run, and the stateful steps left."""
        budget = self.settings.max_examples
        extras = [op.done - op.fuzzing for op in self.operations.values() if op.finished]
        extra = sum(extras) // len(extras) if extras else 0
        left = 0
        for op in self.operations.values():
            if not op.finished:
                left += max(0, budget - op.fuzzing) + (0 if op.started else extra)
        return left + max(0, self.stateful_planned - self.stateful_done)

    def eta(self) -> str:
        """The time left: cases left at the pace so far (or, before any case, at RATE_LIMIT), capped by MAX_TIME."""
        now = self.clock()
        elapsed = now - self.started
        done, left = self.cases_done(), self.cases_left()
        estimate: float | None = None
        if done >= 10 and self.first_case_at is not None:
            estimate = left * (now - self.first_case_at) / done
        elif self.settings.rate_limit:
            estimate = left / self.settings.rate_limit
        limit = self.settings.max_time
        if not self.operations:
            estimate = None  # the plan is not known yet
        if limit is not None and (estimate is None or elapsed + estimate > limit):
            return f"~{duration(max(0.0, limit - elapsed))} (MAX_TIME)"
        return "unknown yet" if estimate is None else f"~{duration(estimate)}"

    def line(self) -> str:
        """The plain progress line."""
        ops = ", ".join(
            f"{op.name} {op.done} ({op.fuzzing}/{self.settings.max_examples} fuzzing)"
            for op in self.operations.values()
        )
        stateful = f"; stateful {self.stateful_done}/{self.stateful_planned} steps" if self.stateful_planned else ""
        stats = self.stats
        return (
            f"progress: {self.phase} | cases {self.cases_done()}: {ops or 'none yet'}{stateful} | "
            f"failures {len(self.failures)} | requests {stats.sent} | 429 waited out {stats.throttled} "
            f"({stats.waited:.1f} s) | elapsed {duration(self.clock() - self.started)} | left {self.eta()}"
        )

    def render(self) -> Group:
        """The live display."""
        budget = self.settings.max_examples
        table = Table.grid(padding=(0, 2))
        for op in self.operations.values():
            mark = "✓" if op.finished else ("…" if op.started else " ")
            bar = ProgressBar(total=budget, completed=min(op.fuzzing, budget), width=30)
            table.add_row(f"{mark} {op.name}", bar, f"{op.done} cases", f"fuzzing {op.fuzzing}/{budget}")
        if self.stateful_planned:
            total = self.stateful_planned
            bar = ProgressBar(total=total, completed=min(self.stateful_done, total), width=30)
            mark = "✓" if self.stateful_finished else ("…" if self.phase == "stateful" else " ")
            table.add_row(f"{mark} stateful", bar, f"{self.stateful_done} steps", f"of up to {total}")
        stats = self.stats
        elapsed = duration(self.clock() - self.started)
        head = Text.assemble(("contract suite", "bold"), f" · {self.phase} · elapsed {elapsed} · left {self.eta()}")
        tail = Text(
            f"failures {len(self.failures)} · requests {stats.sent} · 429 waited out {stats.throttled} "
            f"({stats.waited:.1f} s)",
            style="red" if self.failures else "",
        )
        return Group(head, table, tail)
