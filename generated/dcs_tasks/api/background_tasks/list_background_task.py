# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
import datetime
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...lib.responses import http_status, parse_or_raise
from ...lib.timestamps import query_time
from ...models.error import Error
from ...models.list_background_task_response import ListBackgroundTaskResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    instance_id: str,
    *,
    offset: int | Unset = 0,
    limit: int | Unset = UNSET,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["offset"] = offset

    params["limit"] = limit

    params["start_time"] = (
        UNSET if start_time is None or isinstance(start_time, Unset) else query_time(start_time, "start_time")
    )
    params["end_time"] = UNSET if end_time is None or isinstance(end_time, Unset) else query_time(end_time, "end_time")

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v2/{project_id}/instances/{instance_id}/tasks".format(
            project_id=quote(str(project_id), safe=""),
            instance_id=quote(str(instance_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ListBackgroundTaskResponse | None:
    if response.status_code == 200:
        response_200 = ListBackgroundTaskResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | ListBackgroundTaskResponse]:
    return Response(
        status_code=http_status(response),
        content=response.content,
        headers=response.headers,
        parsed=parse_or_raise(response, lambda: _parse_response(client=client, response=response)),
    )


def sync_detailed(
    project_id: str,
    instance_id: str,
    *,
    client: AuthenticatedClient | Client,
    offset: int | Unset = 0,
    limit: int | Unset = UNSET,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
) -> Response[Error | ListBackgroundTaskResponse]:
    """List background tasks

     Lists the background tasks of a DCS instance, a page at a time (`offset`, `limit`),
    optionally only those created inside a time window (`start_time`, `end_time`, both UTC).
    `task_count` is the number of tasks matching the window, over all pages.

    IAM action: `dcs:instance:getBackgroundTask`.

    Args:
        project_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.
        instance_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.
        offset (int | Unset):  Default: 0.
        limit (int | Unset):
        start_time (datetime.datetime | Unset): An instant in UTC written `yyyyMMddHHmmss`, for
            example `20200609160000`. Example: 20200609160000.
        end_time (datetime.datetime | Unset): An instant in UTC written `yyyyMMddHHmmss`, for
            example `20200609160000`. Example: 20200609160000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ListBackgroundTaskResponse]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        instance_id=instance_id,
        offset=offset,
        limit=limit,
        start_time=start_time,
        end_time=end_time,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    instance_id: str,
    *,
    client: AuthenticatedClient | Client,
    offset: int | Unset = 0,
    limit: int | Unset = UNSET,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
) -> Error | ListBackgroundTaskResponse | None:
    """List background tasks

     Lists the background tasks of a DCS instance, a page at a time (`offset`, `limit`),
    optionally only those created inside a time window (`start_time`, `end_time`, both UTC).
    `task_count` is the number of tasks matching the window, over all pages.

    IAM action: `dcs:instance:getBackgroundTask`.

    Args:
        project_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.
        instance_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.
        offset (int | Unset):  Default: 0.
        limit (int | Unset):
        start_time (datetime.datetime | Unset): An instant in UTC written `yyyyMMddHHmmss`, for
            example `20200609160000`. Example: 20200609160000.
        end_time (datetime.datetime | Unset): An instant in UTC written `yyyyMMddHHmmss`, for
            example `20200609160000`. Example: 20200609160000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ListBackgroundTaskResponse
    """

    return sync_detailed(
        project_id=project_id,
        instance_id=instance_id,
        client=client,
        offset=offset,
        limit=limit,
        start_time=start_time,
        end_time=end_time,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    instance_id: str,
    *,
    client: AuthenticatedClient | Client,
    offset: int | Unset = 0,
    limit: int | Unset = UNSET,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
) -> Response[Error | ListBackgroundTaskResponse]:
    """List background tasks

     Lists the background tasks of a DCS instance, a page at a time (`offset`, `limit`),
    optionally only those created inside a time window (`start_time`, `end_time`, both UTC).
    `task_count` is the number of tasks matching the window, over all pages.

    IAM action: `dcs:instance:getBackgroundTask`.

    Args:
        project_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.
        instance_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.
        offset (int | Unset):  Default: 0.
        limit (int | Unset):
        start_time (datetime.datetime | Unset): An instant in UTC written `yyyyMMddHHmmss`, for
            example `20200609160000`. Example: 20200609160000.
        end_time (datetime.datetime | Unset): An instant in UTC written `yyyyMMddHHmmss`, for
            example `20200609160000`. Example: 20200609160000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ListBackgroundTaskResponse]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        instance_id=instance_id,
        offset=offset,
        limit=limit,
        start_time=start_time,
        end_time=end_time,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    instance_id: str,
    *,
    client: AuthenticatedClient | Client,
    offset: int | Unset = 0,
    limit: int | Unset = UNSET,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
) -> Error | ListBackgroundTaskResponse | None:
    """List background tasks

     Lists the background tasks of a DCS instance, a page at a time (`offset`, `limit`),
    optionally only those created inside a time window (`start_time`, `end_time`, both UTC).
    `task_count` is the number of tasks matching the window, over all pages.

    IAM action: `dcs:instance:getBackgroundTask`.

    Args:
        project_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.
        instance_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.
        offset (int | Unset):  Default: 0.
        limit (int | Unset):
        start_time (datetime.datetime | Unset): An instant in UTC written `yyyyMMddHHmmss`, for
            example `20200609160000`. Example: 20200609160000.
        end_time (datetime.datetime | Unset): An instant in UTC written `yyyyMMddHHmmss`, for
            example `20200609160000`. Example: 20200609160000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ListBackgroundTaskResponse
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            instance_id=instance_id,
            client=client,
            offset=offset,
            limit=limit,
            start_time=start_time,
            end_time=end_time,
        )
    ).parsed
