"""Benchmark: ``DcsClient.wait_for_background_task`` against a fixed 5-s poller and a boto3-style waiter.

The emulator runs in this process on a ``ManualClock`` and is called over loopback HTTP like any
server; every poller's sleep *advances that clock* instead of waiting, so a 20-minute task takes
well under a second of real time and the figures are in task time. For a 20-minute and a 2-minute
task, each poller starts at several offsets into the task (spread over 15 s, with varying
fractions of a second, so no poller is lucky with its phase) and reports, side by side: polls made
(median) and the delay between the task finishing and the poller returning (median and worst).

Pollers: the SDK's waiter (default ``PollPolicy``); a fixed poller (every 5 s); a boto3-style
waiter (15 s delay, at most 40 attempts, after which it gives up as boto3's ``WaiterError`` does).
Aim: on the 20-minute task, at most 1/10 of the fixed poller's requests and a median detection
delay of at most 1.5 s.

Run with ``make bench`` or ``.venv/bin/python -m scripts.bench_waiter [--offsets N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from dcs_tasks import (
    Credentials,
    DcsClient,
    ShowBackgroundTaskProgressResponse,
    TaskState,
    task_state,
)

from contract_tests.emulator import ManualClock, create_app
from contract_tests.emulator.server import serve_in_thread
from scripts.task_scenarios import INSTANCE_ID, TaskSpec, demo_credential, scenario_with

TASKS = {
    "20 min": TaskSpec("0a1b2c3d4e5f40718293a4b5c6d7e8f9", 1200),
    "2 min": TaskSpec("1b2c3d4e5f6a41829304b5c6d7e8f90a", 120),
}
GOLDEN = 0.6180339887
AIM_POLL_RATIO = 0.1
AIM_MEDIAN_DELAY = 1.5

Fetch = Callable[[], ShowBackgroundTaskProgressResponse]


@dataclass(frozen=True)
class Run:
    polls: int
    delay: float | None  # task seconds from the task's end to the poller's return; None = it gave up


class TaskTime:
    """The emulator's manual clock as the pollers see it: seconds since the clock's origin."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock

    def now(self) -> float:
        return (self.clock.now() - self.clock.origin).total_seconds()

    def sleep(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def start_at(self, seconds: float) -> None:
        self.clock.set(self.clock.origin + timedelta(seconds=seconds))


def sdk_waiter(client: DcsClient, task_id: str, time: TaskTime) -> int:
    polls = 0

    def count(_: ShowBackgroundTaskProgressResponse) -> None:
        nonlocal polls
        polls += 1

    client.wait_for_background_task(INSTANCE_ID, task_id, on_progress=count, clock=time.now, sleep=time.sleep)
    return polls


def fixed_poller(delay: float, max_attempts: int | None = None) -> Callable[[DcsClient, str, TaskTime], int | None]:
    """Poll every ``delay`` seconds; with ``max_attempts``, give up (None) after that many polls."""

    def poll(client: DcsClient, task_id: str, time: TaskTime) -> int | None:
        polls = 0
        while max_attempts is None or polls < max_attempts:
            polls += 1
            if task_state(client.show_background_task_progress(INSTANCE_ID, task_id))[0] is not TaskState.RUNNING:
                return polls
            time.sleep(delay)
        return None

    return poll


POLLERS: dict[str, Callable[[DcsClient, str, TaskTime], int | None]] = {
    "dcs_tasks waiter": sdk_waiter,
    "fixed 5 s": fixed_poller(5.0),
    "boto3-style 15 s x 40": fixed_poller(15.0, max_attempts=40),
}


def offsets(count: int) -> list[float]:
    """``count`` start offsets over [0, 15) s: golden-ratio steps, so whole and fractional parts both spread."""
    return [round((i * 15 * GOLDEN) % 15, 3) for i in range(count)]


@contextmanager
def emulated(tasks: list[TaskSpec]) -> Iterator[tuple[DcsClient, TaskTime]]:
    clock = ManualClock()
    scenario = scenario_with(tasks)
    credential, project = demo_credential(scenario)
    credentials = Credentials(credential.access_key, credential.secret_key, project_id=project)
    with (
        serve_in_thread(create_app(scenario, clock=clock)) as url,
        DcsClient(endpoint=url, credentials=credentials) as client,
    ):
        yield client, TaskTime(clock)


def measure(task: TaskSpec, poller: str, starts: list[float], client: DcsClient, time: TaskTime) -> list[Run]:
    runs = []
    for start in starts:
        time.start_at(task.start + start)
        polls = POLLERS[poller](client, task.task_id, time)
        end = task.start + task.seconds
        runs.append(Run(polls or 40, None if polls is None else time.now() - end))
    return runs


@dataclass(frozen=True)
class Summary:
    polls: float
    median_delay: float | None
    max_delay: float | None
    gave_up: int
    runs: int


def summarize(runs: list[Run]) -> Summary:
    delays = [run.delay for run in runs if run.delay is not None]
    return Summary(
        polls=statistics.median(run.polls for run in runs),
        median_delay=statistics.median(delays) if delays else None,
        max_delay=max(delays) if delays else None,
        gave_up=len(runs) - len(delays),
        runs=len(runs),
    )


def bench(count: int) -> dict[tuple[str, str], Summary]:
    results = {}
    with emulated(list(TASKS.values())) as (client, time):
        for label, task in TASKS.items():
            for poller in POLLERS:
                results[label, poller] = summarize(measure(task, poller, offsets(count), client, time))
    return results


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def report(results: dict[tuple[str, str], Summary]) -> tuple[str, bool]:
    lines = [f"{'task':<7} {'poller':<22} {'polls':>6} {'median delay':>13} {'worst delay':>12}  note"]
    for (label, poller), s in results.items():
        note = f"gave up in {s.gave_up} of {s.runs} runs (40 attempts = 585 s)" if s.gave_up else ""
        lines.append(
            f"{label:<7} {poller:<22} {s.polls:>6g} {_seconds(s.median_delay):>13} {_seconds(s.max_delay):>12}  {note}"
        )
    ok = True
    lines.append("")
    for label in TASKS:
        ours, fixed = results[label, "dcs_tasks waiter"], results[label, "fixed 5 s"]
        ratio = ours.polls / fixed.polls
        line = f"{label}: waiter/fixed-5-s polls = {ratio:.3f} ({fixed.polls / ours.polls:.1f}x fewer)"
        if fixed.median_delay is not None and ours.median_delay is not None:
            line += f", median delay {_seconds(ours.median_delay)} vs {_seconds(fixed.median_delay)}"
        lines.append(line)
        if label == "20 min":
            missed = []
            if ratio > AIM_POLL_RATIO:
                missed.append(f"poll ratio {ratio:.3f} > {AIM_POLL_RATIO} by {ratio / AIM_POLL_RATIO - 1:.0%}")
            if ours.median_delay is None or ours.median_delay > AIM_MEDIAN_DELAY:
                missed.append(f"median delay {_seconds(ours.median_delay)} > {AIM_MEDIAN_DELAY} s")
            ok = not missed
            verdict = "met" if ok else "MISSED: " + "; ".join(missed)
            lines.append(f"  aim (<= {AIM_POLL_RATIO:g} of the polls, median delay <= {AIM_MEDIAN_DELAY} s): {verdict}")
    return "\n".join(lines), ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench_waiter", description=__doc__)
    parser.add_argument("--offsets", type=int, default=11, help="start offsets per task and poller (default 11)")
    args = parser.parse_args(argv)
    text, ok = report(bench(args.offsets))
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
