# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
"""The operations of the spec as methods of ``DcsClient`` and ``AsyncDcsClient``, one per operation."""

from __future__ import annotations

from ..lib.base import AsyncClientBase, SyncClientBase
from ..models import ShowBackgroundTaskProgressResponse
from .background_tasks import show_background_task_progress


class Operations(SyncClientBase):
    """The spec's operations, sent through the client's signed, retrying transport."""

    def show_background_task_progress(
        self,
        instance_id: str,
        task_id: str,
        *,
        project_id: str | None = None,
    ) -> ShowBackgroundTaskProgressResponse:
        """Show background task progress (``ShowBackgroundTaskProgress``).

        Returns the overall progress of one background task of a DCS instance, the estimated
        remaining time and the status of each step and sub-step.

        IAM action: `dcs:instance:getBackgroundTask`.

        Raises the ``DcsError`` subclass of the failure (``NotFoundError``, ``APIConnectionError``, ...).
        """

        request = show_background_task_progress._get_kwargs(
            project_id=self._project(project_id),
            instance_id=instance_id,
            task_id=task_id,
        )
        return self._send(request, ShowBackgroundTaskProgressResponse)


class AsyncOperations(AsyncClientBase):
    """The spec's operations, awaitable, sent through the client's signed, retrying transport."""

    async def show_background_task_progress(
        self,
        instance_id: str,
        task_id: str,
        *,
        project_id: str | None = None,
    ) -> ShowBackgroundTaskProgressResponse:
        """Show background task progress (``ShowBackgroundTaskProgress``).

        Returns the overall progress of one background task of a DCS instance, the estimated
        remaining time and the status of each step and sub-step.

        IAM action: `dcs:instance:getBackgroundTask`.

        Raises the ``DcsError`` subclass of the failure (``NotFoundError``, ``APIConnectionError``, ...).
        """

        request = show_background_task_progress._get_kwargs(
            project_id=self._project(project_id),
            instance_id=instance_id,
            task_id=task_id,
        )
        return await self._send(request, ShowBackgroundTaskProgressResponse)
