"""Waiting for a background task to finish: one sans-IO poll planner, two thin loops (sync, async).

``PollPlanner`` never touches the network, a clock or a sleep: it is fed each progress response
with the time it arrived and answers with the delay before the next poll (or ``None`` when the
task has finished, or raises ``TaskFailedError`` / ``WaitTimeoutError``). ``wait`` and
``async_wait`` only fetch, report, ask and sleep, so the policy is written (and tested) once.

With a timeout, each poll is one call bounded by what is left of the wait (its ``call_timeout``,
at least ``LAST_POLL_GRACE`` so the poll at the deadline can be answered): a service that hangs
ends the wait with ``WaitTimeoutError`` at the deadline, and no wait ends later than about
``timeout + LAST_POLL_GRACE`` seconds.

Deliberately imports neither asyncio nor anything outside the SDK's runtime dependencies: the
package root stays cheap, and the sync client never loads asyncio.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import TypedDict

from ..models import ShowBackgroundTaskProgressResponse, StepDetail, StepStatus
from .deadline import check_seconds
from .errors import CallTimeoutError, InvalidArgumentError, TaskFailedError, WaitTimeoutError

__all__ = [
    "LAST_POLL_GRACE",
    "MAX_INTERVAL",
    "MIN_INTERVAL",
    "AsyncSleep",
    "Clock",
    "OnProgress",
    "PollPlanner",
    "PollPolicy",
    "Sleep",
    "TaskState",
    "WaitOptions",
    "Waiting",
    "async_wait",
    "task_state",
    "wait",
]

# The documented bounds of the default policy, in seconds. 1 s keeps a waiter far below the API
# gateway's default throttle (200 req/s per API, shared by the whole account) even when many wait
# at once; 120 s bounds what a wrong remain_time estimate can cost in detection delay.
MIN_INTERVAL = 1.0
MAX_INTERVAL = 120.0
# The least time the poll at the deadline is given to be answered (a wait may end this much late).
LAST_POLL_GRACE = 1.0

Clock = Callable[[], float]  # seconds, monotonic (time.monotonic by default)
Sleep = Callable[[float], None]
AsyncSleep = Callable[[float], Awaitable[None]]
OnProgress = Callable[[ShowBackgroundTaskProgressResponse], None]


@dataclass(frozen=True)
class PollPolicy:
    """When to poll next, from the task's own ``remain_time`` estimate.

    - While the task reports ``remain_time`` > 0, the waiter sleeps ``remain_fraction`` of it,
      clamped to [``min_interval``, ``max_interval``] (default 1 s … 120 s): sparse while much time
      remains, then halving towards the predicted end, so the end is seen within about
      ``min_interval`` of happening when the estimate is right, and within half the estimate's
      error when it is not.
    - When ``remain_time`` says nothing (absent, or 0 while the task is still unfinished: the
      estimate has run out), intervals grow from ``min_interval`` by ``backoff`` per poll up to
      ``overdue_max_interval`` (default 10 s), and start over once an estimate comes back.
    - With a timeout, the last sleep is shortened so that one poll happens at the deadline.
    """

    min_interval: float = MIN_INTERVAL
    max_interval: float = MAX_INTERVAL
    remain_fraction: float = 0.5
    backoff: float = 1.5
    overdue_max_interval: float = 10.0

    def __post_init__(self) -> None:
        if not 0 < self.min_interval <= self.overdue_max_interval <= self.max_interval:
            raise InvalidArgumentError("PollPolicy needs 0 < min_interval <= overdue_max_interval <= max_interval")
        if not 0 < self.remain_fraction <= 1 or self.backoff < 1:
            raise InvalidArgumentError("PollPolicy needs 0 < remain_fraction <= 1 and backoff >= 1")

    def clamp(self, seconds: float) -> float:
        return min(max(seconds, self.min_interval), self.max_interval)


class TaskState(Enum):
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


def task_state(response: ShowBackgroundTaskProgressResponse) -> tuple[TaskState, list[StepDetail]]:
    """What a response says of its task, and the failed steps.

    Any step ``FAILED`` → failed. ``progress`` 100 with every step ``FINISH`` (or no steps) →
    finished. Anything else, unknown step statuses included, is still running: a status the
    service adds later must not end a wait early.
    """
    steps = response.step_details or []
    failed = [step for step in steps if step.step_status == StepStatus.FAILED]
    if failed:
        return TaskState.FAILED, failed
    if response.progress == 100 and all(step.step_status == StepStatus.FINISH for step in steps):
        return TaskState.FINISHED, []
    return TaskState.RUNNING, []


class PollPlanner:
    """The waiter's decisions, without I/O: feed each response and its arrival time to ``next_delay``."""

    def __init__(
        self, task_id: str, *, started_at: float, timeout: float | None = None, policy: PollPolicy | None = None
    ) -> None:
        timeout = check_seconds("timeout", timeout, allow_zero=True)
        self.task_id = task_id
        self.timeout = timeout
        self.policy = policy or PollPolicy()
        self.deadline = math.inf if timeout is None else started_at + timeout
        self._overdue_delay: float | None = None  # the current step of the overdue backoff

    def next_delay(self, response: ShowBackgroundTaskProgressResponse, now: float) -> float | None:
        """Seconds to sleep before the next poll; ``None`` once the task has finished.

        Raises ``TaskFailedError`` when a step failed, ``WaitTimeoutError`` when the deadline has
        passed with the task still unfinished.
        """
        state, failed = task_state(response)
        if state is TaskState.FINISHED:
            return None
        if state is TaskState.FAILED:
            raise TaskFailedError(self.task_id, response, failed)
        if now >= self.deadline:
            assert self.timeout is not None  # a finite deadline comes from a timeout
            raise WaitTimeoutError(self.task_id, response, self.timeout)
        return min(self._delay(response.remain_time), self.deadline - now)

    def _delay(self, remain_time: int | None) -> float:
        policy = self.policy
        if remain_time is not None and remain_time > 0:
            self._overdue_delay = None
            return policy.clamp(remain_time * policy.remain_fraction)
        previous = self._overdue_delay
        delay = policy.min_interval if previous is None else min(previous * policy.backoff, policy.overdue_max_interval)
        self._overdue_delay = delay
        return delay


