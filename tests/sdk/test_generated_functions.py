"""The generated low-level functions (reached through ``client.api_client``) fail with typed errors too.

Upstream's ``_build_response`` calls ``HTTPStatus(status)`` and ``response.json()`` unguarded; the
endpoint template override routes both through ``dcs_tasks.lib.responses``.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from dcs_tasks import (
    APIResponseValidationError,
    Client,
    InternalServerError,
    ShowBackgroundTaskProgressResponse,
)
from dcs_tasks.api.background_tasks import show_background_task_progress
from dcs_tasks.models import Error

from .conftest import example_200

IDS = {
    "project_id": "a4d31cb63d724fdc8ec96e3a41e47f71",
    "instance_id": "5560df16-cebf-4473-95c4-d1b573c16e79",
    "task_id": "8abf6e1e72c12e7c0172c15b508500aa",
}


def client_answering(response: httpx.Response) -> Client:
    client = Client(base_url="https://dcs.example.invalid")
    client.set_httpx_client(httpx.Client(base_url=client._base_url, transport=httpx.MockTransport(lambda _: response)))
    client.set_async_httpx_client(
        httpx.AsyncClient(base_url=client._base_url, transport=httpx.MockTransport(lambda _: response))
    )
    return client


def test_documented_answers_parse_as_before() -> None:
    ok = show_background_task_progress.sync_detailed(
        client=client_answering(httpx.Response(200, json=example_200())), **IDS
    )
    assert ok.status_code == 200
    assert isinstance(ok.parsed, ShowBackgroundTaskProgressResponse)
    assert ok.parsed.progress == 30
    missing = show_background_task_progress.sync(
        client=client_answering(httpx.Response(404, json={"error_code": "DCS.3022", "error_msg": "gone"})), **IDS
    )
    assert isinstance(missing, Error)
    assert missing.error_code == "DCS.3022"


def test_a_non_standard_status_is_a_typed_error_not_a_value_error() -> None:
    response = httpx.Response(520, text="origin error", headers={"X-Request-Id": "r-520"})
    with pytest.raises(InternalServerError) as raised:
        show_background_task_progress.sync_detailed(client=client_answering(response), **IDS)
    assert raised.value.status_code == 520
    assert raised.value.request_id == "r-520"
    assert "520" in str(raised.value)


def test_a_non_json_error_body_is_a_typed_validation_error() -> None:
    response = httpx.Response(404, text="<html>not found</html>")
    with pytest.raises(APIResponseValidationError, match="not JSON"):
        show_background_task_progress.sync(client=client_answering(response), **IDS)


def test_a_body_off_the_schema_names_the_field_in_the_async_path_too() -> None:
    body = example_200()
    body["step_details"][1]["begin_time"] = 17
    response = httpx.Response(200, json=body)
    with pytest.raises(APIResponseValidationError, match=r"step_details\[1\]\.begin_time"):
        asyncio.run(show_background_task_progress.asyncio(client=client_answering(response), **IDS))
