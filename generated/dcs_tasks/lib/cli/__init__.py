"""dcs-tasks: list an instance's background tasks, show or watch one, from a terminal (needs the
cli extra: rich). Arguments: arguments.py; configuration: settings.py; the commands: commands.py.

exit codes:
  0    done: the tasks were listed, the task was shown, or the watched task finished
  1    the watched task failed (its failed steps and their error codes are printed)
  2    usage or configuration: arguments, credentials or project missing, credentials refused (401/403)
  3    any other error of the service or the network
  4    --timeout expired (list and show: 60 s unless given; watch: only when given)
  130  interrupted (Ctrl-C)
  With watch --output json, the last line is the result, e.g.
  {"event": "result", "task_id": "...", "outcome": "finished", "exit_code": 0}
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from ..errors import (
    APIConnectionError,
    APIStatusError,
    CallTimeoutError,
    ConfigurationError,
    DcsError,
    TaskFailedError,
    WaitTimeoutError,
)
from ..variables import environment
from . import arguments, settings
from .settings import UsageError

__all__ = ["main"]

FINISHED, FAILED, USAGE, API_ERROR, TIMED_OUT, INTERRUPTED = 0, 1, 2, 3, 4, 130
OUTCOMES = {FINISHED: "finished", FAILED: "failed", USAGE: "usage_error", API_ERROR: "error", TIMED_OUT: "timed_out"}
REFUSED = frozenset({401, 403})  # the credentials are wrong for this: a configuration error
EXIT_CODES = __doc__[__doc__.index("exit codes:") :]


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    args = arguments.parser(EXIT_CODES).parse_args(argv)
    try:
        from rich.console import Console  # noqa: PLC0415 - the extra is checked only when the CLI runs

        from . import commands  # noqa: PLC0415
    except ImportError as missing:
        print(f"dcs-tasks needs the cli extra ({missing.name}): pip install 'dcs-tasks[cli]'", file=sys.stderr)
        return USAGE
    console, errors = Console(), Console(stderr=True)
    deadline = settings.deadline(args)
    run = {"list": commands.list_tasks, "show": commands.show, "watch": commands.watch}[args.command]
    failed: TaskFailedError | None = None
    message = ""
    try:
        with settings.client(args, environment(environ)) as client:
            code = run(args, client, console, deadline)
    except KeyboardInterrupt:
        code, message = INTERRUPTED, "interrupted"
    except TaskFailedError as error:
        code, failed = FAILED, error
        if args.output != "json":
            commands.report_failed(console, error)
    except (UsageError, DcsError) as error:
        code, message = classify(error, deadline.seconds if deadline else None)
    if message:
        errors.print(message, markup=False, highlight=False, soft_wrap=True)
    if args.command == "watch" and args.output == "json":
        commands.write_json_line(console, result(args.task, code, message, failed))
    return code


def classify(error: Exception, timeout: float | None) -> tuple[int, str]:
    """The exit code and the one-line message of an error that ends a command (``timeout``: ``--timeout``'s)."""
    if isinstance(error, UsageError | ConfigurationError):  # e.g. the metadata service refusing keys
        return USAGE, f"error: {error}"
    if isinstance(error, CallTimeoutError):
        where = f"{error.host}:{error.port}" if error.host else "the service"
        return TIMED_OUT, f"timed out: no answer from {where} within --timeout {timeout or 0:g} s"
    if isinstance(error, WaitTimeoutError):
        return TIMED_OUT, f"timed out: {error}"
    refused = isinstance(error, APIStatusError) and error.status_code in REFUSED
    return (USAGE if refused else API_ERROR), f"error: {one_line(error)}"


def result(task_id: str, code: int, message: str, failed: TaskFailedError | None) -> dict[str, object]:
    """The last JSON line of ``watch --output json``: how it ended, with the failed steps or the error."""
    record: dict[str, object] = {
        "event": "result",
        "task_id": task_id,
        "outcome": OUTCOMES.get(code, "interrupted"),
        "exit_code": code,
    }
    if failed is not None:
        steps = zip(failed.failed_steps, failed.error_codes, strict=True)
        record["failed_steps"] = [{"step": step.step_name or step.step_id, "error_code": code} for step, code in steps]
    if message:
        record["message"] = message
    return record


def one_line(error: Exception) -> str:
    """status, error_code, message and request id of an API error on one line; else the error's text."""
    if isinstance(error, APIStatusError):
        code, message, request_id = error.error_code or "-", error.error_msg or str(error), error.request_id or "-"
        text = f"HTTP {error.status_code} {code}: {message} (request id {request_id})"
    elif isinstance(error, APIConnectionError):
        text = error.message
    else:
        text = str(error)
    return " ".join(text.split())
