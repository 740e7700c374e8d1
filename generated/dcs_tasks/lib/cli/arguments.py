"""The command line of ``dcs-tasks``: three commands, and options accepted before or after the command.

Every option but ``watch``'s intervals is common: argparse gives each command a copy whose
default is ``SUPPRESS``, so an option written after the command overrides one written before it,
and one left out keeps the value parsed before the command (or the default).
"""

from __future__ import annotations

import argparse
import datetime
from typing import Any

COMMANDS = ("list", "show", "watch")
# --timeout when none is given: list and show are one short exchange each; watch waits for the task.
DEFAULT_TIMEOUTS: dict[str, float | None] = {"list": 60.0, "show": 60.0, "watch": None}

EXAMPLES = """\
examples:
  dcs-tasks list INSTANCE                        the instance's tasks, every page, as a table
  dcs-tasks list INSTANCE --output json --since 2024-05-01T00:00
                                                 a JSON array; --since/--until are UTC
  dcs-tasks show INSTANCE TASK                   the steps and sub-steps of one task
  dcs-tasks show INSTANCE TASK --output json     the service's response body, untouched
  dcs-tasks watch INSTANCE TASK --timeout 600    a live view until the task ends (at most 10 min)
  dcs-tasks watch INSTANCE TASK --output json    one JSON object per poll, then the result
  dcs-tasks --endpoint http://127.0.0.1:8080 show INSTANCE TASK
                                                 options go before or after the command

where the settings come from (the first one set wins):
  endpoint     --endpoint or --region, DCS_ENDPOINT, DCS_REGION, else region cn-north-4
  credentials  --token-env NAME (an IAM token in variable NAME),
               HUAWEICLOUD_SDK_AK + HUAWEICLOUD_SDK_SK (+ HUAWEICLOUD_SDK_SECURITY_TOKEN),
               CLOUD_SDK_AK + CLOUD_SDK_SK (+ CLOUD_SDK_SECURITY_TOKEN), DCS_AUTH_TOKEN,
               the profile file HUAWEICLOUD_SDK_CREDENTIALS_FILE or ~/.huaweicloud/credentials,
               the metadata service at DCS_METADATA_URL (only when set)
  project      --project, the profile file's project_id, DCS_PROJECT_ID, HUAWEICLOUD_SDK_PROJECT_ID
  DCS_LOG=debug (or info) logs each request to stderr.
"""


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, got {text!r}")
    return value


def identifier(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("must be a non-empty ID")
    return text


def utc_time(text: str) -> datetime.datetime:
    """An ISO 8601 instant; one written without a zone is UTC (the service's time filters are UTC)."""
    try:
        instant = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=datetime.UTC)


def _common(parser: argparse.ArgumentParser, *, after_command: bool) -> None:
    """The options every command takes; after the command they default to SUPPRESS (see the module docstring)."""
    keep: dict[str, Any] = {"default": argparse.SUPPRESS} if after_command else {}
    group = parser.add_argument_group("options (before or after the command)")
    group.add_argument(
        "--region", help="a DCS region, e.g. cn-north-4, for https://dcs.REGION.myhuaweicloud.com", **keep
    )
    group.add_argument("--endpoint", metavar="URL", help="another endpoint, e.g. http://127.0.0.1:8080", **keep)
    group.add_argument("--project", metavar="ID", help="the project ID (default: see below)", **keep)
    group.add_argument("--token-env", metavar="NAME", help="use the IAM token in variable NAME", **keep)
    group.add_argument(
        "--timeout",
        type=seconds,
        metavar="SECONDS",
        help="bound on the whole command, exit 4 when it expires (list, show: 60; watch: none)",
        **keep,
    )
    group.add_argument(
        "--output",
        choices=["table", "json"],
        help="table (default) or json: list a JSON array, show the raw body, watch JSON Lines",
        **keep,
    )


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str, example: str
) -> argparse.ArgumentParser:
    command = commands.add_parser(
        name,
        help=summary,
        description=summary,
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("instance", type=identifier, metavar="INSTANCE", help="the instance ID")
    return command


def parser(exit_codes: str) -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="dcs-tasks",
        description="List a DCS instance's background tasks; show or watch one of them.",
        epilog=f"{EXAMPLES}\n{exit_codes}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(root, after_command=False)
    root.set_defaults(output="table", timeout=None)
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    listing = _command(commands, "list", "the instance's tasks (every page), newest first", "dcs-tasks list INSTANCE")
    listing.add_argument("--since", type=utc_time, help="created at or after (UTC, e.g. 2024-05-01T10:00)")
    listing.add_argument("--until", type=utc_time, help="created at or before (UTC)")
    show = _command(commands, "show", "the task's steps and sub-steps, once", "dcs-tasks show INSTANCE TASK")
    watch = _command(
        commands,
        "watch",
        "a live view until the task finishes or fails",
        "dcs-tasks watch INSTANCE TASK --timeout 600 --max-interval 5",
    )
    watch.add_argument(
        "--min-interval", type=seconds, default=1.0, metavar="SECONDS", help="shortest pause between polls (s)"
    )
    watch.add_argument(
        "--max-interval", type=seconds, default=15.0, metavar="SECONDS", help="longest pause between polls (s)"
    )
    for command in (listing, show, watch):
        if command is not listing:
            command.add_argument("task", type=identifier, metavar="TASK", help="the task ID")
        _common(command, after_command=True)
    return root
