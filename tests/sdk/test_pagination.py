"""List operations auto-paginate (sync and async, as openai-python's pages do), send their time
window in the service's form, and refuse naive datetimes; a delete answered 204 without content or 200 with
its body parses."""

from __future__ import annotations

import asyncio
import datetime
import json
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from dcs_tasks import (
    AsyncDcsClient,
    AsyncPage,
    BackgroundTask,
    Credentials,
    DcsClient,
    DeleteBackgroundTaskResponse,
    ListBackgroundTaskResponse,
    NotFoundError,
    RetryPolicy,
    SyncPage,
    TaskStatus,
    query_time,
)
from dcs_tasks.api.background_tasks import delete_background_task
from dcs_tasks.client import Client

CREDENTIALS = Credentials("AKEXAMPLE", "SKEXAMPLE", project_id="a4d31cb63d724fdc8ec96e3a41e47f71")
INSTANCE = "5560df16-cebf-4473-95c4-d1b573c16e79"
IDS = [f"{n:032x}" for n in range(7)]


class Service:
    """A stub of ListBackgroundTask over seven tasks, recording each request's query."""

    def __init__(self, *, count: Callable[[int], object] = str, default_limit: int = 3) -> None:
        self.count = count
        self.default_limit = default_limit
        self.queries: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        query = {name: values[0] for name, values in parse_qs(urlsplit(str(request.url)).query).items()}
        self.queries.append(query)
        if request.method == "DELETE":
            return httpx.Response(204) if request.url.path.endswith(IDS[0]) else httpx.Response(404, json={})
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", self.default_limit))
        tasks = [{"id": task_id, "status": "SUCCESS" if n % 2 else "PAUSED"} for n, task_id in enumerate(IDS)]
        body: dict[str, object] = {"tasks": tasks[offset : offset + limit]}
        if self.count is not None:
            body["task_count"] = self.count(len(IDS))
        return httpx.Response(200, json=body)


def options(_service: Service) -> dict[str, object]:
    return {"credentials": CREDENTIALS, "retry_policy": RetryPolicy(max_retries=0), "endpoint": "https://dcs.test"}


def sync_client(service: Service) -> DcsClient:
    return DcsClient(transport=httpx.MockTransport(service), **options(service))  # type: ignore[arg-type]


def async_client(service: Service) -> AsyncDcsClient:
    return AsyncDcsClient(transport=httpx.MockTransport(service), **options(service))  # type: ignore[arg-type]


@pytest.mark.parametrize("count", [str, int], ids=["task_count string", "task_count number"])
def test_iterating_a_page_fetches_the_later_pages(count: Callable[[int], object]) -> None:
    service = Service(count=count)
    with sync_client(service) as client:
        page = client.list_background_task(INSTANCE, limit=3)
        assert isinstance(page, SyncPage)
        assert isinstance(page.response, ListBackgroundTaskResponse)
        assert page.total == 7
        assert [task.id for task in page.data] == IDS[:3]
        assert len(service.queries) == 1, "only the first page is fetched by the call"
        tasks = list(page)
    assert all(isinstance(task, BackgroundTask) for task in tasks)
    assert [task.id for task in tasks] == IDS
    offsets = [q.get("offset", "0") for q in service.queries]
    assert offsets == ["0", "3", "6"], "no page fetched twice, none past the total"
    assert {q["limit"] for q in service.queries} == {"3"}
    assert tasks[1].status is TaskStatus.SUCCESS
    assert tasks[0].status == "PAUSED", "an undocumented status is kept as a string"


def test_pages_one_by_one_and_from_an_offset() -> None:
    service = Service()
    with sync_client(service) as client:
        pages = list(client.list_background_task(INSTANCE, offset=2, limit=2).iter_pages())
    assert [[task.id for task in page.data] for page in pages] == [IDS[2:4], IDS[4:6], IDS[6:]]
    assert not pages[-1].has_next_page()
    with pytest.raises(StopIteration):
        pages[-1].get_next_page()


def test_without_a_total_a_short_or_empty_page_ends_the_listing() -> None:
    service = Service(count=None)  # type: ignore[arg-type]  # the service leaves task_count out
    with sync_client(service) as client:
        assert [task.id for task in client.list_background_task(INSTANCE, limit=3)] == IDS
        assert [q.get("offset", "0") for q in service.queries] == ["0", "3", "6"]
        service.queries.clear()
        assert len(list(client.list_background_task(INSTANCE))) == 7  # server's own page size: until empty
        assert [q.get("offset", "0") for q in service.queries] == ["0", "3", "6", "7"]


