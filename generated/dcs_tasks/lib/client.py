"""The entry point: ``DcsClient`` (sync) and ``AsyncDcsClient`` — a ready, signed, retrying client.

Their operation methods (``show_background_task_progress`` …) are generated from the spec into
``dcs_tasks.api``; the transport they share is ``lib/base.py``. Both wrap the generated
``dcs_tasks.Client`` (``.api_client``), so the low-level generated endpoint functions work with
them too. ``wait_for_background_task`` is hand-written here, over ``lib/waiter.py``.
"""

from __future__ import annotations

import time
from typing import Unpack

from ..api import AsyncOperations, Operations
from ..models import ShowBackgroundTaskProgressResponse
from .base import DEFAULT_TIMEOUT
from .waiter import AsyncSleep, Sleep, Waiting, WaitOptions, async_wait, wait

__all__ = ["DEFAULT_TIMEOUT", "AsyncDcsClient", "DcsClient"]


class DcsClient(Operations):
    """A synchronous DCS client.

    ``DcsClient(region="cn-north-4")`` finds its credentials as the vendor SDK does (environment,
    profile file, and the metadata service when ``DCS_METADATA_URL`` is set; see ``config.py``);
    pass ``credentials=Credentials(ak, sk, project_id=...)`` or ``TokenCredentials(token)`` instead,
    or ``endpoint="https://…"`` for another endpoint (e.g. an emulator). ``transport`` replaces
    the network (tests); retries wrap it either way. One method per operation of the spec.
    """

    def wait_for_background_task(
        self, instance_id: str, task_id: str, *, sleep: Sleep = time.sleep, **options: Unpack[WaitOptions]
    ) -> ShowBackgroundTaskProgressResponse:
        """Poll ``show_background_task_progress`` until the task finishes; return that last response.

        Finished means ``progress`` 100 and every step ``FINISH`` (or no steps). Raises
        ``TaskFailedError`` (``failed_steps``, ``error_codes``, ``response``) as soon as a step is
        ``FAILED``, and ``WaitTimeoutError`` (``response``: the last one) when ``timeout`` seconds
        pass first (default ``None``: no limit). With a timeout, the wait returns or raises within
        about ``timeout`` + 1 s whatever the service does: each poll's ``call_timeout`` is what is
        left of the wait (at least ``LAST_POLL_GRACE``, 1 s), so a hanging service ends it with
        ``WaitTimeoutError`` too. Unknown step statuses never end the wait.
        ``project_id`` overrides the client's project, as for ``show_background_task_progress``.

        Polls adapt to the task's ``remain_time``: half of it, between 1 s and 120 s by default
        (``policy=PollPolicy(...)`` changes that; see ``PollPolicy``). ``on_progress`` is called
        with every response. Transient errors are retried by the client as for any call; an error
        that remains is raised. Ctrl-C (``KeyboardInterrupt``) stops the wait. ``clock``
        (monotonic seconds, default ``time.monotonic``) and ``sleep`` can be replaced, e.g. by a
        fake clock in tests.
        """
        waiting = Waiting.start(task_id, options)
        project_id = options.get("project_id")

        def fetch(budget: float | None) -> ShowBackgroundTaskProgressResponse:
            return self.show_background_task_progress(instance_id, task_id, project_id=project_id, call_timeout=budget)

        return wait(fetch, waiting, sleep)


class AsyncDcsClient(AsyncOperations):
    """The asynchronous twin of ``DcsClient`` (same arguments; ``transport`` is an async one)."""

    async def wait_for_background_task(
        self, instance_id: str, task_id: str, *, sleep: AsyncSleep | None = None, **options: Unpack[WaitOptions]
    ) -> ShowBackgroundTaskProgressResponse:
        """``DcsClient.wait_for_background_task``, awaitable; ``sleep`` defaults to ``asyncio.sleep``.

        Cancelling the awaiting task (``asyncio.timeout``, ``task.cancel()``) stops the wait at its
        current request or sleep.
        """
        if sleep is None:
            import asyncio  # noqa: PLC0415 - only here: the sync client must not load asyncio

            sleep = asyncio.sleep
        waiting = Waiting.start(task_id, options)
        project_id = options.get("project_id")

        async def fetch(budget: float | None) -> ShowBackgroundTaskProgressResponse:
            return await self.show_background_task_progress(
                instance_id, task_id, project_id=project_id, call_timeout=budget
            )

        return await async_wait(fetch, waiting, sleep)
