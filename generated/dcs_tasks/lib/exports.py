"""What the package root exports from the hand-written code (and the generated client), loaded on first use.

The spec's models are exported by the generated root itself (its list is rendered from the spec).

``import dcs_tasks`` stays cheap (no httpx until a client is built): the package's ``__getattr__``
(PEP 562) imports the module that defines a name when it is first looked up. Type checkers see
the imports below instead.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..client import Client
    from .auth import AkSkAuth, TokenAuth, sign_request_parts
    from .client import DEFAULT_TIMEOUT, AsyncDcsClient, DcsClient
    from .credentials import Credentials, TokenCredentials
    from .errors import (
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        CallTimeoutError,
        ClientClosedError,
        ConfigurationError,
        ConflictError,
        CredentialsError,
        DcsError,
        InternalServerError,
        InvalidArgumentError,
        InvalidTypeError,
        MethodNotAllowedError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        SchemaMismatchError,
        TaskFailedError,
        WaitTimeoutError,
    )
    from .metadata import MetadataCredentials
    from .pagination import AsyncPage, SyncPage
    from .raw import RawResponse
    from .regions import REGIONS
    from .retry import RetryPolicy
    from .timestamps import parse_timestamp, query_time
    from .waiter import LAST_POLL_GRACE, MAX_INTERVAL, MIN_INTERVAL, PollPlanner, PollPolicy, TaskState, task_state

_MODULES = {
    ".lib.auth": ("AkSkAuth", "TokenAuth", "sign_request_parts"),
    ".lib.client": ("DEFAULT_TIMEOUT", "AsyncDcsClient", "DcsClient"),
    ".lib.credentials": ("Credentials", "TokenCredentials"),
    ".lib.errors": (
        "APIConnectionError",
        "APIError",
        "APIResponseValidationError",
        "APIStatusError",
        "APITimeoutError",
        "AuthenticationError",
        "BadRequestError",
        "CallTimeoutError",
        "ClientClosedError",
        "ConfigurationError",
        "ConflictError",
        "CredentialsError",
        "DcsError",
        "InternalServerError",
        "InvalidArgumentError",
        "InvalidTypeError",
        "MethodNotAllowedError",
        "NotFoundError",
        "PermissionDeniedError",
        "RateLimitError",
        "SchemaMismatchError",
        "TaskFailedError",
        "WaitTimeoutError",
    ),
    ".lib.metadata": ("MetadataCredentials",),
    ".lib.pagination": ("AsyncPage", "SyncPage"),
    ".lib.raw": ("RawResponse",),
    ".lib.regions": ("REGIONS",),
    ".lib.retry": ("RetryPolicy",),
    ".lib.timestamps": ("parse_timestamp", "query_time"),
    ".lib.waiter": (
        "LAST_POLL_GRACE",
        "MAX_INTERVAL",
        "MIN_INTERVAL",
        "PollPlanner",
        "PollPolicy",
        "TaskState",
        "task_state",
    ),
    ".client": ("Client",),
}
# Where each name of __all__ is defined (tests check the two agree).
_MODULE_OF = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "DEFAULT_TIMEOUT",
    "LAST_POLL_GRACE",
    "MAX_INTERVAL",
    "MIN_INTERVAL",
    "REGIONS",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AkSkAuth",
    "AsyncDcsClient",
    "AsyncPage",
    "AuthenticationError",
    "BadRequestError",
    "CallTimeoutError",
    "Client",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "Credentials",
    "CredentialsError",
    "DcsClient",
    "DcsError",
    "InternalServerError",
    "InvalidArgumentError",
    "InvalidTypeError",
    "MetadataCredentials",
    "MethodNotAllowedError",
    "NotFoundError",
    "PermissionDeniedError",
    "PollPlanner",
    "PollPolicy",
    "RateLimitError",
    "RawResponse",
    "RetryPolicy",
    "SchemaMismatchError",
    "SyncPage",
    "TaskFailedError",
    "TaskState",
    "TokenAuth",
    "TokenCredentials",
    "WaitTimeoutError",
    "parse_timestamp",
    "query_time",
    "sign_request_parts",
    "task_state",
]


def load(name: str) -> object:
    """The exported object ``name``, importing its module on first use."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'dcs_tasks' has no attribute {name!r}")
    return getattr(importlib.import_module(module, "dcs_tasks"), name)
