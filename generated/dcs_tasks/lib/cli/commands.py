"""The two commands of ``dcs-tasks``: ``show`` (one poll) and ``watch`` (the waiter, drawn live)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.live import Live

from ...models import ShowBackgroundTaskProgressResponse
from ..client import DcsClient
from ..errors import TaskFailedError
from . import settings, view

FINISHED, FAILED = 0, 1


def list_tasks(args: argparse.Namespace, client: DcsClient, console: Console) -> int:
    """Every task of the instance, fetching further pages as the listing goes (table or JSON)."""
    tasks = list(client.list_background_task(args.instance, start_time=args.since, end_time=args.until))
    if args.output == "json":
        console.file.write(json.dumps([task.to_dict() for task in tasks], ensure_ascii=False, indent=2) + "\n")
    else:
        console.print(view.tasks_table(tasks))
    return 0


def show(args: argparse.Namespace, client: DcsClient, console: Console) -> int:
    if args.output == "json":
        return _show_raw(args, client, console)
    response = client.show_background_task_progress(args.instance, args.task)
    console.print(view.task_view(args.task, response))
    return 0


def _show_raw(args: argparse.Namespace, client: DcsClient, console: Console) -> int:
    """The body exactly as the service sent it (timestamps untouched): signed, retried, errors typed."""
    raw = client.with_raw_response.show_background_task_progress(args.instance, args.task)
    console.file.write(raw.http_response.text + "\n")  # not through rich: no wrapping, no colour
    return 0


@contextmanager
def live_view(console: Console) -> Iterator[Live]:
    try:
        with Live(console=console, refresh_per_second=8, transient=False) as live:
            yield live
    finally:
        if not console.is_terminal:
            console.line()  # rich ends the last frame with a newline only on a terminal


def watch(args: argparse.Namespace, client: DcsClient, console: Console) -> int:
    last: list[ShowBackgroundTaskProgressResponse] = []
    try:
        with live_view(console) as live:

            def redraw(response: ShowBackgroundTaskProgressResponse) -> None:
                for line in view.step_changes(last[-1] if last else None, response):
                    live.console.print(line)  # above the live view, so the changes stay on screen
                last.append(response)
                live.update(view.task_view(args.task, response), refresh=True)

            policy = settings.policy(args)
            client.wait_for_background_task(
                args.instance, args.task, timeout=args.timeout, on_progress=redraw, policy=policy
            )
    except TaskFailedError as failed:
        for step, code in zip(failed.failed_steps, failed.error_codes, strict=True):
            console.print(f"[bold red]failed[/]: step {step.step_name or step.step_id!r}, error code {code or '-'}")
        return FAILED
    console.print(f"[bold green]finished[/]: task {args.task}")
    return FINISHED