class WaitOptions(TypedDict, total=False):
    """The keyword arguments both clients' ``wait_for_background_task`` take besides ``sleep``."""

    project_id: str | None
    timeout: float | None
    on_progress: OnProgress | None
    policy: PollPolicy | None
    clock: Clock


@dataclass
class Waiting:
    """One wait in progress: its planner, clock and progress callback (what both loops share)."""

    planner: PollPlanner
    clock: Clock
    on_progress: OnProgress | None = None
    last: ShowBackgroundTaskProgressResponse | None = None

    @classmethod
    def start(cls, task_id: str, options: WaitOptions) -> Waiting:
        clock = options.get("clock") or time.monotonic
        planner = PollPlanner(task_id, started_at=clock(), timeout=options.get("timeout"), policy=options.get("policy"))
        return cls(planner, clock, options.get("on_progress"))

    def call_budget(self) -> float | None:
        """The ``call_timeout`` of the next poll: what is left of the wait, at least ``LAST_POLL_GRACE``."""
        if self.planner.timeout is None:
            return None
        return max(self.planner.deadline - self.clock(), LAST_POLL_GRACE)

    def decide(self, response: ShowBackgroundTaskProgressResponse) -> float | None:
        """Report ``response`` (before deciding, so a final or failed state is reported too), then plan."""
        self.last = response
        if self.on_progress is not None:
            self.on_progress(response)
        return self.planner.next_delay(response, self.clock())

    def timed_out(self) -> WaitTimeoutError:
        """The error of a wait whose last poll was not answered in time."""
        assert self.planner.timeout is not None  # only a bounded poll has a call_timeout to expire
        return WaitTimeoutError(self.planner.task_id, self.last, self.planner.timeout)


Fetch = Callable[[float | None], ShowBackgroundTaskProgressResponse]  # the poll, given its call_timeout
AsyncFetch = Callable[[float | None], Awaitable[ShowBackgroundTaskProgressResponse]]


def wait(fetch: Fetch, waiting: Waiting, sleep: Sleep) -> ShowBackgroundTaskProgressResponse:
    """Poll with ``fetch`` until the task has finished (sync; Ctrl-C interrupts the sleep)."""
    while True:
        try:
            response = fetch(waiting.call_budget())
        except CallTimeoutError as error:
            raise waiting.timed_out() from error
        delay = waiting.decide(response)
        if delay is None:
            return response
        sleep(delay)


async def async_wait(fetch: AsyncFetch, waiting: Waiting, sleep: AsyncSleep) -> ShowBackgroundTaskProgressResponse:
    """The awaitable ``wait``: cancelling the awaiting task stops it at its current request or sleep."""
    while True:
        try:
            response = await fetch(waiting.call_budget())
        except CallTimeoutError as error:
            raise waiting.timed_out() from error
        delay = waiting.decide(response)
        if delay is None:
            return response
        await sleep(delay)
