"""``dcs-tasks``: list an instance's background tasks, show or watch one, from a terminal (needs the
``cli`` extra: rich).

Exit codes: 0 the task finished (``watch``), was shown (``show``) or the tasks listed (``list``);
1 the task failed; 2 usage or configuration error (arguments, credentials, project, credentials
refused with 401/403); 3 any other error of the service or the network; 4 ``--timeout`` expired;
130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence

from ..errors import APIStatusError, DcsError, WaitTimeoutError
from . import settings
from .settings import TOKEN_ENV, UsageError

__all__ = ["main"]

USAGE, API_ERROR, TIMED_OUT, INTERRUPTED = 2, 3, 4, 130
REFUSED = frozenset({401, 403})  # the credentials are wrong for this: a configuration error


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="dcs-tasks",
        description="List a DCS instance's background tasks; show or watch one of them.",
        epilog=__doc__.split("\n\n", 1)[1],
    )
    where = root.add_mutually_exclusive_group()
    where.add_argument("--region", help="e.g. cn-north-4 (default), for https://dcs.<region>.myhuaweicloud.com")
    where.add_argument("--endpoint", help="another endpoint, e.g. http://127.0.0.1:8080")
    root.add_argument("--project", help="project ID (default: HUAWEICLOUD_SDK_PROJECT_ID)")
    root.add_argument("--token-env", default=TOKEN_ENV, help=f"variable holding an IAM token (default {TOKEN_ENV})")
    commands = root.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="the instance's tasks (every page), newest first")
    listing.add_argument("instance", help="instance ID")
    listing.add_argument("--output", choices=["table", "json"], default="table", help="json: one JSON array")
    listing.add_argument("--since", type=settings.utc_time, help="created at or after (UTC, e.g. 2024-05-01T10:00)")
    listing.add_argument("--until", type=settings.utc_time, help="created at or before (UTC)")
    show = commands.add_parser("show", help="the task's steps and sub-steps, once")
    show.add_argument("--output", choices=["table", "json"], default="table", help="json: the raw response body")
    watch = commands.add_parser("watch", help="a live view until the task finishes or fails")
    watch.add_argument("--timeout", type=float, default=None, help="give up after this many seconds (exit 4)")
    watch.add_argument("--min-interval", type=float, default=1.0, help="shortest pause between polls (s)")
    watch.add_argument("--max-interval", type=float, default=15.0, help="longest pause between polls (s)")
    for command in (show, watch):
        command.add_argument("instance", help="instance ID")
        command.add_argument("task", help="task ID")
    return root


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        from rich.console import Console  # noqa: PLC0415 - the extra is checked only when the CLI runs

        from . import commands  # noqa: PLC0415
    except ImportError as missing:
        print(f"dcs-tasks needs the cli extra ({missing.name}): pip install 'dcs-tasks[cli]'", file=sys.stderr)
        return USAGE
    console, errors = Console(), Console(stderr=True)
    try:
        with settings.client(args, os.environ if environ is None else environ) as client:
            run = {"list": commands.list_tasks, "show": commands.show, "watch": commands.watch}[args.command]
            return run(args, client, console)
    except KeyboardInterrupt:
        errors.print("interrupted")
        return INTERRUPTED
    except UsageError as error:
        errors.print(f"error: {error}", markup=False, highlight=False, soft_wrap=True)
        return USAGE
    except WaitTimeoutError as error:
        errors.print(f"timed out: {error}", markup=False, highlight=False, soft_wrap=True)
        return TIMED_OUT
    except DcsError as error:
        errors.print(f"error: {one_line(error)}", markup=False, highlight=False, soft_wrap=True)
        refused = isinstance(error, APIStatusError) and error.status_code in REFUSED
        return USAGE if refused else API_ERROR


def one_line(error: Exception) -> str:
    """status, error_code, message and request id of an API error on one line; else the error's text."""
    if isinstance(error, APIStatusError):
        code, message, request_id = error.error_code or "-", error.error_msg or str(error), error.request_id or "-"
        text = f"HTTP {error.status_code} {code}: {message} (request id {request_id})"
    else:
        text = str(error)
    return " ".join(text.split())
