"""What ``dcs-tasks`` connects with: the SDK's own environment, plus an optional IAM token variable.

AK/SK, security token and project come from the variables ``Credentials.from_env`` reads
(``HUAWEICLOUD_SDK_AK``/``_SK`` or ``CLOUD_SDK_AK``/``_SK``, ``HUAWEICLOUD_SDK_PROJECT_ID`` …).
When the variable named by ``--token-env`` (default ``DCS_AUTH_TOKEN``) is set, its IAM token is
used instead, so a token never has to appear on the command line (or in shell history).
"""

from __future__ import annotations

import argparse
import datetime
from collections.abc import Mapping

from ..client import DcsClient
from ..credentials import PROJECT_ID_VARIABLE, AnyCredentials, Credentials, TokenCredentials
from ..errors import CredentialsError
from ..waiter import PollPolicy

TOKEN_ENV = "DCS_AUTH_TOKEN"  # noqa: S105 - the name of a variable, not a token
OVERDUE_MAX_INTERVAL = 10.0


class UsageError(Exception):
    """The command line or the environment cannot work (exit code 2)."""


def credentials(args: argparse.Namespace, environ: Mapping[str, str]) -> AnyCredentials:
    token = environ.get(args.token_env, "")
    if token:
        return TokenCredentials(token, project_id=environ.get(PROJECT_ID_VARIABLE) or None)
    try:
        return Credentials.from_env(environ)
    except CredentialsError as error:
        raise UsageError(f"{error}, or an IAM token in {args.token_env}") from None


def client(args: argparse.Namespace, environ: Mapping[str, str]) -> DcsClient:
    built = DcsClient(
        region=args.region, endpoint=args.endpoint, credentials=credentials(args, environ), project_id=args.project
    )
    if not built.project_id:
        built.close()
        raise UsageError(f"no project: pass --project or set {PROJECT_ID_VARIABLE}")
    return built


def policy(args: argparse.Namespace) -> PollPolicy:
    overdue = max(args.min_interval, min(OVERDUE_MAX_INTERVAL, args.max_interval))
    try:
        return PollPolicy(min_interval=args.min_interval, max_interval=args.max_interval, overdue_max_interval=overdue)
    except ValueError as error:
        raise UsageError(f"--min-interval/--max-interval: {error}") from None


def utc_time(text: str) -> datetime.datetime:
    """An ISO 8601 instant; one written without a zone is UTC (the service's time filters are UTC)."""
    try:
        instant = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=datetime.UTC)
