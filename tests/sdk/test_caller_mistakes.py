"""Every caller's mistake the SDK can see raises a ``DcsError`` before anything is sent.

Each also is a ``ValueError`` (a wrong value) or a ``TypeError`` (a wrong type), so ``except``
clauses written for either keep working; the message names the argument or variable.
"""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Callable

import httpx
import pytest
from dcs_tasks import (
    AsyncDcsClient,
    ClientClosedError,
    ConfigurationError,
    Credentials,
    CredentialsError,
    DcsClient,
    DcsError,
    InvalidArgumentError,
    InvalidTypeError,
    MetadataCredentials,
    PollPolicy,
    RetryPolicy,
    TokenCredentials,
)

from .conftest import CREDENTIALS, INSTANCE, TASK

SENT: list[httpx.Request] = []


def client(**options: object) -> DcsClient:
    def record(request: httpx.Request) -> httpx.Response:
        SENT.append(request)
        return httpx.Response(200, json={"progress": 1})

    settings: dict[str, object] = {"credentials": CREDENTIALS, **options}
    return DcsClient(transport=httpx.MockTransport(record), **settings)  # type: ignore[arg-type]


def naive() -> datetime.datetime:
    return datetime.datetime(2024, 5, 1, 10, 0)  # noqa: DTZ001 - no tzinfo: the mistake under test


def with_env(name: str, value: str, *, explicit: bool = True) -> Callable[[pytest.MonkeyPatch], object]:
    """A client built with ``name=value`` in the environment (and explicit credentials unless told not)."""

    def build(monkeypatch: pytest.MonkeyPatch) -> object:
        monkeypatch.setenv(name, value)
        return DcsClient(credentials=CREDENTIALS) if explicit else DcsClient()

    return build


# (the mistake, the expected error class, the builtin it also is, words of the message), by what the caller did
MISTAKES = [
    pytest.param(
        lambda _: client(region="cn-nort-4"), ConfigurationError, ValueError, "did you mean", id="region typo"
    ),
    pytest.param(lambda _: client(region=4), ConfigurationError, ValueError, "region=", id="region not a str"),
    pytest.param(
        lambda _: client(region="cn-north-4", endpoint="https://x"),
        ConfigurationError,
        ValueError,
        "not both",
        id="region and endpoint",
    ),
    pytest.param(
        lambda _: client(endpoint="dcs.example.com"),
        ConfigurationError,
        ValueError,
        "endpoint=",
        id="endpoint without scheme",
    ),
    pytest.param(
        with_env("DCS_REGION", "cn-nort-4"), ConfigurationError, ValueError, "from DCS_REGION", id="DCS_REGION typo"
    ),
    pytest.param(
        with_env("DCS_ENDPOINT", "127.0.0.1:8080"),
        ConfigurationError,
        ValueError,
        "DCS_ENDPOINT",
        id="DCS_ENDPOINT not a URL",
    ),
    pytest.param(
        with_env("DCS_METADATA_URL", "169.254.169.254", explicit=False),
        ConfigurationError,
        ValueError,
        "DCS_METADATA_URL",
        id="DCS_METADATA_URL not a URL",
    ),
    pytest.param(
        lambda _: client(http_client=httpx.Client()),
        ConfigurationError,
        ValueError,
        "not both",
        id="http_client and transport",
    ),
    pytest.param(lambda _: client(timeout=-1), InvalidArgumentError, ValueError, "timeout", id="negative timeout"),
    pytest.param(lambda _: client(timeout="5"), InvalidTypeError, TypeError, "timeout", id="timeout as text"),
    pytest.param(
        lambda _: client(call_timeout=0), InvalidArgumentError, ValueError, "call_timeout", id="zero call_timeout"
    ),
    pytest.param(
        lambda _: client(call_timeout="2"), InvalidTypeError, TypeError, "call_timeout", id="call_timeout as text"
    ),
    pytest.param(
        lambda _: client(credentials=("ak", "sk")),
        InvalidTypeError,
        TypeError,
        "credentials=",
        id="credentials of another type",
    ),
    pytest.param(lambda _: Credentials("", "sk"), CredentialsError, ValueError, "access_key", id="empty access key"),
    pytest.param(lambda _: TokenCredentials("  "), CredentialsError, ValueError, "token", id="blank token"),
    pytest.param(
        lambda _: client(project_id=""), InvalidArgumentError, ValueError, "project_id=", id="empty project_id"
    ),
    pytest.param(lambda _: DcsClient(), CredentialsError, ValueError, "Looked at", id="no credentials anywhere"),
    pytest.param(
        with_env("CLOUD_SDK_AK", "ak", explicit=False),
        CredentialsError,
        ValueError,
        "CLOUD_SDK_SK is not set",
        id="half a key pair",
    ),
    pytest.param(
        lambda _: MetadataCredentials("metadata"), ConfigurationError, ValueError, "url=", id="metadata URL not a URL"
    ),
    pytest.param(
        lambda _: RetryPolicy(max_retries=-1), InvalidArgumentError, ValueError, "negative", id="negative retries"
    ),
    pytest.param(
        lambda _: PollPolicy(min_interval=0), InvalidArgumentError, ValueError, "min_interval", id="zero poll interval"
    ),
    pytest.param(
        lambda _: client().show_background_task_progress("", TASK),
        InvalidArgumentError,
        ValueError,
        "instance_id",
        id="blank instance ID",
    ),
    pytest.param(
        lambda _: client().show_background_task_progress(INSTANCE, "  "),
        InvalidArgumentError,
        ValueError,
        "task_id",
        id="blank task ID",
    ),
    pytest.param(
        lambda _: client().show_background_task_progress(INSTANCE, 42),  # type: ignore[arg-type]
        InvalidTypeError,
        TypeError,
        "task_id",
        id="ID of another type",
    ),
    pytest.param(
        lambda _: client().show_background_task_progress(INSTANCE, TASK, project_id=" "),
        InvalidArgumentError,
        ValueError,
        "project_id",
        id="blank project of a call",
    ),
    pytest.param(
        lambda _: client(credentials=Credentials("ak", "sk")).show_background_task_progress(INSTANCE, TASK),
        CredentialsError,
        ValueError,
        "DCS_PROJECT_ID",
        id="no project for a call",
    ),
    pytest.param(
        lambda _: client().list_background_task(INSTANCE, start_time=naive()),
        InvalidArgumentError,
        ValueError,
        "start_time",
        id="naive datetime",
    ),
    pytest.param(
        lambda _: client().list_background_task(INSTANCE, end_time="2024-05-01"),  # type: ignore[arg-type]
        InvalidTypeError,
        TypeError,
        "end_time",
        id="datetime as text",
    ),
    pytest.param(
        lambda _: client().show_background_task_progress(INSTANCE, TASK, call_timeout=-1),
        InvalidArgumentError,
        ValueError,
        "call_timeout",
        id="negative call_timeout of a call",
    ),
    pytest.param(
        lambda _: client().show_background_task_progress(INSTANCE, TASK, timeout="1"),  # type: ignore[arg-type]
        InvalidTypeError,
        TypeError,
        "timeout",
        id="timeout of a call as text",
    ),
    pytest.param(
        lambda _: client().wait_for_background_task(INSTANCE, TASK, timeout=-1),
        InvalidArgumentError,
        ValueError,
        "timeout",
        id="negative wait timeout",
    ),
]


