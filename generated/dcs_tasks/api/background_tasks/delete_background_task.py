# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...lib.responses import http_status, parse_or_raise
from ...models.delete_background_task_response import DeleteBackgroundTaskResponse
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    project_id: str,
    instance_id: str,
    task_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v2/{project_id}/instances/{instance_id}/tasks/{task_id}".format(
            project_id=quote(str(project_id), safe=""),
            instance_id=quote(str(instance_id), safe=""),
            task_id=quote(str(task_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | DeleteBackgroundTaskResponse | Error | None:
    if response.status_code == 200:
        response_200 = DeleteBackgroundTaskResponse.from_dict(response.json())

        return response_200

    if response.status_code == 204:
        response_204 = None

        return response_204

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
) -> Response[Any | DeleteBackgroundTaskResponse | Error]:
    return Response(
        status_code=http_status(response),
        content=response.content,
        headers=response.headers,
        parsed=parse_or_raise(response, lambda: _parse_response(client=client, response=response)),
    )


def sync_detailed(
    project_id: str,
    instance_id: str,
    task_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | DeleteBackgroundTaskResponse | Error]:
    """Delete a background task

     Deletes the record of one background task of a DCS instance. Afterwards the task is no
    longer listed and its progress answers 404.

    Deleting a task that has not finished (`CREATED`, `WAITING`, `EXECUTING`) is not
    documented by the service. Assumed here (and by the emulator), not promised: the record
    is deleted whatever the task's status, and the operation itself is not cancelled. Do not
    rely on either behaviour.

    IAM action: `dcs:instance:deleteBackgroundTask`.

    Args:
        project_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.
        instance_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.
        task_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | DeleteBackgroundTaskResponse | Error]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        instance_id=instance_id,
        task_id=task_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    instance_id: str,
    task_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | DeleteBackgroundTaskResponse | Error | None:
    """Delete a background task

     Deletes the record of one background task of a DCS instance. Afterwards the task is no
    longer listed and its progress answers 404.

    Deleting a task that has not finished (`CREATED`, `WAITING`, `EXECUTING`) is not
    documented by the service. Assumed here (and by the emulator), not promised: the record
    is deleted whatever the task's status, and the operation itself is not cancelled. Do not
    rely on either behaviour.

    IAM action: `dcs:instance:deleteBackgroundTask`.

    Args:
        project_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.
        instance_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.
        task_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | DeleteBackgroundTaskResponse | Error
    """

    return sync_detailed(
        project_id=project_id,
        instance_id=instance_id,
        task_id=task_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    instance_id: str,
    task_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | DeleteBackgroundTaskResponse | Error]:
    """Delete a background task

     Deletes the record of one background task of a DCS instance. Afterwards the task is no
    longer listed and its progress answers 404.

    Deleting a task that has not finished (`CREATED`, `WAITING`, `EXECUTING`) is not
    documented by the service. Assumed here (and by the emulator), not promised: the record
    is deleted whatever the task's status, and the operation itself is not cancelled. Do not
    rely on either behaviour.

    IAM action: `dcs:instance:deleteBackgroundTask`.

    Args:
        project_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.
        instance_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.
        task_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | DeleteBackgroundTaskResponse | Error]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        instance_id=instance_id,
        task_id=task_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    instance_id: str,
    task_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | DeleteBackgroundTaskResponse | Error | None:
    """Delete a background task

     Deletes the record of one background task of a DCS instance. Afterwards the task is no
    longer listed and its progress answers 404.

    Deleting a task that has not finished (`CREATED`, `WAITING`, `EXECUTING`) is not
    documented by the service. Assumed here (and by the emulator), not promised: the record
    is deleted whatever the task's status, and the operation itself is not cancelled. Do not
    rely on either behaviour.

    IAM action: `dcs:instance:deleteBackgroundTask`.

    Args:
        project_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.
        instance_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.
        task_id (str): A DCS resource ID, either 32 hexadecimal digits or a 36-character UUID.
            Example: 8abf6e1e72c12e7c0172c15b508500aa.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | DeleteBackgroundTaskResponse | Error
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            instance_id=instance_id,
            task_id=task_id,
            client=client,
        )
    ).parsed
