# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
"""The operations of the spec as methods of ``DcsClient`` and ``AsyncDcsClient``, one per operation.

``with_raw_response`` gives the same methods returning ``RawResponse[Model]`` (status, headers,
request ID, ``.parse()``) instead of the model.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from functools import cached_property

import httpx

from ..lib.base import AsyncClientBase, SyncClientBase, check_path_parameters
from ..lib.pagination import AsyncPage, SyncPage
from ..lib.raw import async_to_raw_response_wrapper, to_raw_response_wrapper
from ..models import (
    BackgroundTask,
    DeleteBackgroundTaskResponse,
    ListBackgroundTaskResponse,
    ShowBackgroundTaskProgressResponse,
)
from .background_tasks import delete_background_task, list_background_task, show_background_task_progress


class Operations(SyncClientBase):
    """The spec's operations, sent through the client's signed, retrying transport."""

    @cached_property
    def with_raw_response(self) -> RawOperations:
        """The same methods, returning the HTTP response (``RawResponse``) with ``.parse()``."""
        return RawOperations(self)

    def list_background_task(
        self,
        instance_id: str,
        *,
        offset: int | None = None,
        limit: int | None = None,
        start_time: datetime.datetime | None = None,
        end_time: datetime.datetime | None = None,
        project_id: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
        call_timeout: float | None = None,
    ) -> SyncPage[ListBackgroundTaskResponse, BackgroundTask]:
        """List background tasks (``ListBackgroundTask``).

        Lists the background tasks of a DCS instance, a page at a time (`offset`, `limit`),
        optionally only those created inside a time window (`start_time`, `end_time`, both UTC).
        `task_count` is the number of tasks matching the window, over all pages.

        IAM action: `dcs:instance:getBackgroundTask`.

        Returns the first page; iterating it yields the items of every page, fetching each when reached.

        Raises the ``DcsError`` subclass of the failure (``NotFoundError``, ``APIConnectionError``, ...).
        """

        check_path_parameters(instance_id=instance_id)
        project = self._project(project_id)

        def fetch(offset: int | None) -> ListBackgroundTaskResponse:
            # Every page is the same request but for its offset.
            request = list_background_task._get_kwargs(
                project_id=project,
                instance_id=instance_id,
                offset=offset,
                limit=limit,
                start_time=start_time,
                end_time=end_time,
            )
            return self._send(
                request,
                ListBackgroundTaskResponse,
                extra_headers=extra_headers,
                timeout=timeout,
                call_timeout=call_timeout,
            )

        return SyncPage(
            fetch,
            offset,
            limit,
            items=lambda page: page.tasks,
            total=lambda page: page.task_count,
        )

    def show_background_task_progress(
        self,
        instance_id: str,
        task_id: str,
        *,
        project_id: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
        call_timeout: float | None = None,
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
        return self._send(
            request,
            ShowBackgroundTaskProgressResponse,
            extra_headers=extra_headers,
            timeout=timeout,
            call_timeout=call_timeout,
        )

    def delete_background_task(
        self,
        instance_id: str,
        task_id: str,
        *,
        project_id: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
        call_timeout: float | None = None,
    ) -> DeleteBackgroundTaskResponse:
        """Delete a background task (``DeleteBackgroundTask``).

        Deletes the record of one background task of a DCS instance. Afterwards the task is no
        longer listed and its progress answers 404.

        Deleting a task that has not finished (`CREATED`, `WAITING`, `EXECUTING`) is not
        documented by the service. Assumed here (and by the emulator), not promised: the record
        is deleted whatever the task's status, and the operation itself is not cancelled. Do not
        rely on either behaviour.

        IAM action: `dcs:instance:deleteBackgroundTask`.

        Raises the ``DcsError`` subclass of the failure (``NotFoundError``, ``APIConnectionError``, ...).
        """

        check_path_parameters(instance_id=instance_id, task_id=task_id)
        request = delete_background_task._get_kwargs(
            project_id=self._project(project_id),
            instance_id=instance_id,
            task_id=task_id,
        )
        return self._send(
            request,
            DeleteBackgroundTaskResponse,
            extra_headers=extra_headers,
            timeout=timeout,
            call_timeout=call_timeout,
        )


class RawOperations:
    """``DcsClient.with_raw_response``: each operation answering ``RawResponse[Model]`` (a list operation: its first page)."""

    def __init__(self, client: Operations) -> None:
        self.list_background_task = to_raw_response_wrapper(client.list_background_task, ListBackgroundTaskResponse)
        self.show_background_task_progress = to_raw_response_wrapper(
            client.show_background_task_progress, ShowBackgroundTaskProgressResponse
        )
        self.delete_background_task = to_raw_response_wrapper(
            client.delete_background_task, DeleteBackgroundTaskResponse
        )


class AsyncOperations(AsyncClientBase):
    """The spec's operations, awaitable, sent through the client's signed, retrying transport."""

    @cached_property
    def with_raw_response(self) -> AsyncRawOperations:
        """The same methods, returning the HTTP response (``RawResponse``) with ``.parse()``."""
        return AsyncRawOperations(self)

    async def list_background_task(
        self,
        instance_id: str,
        *,
        offset: int | None = None,
        limit: int | None = None,
        start_time: datetime.datetime | None = None,
        end_time: datetime.datetime | None = None,
        project_id: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
        call_timeout: float | None = None,
    ) -> AsyncPage[ListBackgroundTaskResponse, BackgroundTask]:
        """List background tasks (``ListBackgroundTask``).

        Lists the background tasks of a DCS instance, a page at a time (`offset`, `limit`),
        optionally only those created inside a time window (`start_time`, `end_time`, both UTC).
        `task_count` is the number of tasks matching the window, over all pages.

        IAM action: `dcs:instance:getBackgroundTask`.

        Returns the first page; iterating it yields the items of every page, fetching each when reached.

        Raises the ``DcsError`` subclass of the failure (``NotFoundError``, ``APIConnectionError``, ...).
        """

        check_path_parameters(instance_id=instance_id)
        project = self._project(project_id)

        async def fetch(offset: int | None) -> ListBackgroundTaskResponse:
            # Every page is the same request but for its offset.
            request = list_background_task._get_kwargs(
                project_id=project,
                instance_id=instance_id,
                offset=offset,
                limit=limit,
                start_time=start_time,
                end_time=end_time,
            )
            return await self._send(
                request,
                ListBackgroundTaskResponse,
                extra_headers=extra_headers,
                timeout=timeout,
                call_timeout=call_timeout,
            )

        return await AsyncPage.first(
            fetch,
            offset,
            limit,
            items=lambda page: page.tasks,
            total=lambda page: page.task_count,
        )

    async def show_background_task_progress(
        self,
        instance_id: str,
        task_id: str,
        *,
        project_id: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
        call_timeout: float | None = None,
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
            request,
            ShowBackgroundTaskProgressResponse,
            extra_headers=extra_headers,
            timeout=timeout,
            call_timeout=call_timeout,
        )

    async def delete_background_task(
        self,
        instance_id: str,
        task_id: str,
        *,
        project_id: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
        call_timeout: float | None = None,
    ) -> DeleteBackgroundTaskResponse:
        """Delete a background task (``DeleteBackgroundTask``).

        Deletes the record of one background task of a DCS instance. Afterwards the task is no
        longer listed and its progress answers 404.

        Deleting a task that has not finished (`CREATED`, `WAITING`, `EXECUTING`) is not
        documented by the service. Assumed here (and by the emulator), not promised: the record
        is deleted whatever the task's status, and the operation itself is not cancelled. Do not
        rely on either behaviour.

        IAM action: `dcs:instance:deleteBackgroundTask`.

        Raises the ``DcsError`` subclass of the failure (``NotFoundError``, ``APIConnectionError``, ...).
        """

        check_path_parameters(instance_id=instance_id, task_id=task_id)
        request = delete_background_task._get_kwargs(
            project_id=self._project(project_id),
            instance_id=instance_id,
            task_id=task_id,
        )
        return await self._send(
            request,
            DeleteBackgroundTaskResponse,
            extra_headers=extra_headers,
            timeout=timeout,
            call_timeout=call_timeout,
        )


class AsyncRawOperations:
    """``AsyncDcsClient.with_raw_response``: each operation answering ``RawResponse[Model]`` (a list operation: its first page)."""

    def __init__(self, client: AsyncOperations) -> None:
        self.list_background_task = async_to_raw_response_wrapper(
            client.list_background_task, ListBackgroundTaskResponse
        )
        self.show_background_task_progress = async_to_raw_response_wrapper(
            client.show_background_task_progress, ShowBackgroundTaskProgressResponse
        )
        self.delete_background_task = async_to_raw_response_wrapper(
            client.delete_background_task, DeleteBackgroundTaskResponse
        )