@pytest.mark.parametrize(("make", "kind", "builtin", "words"), MISTAKES)
def test_a_mistake_raises_a_typed_error_and_sends_nothing(
    make: Callable[[pytest.MonkeyPatch], object],
    kind: type[DcsError],
    builtin: type[Exception],
    words: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    SENT.clear()
    with pytest.raises(kind) as raised:
        make(monkeypatch)
    assert isinstance(raised.value, DcsError)
    assert isinstance(raised.value, builtin)
    assert words in str(raised.value)
    assert SENT == []


def test_a_call_on_a_closed_client_raises_client_closed() -> None:
    closed = client()
    closed.show_background_task_progress(INSTANCE, TASK)
    closed.close()
    with pytest.raises(ClientClosedError, match="DcsClient is closed"):
        closed.show_background_task_progress(INSTANCE, TASK)
    never_used = client()
    never_used.close()
    with pytest.raises(ClientClosedError):  # not silently re-opened
        never_used.show_background_task_progress(INSTANCE, TASK)
    own = httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(200, json={})))
    with DcsClient(http_client=own, credentials=CREDENTIALS) as borrowing:
        own.close()
        with pytest.raises(ClientClosedError, match="http_client"):
            borrowing.show_background_task_progress(INSTANCE, TASK)
    assert issubclass(ClientClosedError, RuntimeError)


def test_a_call_on_a_closed_async_client_raises_client_closed() -> None:
    async def run() -> None:
        transport = httpx.MockTransport(lambda _: httpx.Response(200, json={"progress": 1}))
        async with AsyncDcsClient(transport=transport, credentials=CREDENTIALS) as async_client:
            await async_client.show_background_task_progress(INSTANCE, TASK)
        await async_client.show_background_task_progress(INSTANCE, TASK)

    with pytest.raises(ClientClosedError, match="AsyncDcsClient is closed"):
        asyncio.run(run())
