"""How ``dcs-tasks`` draws a task with rich: the steps table, and the live view of ``watch``."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import datetime

from rich.console import Group, RenderableType
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from ...models import BackgroundTask, ShowBackgroundTaskProgressResponse, StepDetail

STYLES = {
    "FINISH": "green",
    "SUCCESS": "green",
    "FAILED": "bold red",
    "EXECUTING": "yellow",
    "WAITING": "dim",
    "CREATED": "dim",
}


def status_text(status: object) -> Text:
    name = "-" if status is None else str(status)
    return Text(name, style=STYLES.get(name, "magenta"))  # magenta: a status the docs do not list


def when(instant: datetime | None) -> str:
    return "-" if instant is None else instant.strftime("%m-%d %H:%M:%S")


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "unknown"
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"


def steps_table(response: ShowBackgroundTaskProgressResponse) -> Table:
    table = Table(title_justify="left")
    for column in ("step", "status", "begin (UTC)", "end (UTC)", "error code"):
        table.add_column(column, no_wrap=column == "status", min_width=16 if column == "step" else None)
    for step in response.step_details or []:
        table.add_row(step.step_name or step.step_id or "?", status_text(step.step_status), *_times(step))
        for sub in step.sub_step_details or []:
            name = f"└ {sub.sub_step_name or sub.sub_step_id or '?'}"
            row = (when(sub.begin_time), when(sub.end_time), sub.error_code or "")
            table.add_row(name, status_text(sub.sub_step_status), *row, style="dim" if sub.sub_step_status else None)
    return table


def tasks_table(tasks: list[BackgroundTask]) -> Table:
    table = Table(title_justify="left", caption=f"{len(tasks)} task{'' if len(tasks) == 1 else 's'}")
    for column in ("task", "name", "status", "created (UTC)", "updated (UTC)"):
        table.add_column(column, no_wrap=column in {"task", "status"})
    for task in tasks:
        table.add_row(
            task.id or "?", task.name or "", status_text(task.status), when(task.created_at), when(task.updated_at)
        )
    return table


def _times(step: StepDetail) -> tuple[str, str, str]:
    return when(step.begin_time), when(step.end_time), step.error_code or ""


def summary(response: ShowBackgroundTaskProgressResponse, remaining: int | None = None) -> Table:
    """The progress bar, the percentage and the remaining time (``remaining``, else the response's)."""
    progress = response.progress or 0
    line = Table.grid(padding=(0, 2))
    line.add_row(
        ProgressBar(total=100, completed=progress, width=40),
        Text(f"{progress:>3}%", style="bold"),
        Text(f"remaining {duration(response.remain_time if remaining is None else remaining)}"),
    )
    return line


def task_view(
    task_id: str, response: ShowBackgroundTaskProgressResponse, remaining: int | None = None
) -> RenderableType:
    return Group(Text(f"task {task_id}", style="bold"), summary(response, remaining), steps_table(response))


class LiveTask:
    """The view ``watch`` keeps on screen: the last response, its countdown ticking between polls.

    Rich's ``Live`` redraws it several times a second, and each drawing counts the remaining time
    down from the last ``remain_time`` by the seconds passed since that response arrived.
    """

    def __init__(self, task_id: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.task_id = task_id
        self.response: ShowBackgroundTaskProgressResponse | None = None
        self._clock = clock
        self._received = 0.0

    def update(self, response: ShowBackgroundTaskProgressResponse) -> None:
        self.response, self._received = response, self._clock()

    def remaining(self) -> int | None:
        if self.response is None or self.response.remain_time is None:
            return None
        return max(0, math.ceil(self.response.remain_time - (self._clock() - self._received)))

    def __rich__(self) -> RenderableType:
        if self.response is None:
            return Text(f"task {self.task_id}: waiting for the first answer…")
        return task_view(self.task_id, self.response, self.remaining())


def step_changes(
    before: ShowBackgroundTaskProgressResponse | None, after: ShowBackgroundTaskProgressResponse
) -> list[Text]:
    """One line per step whose status changed since ``before`` (every step on the first poll)."""
    old = {step.step_id: step.step_status for step in (before.step_details or [])} if before else {}
    lines = []
    for step in after.step_details or []:
        if step.step_id in old and old[step.step_id] == step.step_status:
            continue
        line = Text(f"{step.step_name or step.step_id}: ")
        if step.step_id in old:
            line.append_text(status_text(old[step.step_id])).append(" → ")
        lines.append(line.append_text(status_text(step.step_status)))
    return lines
