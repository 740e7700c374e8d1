# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
"""The operations of the spec as methods of ``DcsClient`` and ``AsyncDcsClient``, one per operation.

``with_raw_response`` gives the same methods returning ``RawResponse[Model]`` (status, headers,
request ID, ``.parse()``) instead of the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

import httpx

from ..lib.base import AsyncClientBase, SyncClientBase, check_path_parameters
from ..lib.raw import RawResponse
from ..models import ShowBackgroundTaskProgressResponse
from .background_tasks import show_background_task_progress


class Operations(SyncClientBase):
    """The spec's operations, sent through the client's signed, retrying transport."""

    @cached_property
    def with_raw_response(self) -> RawOperations:
        """The same methods, returning the HTTP response (``RawResponse``) with ``.parse()``."""
        return RawOperations(self)

    def show_background_task_progress(
        self,
        instance_id: str,
        task_id: str,
        *,
        project_id: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> ShowBackgroundTaskProgressResponse:
        """Show background task progress (``ShowBackgroundTaskProgress``).

        Returns the overall progress of one background task of a DCS instance, the estimated
        remaining time and the status of each step and sub-step.

        IAM action: `dcs:instance:getBackgroundTask`.

        Raises the ``DcsError`` subclass of the failure (``NotFoundError``, ``APIConnectionError``, ...).
        """

        check_path_parameters(instance_id=instance_id, task_id=task_id)
        request = show_background_task_progress._get_kwargs(
            project_id=self._project(project_id),
            instance_id=instance_id,
            task_id=task_id,
        )
        return self._send(request, ShowBackgroundTaskProgressResponse, extra_headers=extra_headers, timeout=timeout)


class AsyncOperations(AsyncClientBase):
    """The spec's operations, awaitable, sent through the client's signed, retrying transport."""

    @cached_property
    def with_raw_response(self) -> AsyncRawOperations:
        """The same methods, returning the HTTP response (``RawResponse``) with ``.parse()``."""
        return AsyncRawOperations(self)

    async def show_background_task_progress(
        self,
        instance_id: str,
        task_id: str,
        *,
        project_id: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> ShowBackgroundTaskProgressResponse:
        """Show background task progress (``ShowBackgroundTaskProgress``).

        Returns the overall progress of one background task of a DCS instance, the estimated
        remaining time and the status of each step and sub-step.

        IAM action: `dcs:instance:getBackgroundTask`.

        Raises the ``DcsError`` subclass of the failure (``NotFoundError``, ``APIConnectionError``, ...).
        """

        check_path_parameters(instance_id=instance_id, task_id=task_id)
        request = show_background_task_progress._get_kwargs(
            project_id=self._project(project_id),
            instance_id=instance_id,
            task_id=task_id,
        )
        return await self._send(
            request, ShowBackgroundTaskProgressResponse, extra_headers=extra_headers, timeout=timeout
        )


class RawOperations:
    """The spec's operations, answering RawResponse, sent through the client's signed, retrying transport."""

    def __init__(self, client: SyncClientBase) -> None:
        self._client = client

    def show_background_task_progress(
        self,
        instance_id: str,
        task_id: str,
        *,
        project_id: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> RawResponse[ShowBackgroundTaskProgressResponse]:
        """Show background task progress (``ShowBackgroundTaskProgress``).

        Returns the overall progress of one background task of a DCS instance, the estimated
        remaining time and the status of each step and sub-step.

        IAM action: `dcs:instance:getBackgroundTask`.

        Raises the ``DcsError`` subclass of the failure (``NotFoundError``, ``APIConnectionError``, ...).
        """

        check_path_parameters(instance_id=instance_id, task_id=task_id)
        request = show_background_task_progress._get_kwargs(
            project_id=self._client._project(project_id),
            instance_id=instance_id,
            task_id=task_id,
        )
        return self._client._send_raw(
            request, ShowBackgroundTaskProgressResponse, extra_headers=extra_headers, timeout=timeout
        )


class AsyncRawOperations:
    """The spec's operations, awaitable, answering RawResponse, sent through the client's signed, retrying transport."""

    def __init__(self, client: AsyncClientBase) -> None:
        self._client = client

    async def show_background_task_progress(
        self,
        instance_id: str,
        task_id: str,
        *,
        project_id: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> RawResponse[ShowBackgroundTaskProgressResponse]:
        """Show background task progress (``ShowBackgroundTaskProgress``).

        Returns the overall progress of one background task of a DCS instance, the estimated
        remaining time and the status of each step and sub-step.

        IAM action: `dcs:instance:getBackgroundTask`.

        Raises the ``DcsError`` subclass of the failure (``NotFoundError``, ``APIConnectionError``, ...).
        """

        check_path_parameters(instance_id=instance_id, task_id=task_id)
        request = show_background_task_progress._get_kwargs(
            project_id=self._client._project(project_id),
            instance_id=instance_id,
            task_id=task_id,
        )
        return await self._client._send_raw(
            request, ShowBackgroundTaskProgressResponse, extra_headers=extra_headers, timeout=timeout
        )
