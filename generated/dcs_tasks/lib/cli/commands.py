"""The three commands of ``dcs-tasks``: ``list``, ``show`` (one poll) and ``watch`` (the waiter, drawn live).

Each takes the run's ``Deadline`` (``--timeout``): every call is given what is left of it as its
``call_timeout``, and ``watch`` waits at most that long.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.live import Live

from ...models import BackgroundTask, ShowBackgroundTaskProgressResponse
from ..client import DcsClient
from ..deadline import Deadline
from ..errors import CallTimeoutError, TaskFailedError
from . import settings, view

FINISHED = 0


def budget(deadline: Deadline | None) -> float | None:
    """What is left of the run for the next call; none left is a timeout."""
    if deadline is None:
        return None
    left = deadline.left()
    if left <= 0:
        raise CallTimeoutError(f"--timeout {deadline.seconds:g} s expired")
    return left


def list_tasks(args: argparse.Namespace, client: DcsClient, console: Console, deadline: Deadline | None) -> int:
    """Every task of the instance, page after page, each page's call bounded by what is left of the run."""
    window = {"start_time": args.since, "end_time": args.until}
    page = client.list_background_task(args.instance, **window, call_timeout=budget(deadline))
    tasks: list[BackgroundTask] = list(page.data)
    while page.has_next_page():
        page = client.list_background_task(
            args.instance, offset=page.next_offset, limit=page.limit, **window, call_timeout=budget(deadline)
        )
        tasks += page.data
    if args.output == "json":
        console.file.write(json.dumps([task.to_dict() for task in tasks], ensure_ascii=False, indent=2) + "\n")
    else:
        console.print(view.tasks_table(tasks))
    return 0


def show(args: argparse.Namespace, client: DcsClient, console: Console, deadline: Deadline | None) -> int:
    if args.output == "json":
        # The body exactly as the service sent it (timestamps untouched): signed, retried, errors typed.
        raw = client.with_raw_response.show_background_task_progress(
            args.instance, args.task, call_timeout=budget(deadline)
        )
        console.file.write(raw.http_response.text + "\n")  # not through rich: no wrapping, no colour
        return 0
    response = client.show_background_task_progress(args.instance, args.task, call_timeout=budget(deadline))
    console.print(view.task_view(args.task, response))
    return 0


@contextmanager
def live_view(console: Console, task: view.LiveTask) -> Iterator[Live]:
    """Rich's live display of ``task``, redrawn 4 times a second so its countdown ticks between polls.

    While it runs, rich redirects ``sys.stdout`` / ``sys.stderr`` above the view: the SDK's log
    lines (``DCS_LOG``) are written to the current ``sys.stderr`` and so never garble it.
    """
    try:
        with Live(task, console=console, refresh_per_second=4, transient=False) as live:
            yield live
    finally:
        if not console.is_terminal:
            console.line()  # rich ends the last frame with a newline only on a terminal


def watch(args: argparse.Namespace, client: DcsClient, console: Console, deadline: Deadline | None) -> int:
    """Wait for the task, drawn live (table) or one JSON line per poll (json); ``TaskFailedError`` propagates."""
    timeout = None if deadline is None else deadline.seconds
    policy = settings.policy(args)
    if args.output == "json":
        client.wait_for_background_task(
            args.instance, args.task, timeout=timeout, policy=policy, on_progress=lambda r: poll_line(console, args, r)
        )
        return FINISHED
    task = view.LiveTask(args.task)
    with live_view(console, task) as live:

        def redraw(response: ShowBackgroundTaskProgressResponse) -> None:
            for line in view.step_changes(task.response, response):
                live.console.print(line)  # above the live view, so the changes stay on screen
            task.update(response)
            live.refresh()

        client.wait_for_background_task(args.instance, args.task, timeout=timeout, on_progress=redraw, policy=policy)
    console.print(f"[bold green]finished[/]: task {args.task}")
    return FINISHED


def write_json_line(console: Console, record: dict[str, object]) -> None:
    console.file.write(json.dumps(record, ensure_ascii=False) + "\n")
    console.file.flush()


def poll_line(console: Console, args: argparse.Namespace, response: ShowBackgroundTaskProgressResponse) -> None:
    """One JSON Lines record per poll: the task, its progress and the whole response."""
    record = {"event": "poll", "task_id": args.task, "progress": response.progress, "remain_time": response.remain_time}
    write_json_line(console, {**record, "response": response.to_dict()})


def report_failed(console: Console, failed: TaskFailedError) -> None:
    for step, code in zip(failed.failed_steps, failed.error_codes, strict=True):
        console.print(f"[bold red]failed[/]: step {step.step_name or step.step_id!r}, error code {code or '-'}")