def test_async_pages_iterate_the_same_way() -> None:
    service = Service(count=int)

    async def main() -> tuple[AsyncPage[ListBackgroundTaskResponse, BackgroundTask], list[str | None]]:
        async with async_client(service) as client:
            page = await client.list_background_task(INSTANCE, limit=3)
            return page, [task.id async for task in page]

    page, ids = asyncio.run(main())
    assert isinstance(page, AsyncPage)
    assert [task.id for task in page.data] == IDS[:3]
    assert ids == IDS
    assert [q.get("offset", "0") for q in service.queries] == ["0", "3", "6"]


def test_the_raw_variant_answers_the_first_page() -> None:
    service = Service()
    with sync_client(service) as client:
        raw = client.with_raw_response.list_background_task(INSTANCE, limit=2)
    assert raw.status_code == 200
    assert [task.id for task in raw.parse().tasks or []] == IDS[:2]
    assert len(service.queries) == 1


def test_time_filters_take_aware_datetimes_and_send_the_service_form() -> None:
    service = Service()
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    with sync_client(service) as client:
        client.list_background_task(
            INSTANCE,
            start_time=datetime.datetime(2020, 6, 10, 0, 0, 0, tzinfo=beijing),
            end_time=datetime.datetime(2020, 6, 9, 16, 30, 5, 999999, tzinfo=datetime.UTC),
        )
    assert service.queries == [{"start_time": "20200609160000", "end_time": "20200609163005"}]


@pytest.mark.parametrize("argument", ["start_time", "end_time"])
def test_a_naive_datetime_is_refused_before_anything_is_sent(argument: str) -> None:
    service = Service()
    naive = datetime.datetime(2020, 6, 9, 16, 0, 0)  # noqa: DTZ001 - the mistake under test
    with sync_client(service) as client, pytest.raises(ValueError, match="naive"):
        client.list_background_task(INSTANCE, **{argument: naive})  # type: ignore[arg-type]
    assert service.queries == []
    with pytest.raises(ValueError, match="naive"):
        query_time(naive)


def test_a_delete_answered_204_without_a_body_parses_and_404_raises() -> None:
    service = Service()
    with sync_client(service) as client:
        deleted = client.delete_background_task(INSTANCE, IDS[0])
        assert isinstance(deleted, DeleteBackgroundTaskResponse)
        assert deleted.message is None
        with pytest.raises(NotFoundError):
            client.delete_background_task(INSTANCE, IDS[1])


def _deletion(request: httpx.Request) -> httpx.Response:
    """204 with no content for the first task (RFC 9110), 200 with the documented body for the second."""
    if request.url.path.endswith(IDS[0]):
        return httpx.Response(204, headers={"X-Request-Id": "r204"})
    return httpx.Response(200, json={"message": ""}, headers={"X-Request-Id": "r200"})


def test_both_documented_delete_answers_parse_in_every_client() -> None:
    """The spec documents 200 with `{"message": ""}` and 204 with no content: the clients, their raw variants
    and the generated low-level module take either."""
    service = Service()  # its options only: `_deletion` answers
    with DcsClient(transport=httpx.MockTransport(_deletion), **options(service)) as client:  # type: ignore[arg-type]
        empty, body = client.delete_background_task(INSTANCE, IDS[0]), client.delete_background_task(INSTANCE, IDS[1])
        raw = client.with_raw_response.delete_background_task(INSTANCE, IDS[0])
        assert (raw.status_code, raw.parse().message) == (204, None)
    assert (empty.message, body.message) == (None, "")

    async def both() -> list[str | None]:
        async with AsyncDcsClient(transport=httpx.MockTransport(_deletion), **options(service)) as client:  # type: ignore[arg-type]
            return [(await client.delete_background_task(INSTANCE, task)).message for task in IDS[:2]]

    assert asyncio.run(both()) == [None, ""]
    low_level = Client(base_url="https://dcs.test", httpx_args={"transport": httpx.MockTransport(_deletion)})
    answers = [delete_background_task.sync_detailed("p", INSTANCE, task, client=low_level) for task in IDS[:2]]
    assert [(answer.status_code, answer.content) for answer in answers] == [(204, b""), (200, b'{"message":""}')]
    assert answers[0].parsed is None
    assert answers[1].parsed == DeleteBackgroundTaskResponse(message="")


def test_the_documented_examples_parse_with_either_task_count(spec: dict[str, object]) -> None:
    path = spec["paths"]["/v2/{project_id}/instances/{instance_id}/tasks"]  # type: ignore[index]
    examples = path["get"]["responses"]["200"]["content"]["application/json"]["examples"]
    counts = {
        name: ListBackgroundTaskResponse.from_dict(json.loads(json.dumps(e["value"]))).task_count
        for name, e in examples.items()
    }
    assert counts == {"documented": "1", "numericCount": 2}
