"""The entry point: ``DcsClient`` (sync) and ``AsyncDcsClient`` — a ready, signed, retrying client.

Their operation methods (``show_background_task_progress`` …) are generated from the spec into
``dcs_sdk.api``; the transport they share is ``lib/base.py``. Both wrap the generated
``dcs_sdk.Client`` (``.api_client``), so the low-level generated endpoint functions work with
them too.
"""

from __future__ import annotations

from ..api import AsyncOperations, Operations
from .base import DEFAULT_TIMEOUT

__all__ = ["DEFAULT_TIMEOUT", "AsyncDcsClient", "DcsClient"]


class DcsClient(Operations):
    """A synchronous DCS client.

    ``DcsClient(region="cn-north-4")`` reads AK/SK from the environment; pass
    ``credentials=Credentials(ak, sk, project_id=...)`` or ``TokenCredentials(token)`` instead,
    or ``endpoint="https://…"`` for another endpoint (e.g. an emulator). ``transport`` replaces
    the network (tests); retries wrap it either way. One method per operation of the spec.
    """


class AsyncDcsClient(AsyncOperations):
    """The asynchronous twin of ``DcsClient`` (same arguments; ``transport`` is an async one)."""
