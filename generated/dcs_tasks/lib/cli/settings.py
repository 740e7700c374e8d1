"""What ``dcs-tasks`` connects with: the SDK's own configuration (``lib/config.py``), in the CLI's words.

The flags are the explicit settings; everything else comes from the variables, the profile file
and the metadata service exactly as for ``DcsClient()``, and every message names flags and
variables. ``--token-env NAME`` reads an IAM token from variable ``NAME``, so a token never has
to appear on the command line (or in shell history).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from ..client import DcsClient
from ..config import resolve
from ..credentials import TokenCredentials
from ..deadline import Deadline
from ..errors import InvalidArgumentError
from ..logs import logger, setup_from_environment
from ..variables import CLI, variable
from ..waiter import PollPolicy
from .arguments import DEFAULT_TIMEOUTS

OVERDUE_MAX_INTERVAL = 10.0


class UsageError(Exception):
    """The command line or the environment cannot work (exit code 2)."""


def deadline(args: argparse.Namespace) -> Deadline | None:
    """When the whole command must have ended: ``--timeout``, else the command's default."""
    seconds = args.timeout if args.timeout is not None else DEFAULT_TIMEOUTS[args.command]
    return None if seconds is None else Deadline(seconds)


def _token(args: argparse.Namespace, environ: Mapping[str, str]) -> TokenCredentials | None:
    if args.token_env is None:
        return None
    token = variable(environ, args.token_env)
    if token is None:
        raise UsageError(f"{args.token_env} (named by --token-env) is not set")
    return TokenCredentials(token)


def client(args: argparse.Namespace, environ: Mapping[str, str]) -> DcsClient:
    """A client configured from the flags, then ``environ``; a setting that cannot work is a ``UsageError``."""
    setup_from_environment(environ)
    try:
        found = resolve(
            region=args.region,
            endpoint=args.endpoint,
            credentials=_token(args, environ),
            project_id=args.project,
            environ=environ,
            spelling=CLI,
        )
    except InvalidArgumentError as error:  # configuration and credentials errors included
        raise UsageError(str(error)) from None
    if found.project is None:
        raise UsageError(found.no_project)
    logger.info(
        "endpoint %s (%s), credentials from %s, project %s (%s)",
        found.endpoint.value,
        found.endpoint.source,
        found.credentials.source,
        found.project.value,
        found.project.source,
    )
    return DcsClient(endpoint=found.endpoint.value, credentials=found.credentials.value, project_id=found.project.value)


def policy(args: argparse.Namespace) -> PollPolicy:
    """The waiter's intervals from ``--min-interval`` and ``--max-interval`` (both checked positive by argparse)."""
    if args.min_interval > args.max_interval:
        raise UsageError(f"--min-interval {args.min_interval:g} is longer than --max-interval {args.max_interval:g}")
    overdue = max(args.min_interval, min(OVERDUE_MAX_INTERVAL, args.max_interval))
    return PollPolicy(min_interval=args.min_interval, max_interval=args.max_interval, overdue_max_interval=overdue)
