"""The two commands of ``dcs-tasks``: ``show`` (one poll) and ``watch`` (the waiter, drawn live)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.live import Live

from ...api.background_tasks import show_background_task_progress
from ...models import ShowBackgroundTaskProgressResponse
from ..client import DcsClient
from ..errors import TaskFailedError
from . import settings, view

FINISHED, FAILED = 0, 1


def show(args: argparse.Namespace, client: DcsClient, console: Console) -> int:
    if args.output == "json":
        return _show_raw(args, client, console)
    response = client.show_background_task_progress(args.instance, args.task)
    console.print(view.task_view(args.task, response))
    return 0


def _show_raw(args: argparse.Namespace, client: DcsClient, console: Console) -> int:
    """The body exactly as the service sent it (timestamps untouched), through the same signed client."""
    answer = show_background_task_progress.sync_detailed(
        client.project_id or "", args.instance, args.task, client=client.api_client
    )
    if answer.status_code != 200:
        raise ApiAnswerError(answer.status_code, answer.content, answer.headers.get("X-Request-Id"))
    console.file.write(answer.content.decode("utf-8") + "\n")  # not through rich: no wrapping, no colour
    return 0


class ApiAnswerError(Exception):
    """A non-200 answer seen through the low-level function (which returns it rather than raising)."""

    def __init__(self, status: int, content: bytes, request_id: str | None) -> None:
        try:
            body = json.loads(content)
        except ValueError:
            body = None
        fields = body if isinstance(body, dict) else {}
        self.status_code = status
        self.error_code: str | None = fields.get("error_code")
        self.error_msg: str | None = fields.get("error_msg")
        self.request_id = request_id or fields.get("request_id")
        super().__init__(f"HTTP {status}")


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
