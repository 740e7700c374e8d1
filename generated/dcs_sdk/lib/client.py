"""The entry point: ``DcsClient`` (sync) and ``AsyncDcsClient`` — a ready, signed, retrying client.

Both wrap the generated ``dcs_sdk.Client`` (``.api_client``), so every generated endpoint
function works with them too; the methods here add typed errors and the default project.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self, TypedDict, Unpack

import httpx

from .. import __version__
from .auth import auth_for
from .credentials import AnyCredentials, Credentials
from .errors import APIConnectionError, APITimeoutError, CredentialsError
from .responses import parse_model
from .retry import AsyncRetryTransport, RetryPolicy, RetryTransport
from ..api.background_tasks import show_background_task_progress as _progress_endpoint
from ..client import Client
from ..models.show_background_task_progress_response import ShowBackgroundTaskProgressResponse

DEFAULT_REGION = "cn-north-4"
ENDPOINT_TEMPLATE = "https://dcs.{region}.myhuaweicloud.com"
# Connecting should be quick (and is retried); a read may wait on a busy service. The official SDK
# uses 60 s / 120 s without retries; with retries a long connect timeout only delays the next try.
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)
USER_AGENT = f"dcs-sdk-python/{__version__}"


class ClientOptions(TypedDict, total=False):
    """The options both clients take (see ``_Base``)."""

    region: str | None
    endpoint: str | None
    credentials: AnyCredentials | None
    project_id: str | None
    timeout: float | httpx.Timeout
    max_retries: int
    retry_policy: RetryPolicy | None
    headers: dict[str, str] | None
    verify_ssl: bool | str


class _Base:
    """What both clients share: endpoint, credentials, timeouts, headers and the retry policy.

    ``region`` or ``endpoint`` (default region ``cn-north-4``); ``credentials`` (default: from the
    environment); ``project_id`` (default: the credentials'); ``timeout`` (seconds or an
    ``httpx.Timeout``; default ``DEFAULT_TIMEOUT``); ``max_retries`` (default 2, 0 turns retries
    off) or a full ``retry_policy``; extra ``headers``; ``verify_ssl``.
    """

    def __init__(
        self,
        *,
        region: str | None = None,
        endpoint: str | None = None,
        credentials: AnyCredentials | None = None,
        project_id: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
        headers: dict[str, str] | None = None,
        verify_ssl: bool | str = True,
    ) -> None:
        if region and endpoint:
            raise ValueError("pass region or endpoint, not both")
        self.base_url = (endpoint or ENDPOINT_TEMPLATE.format(region=region or DEFAULT_REGION)).rstrip("/")
        self.credentials = credentials if credentials is not None else Credentials.from_env()
        self.project_id = project_id or self.credentials.project_id
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry_policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self.auth = auth_for(self.credentials)
        self.headers = {"User-Agent": USER_AGENT, **(headers or {})}
        self.verify_ssl = verify_ssl
        # The generated client builds whichever httpx client is not set from these arguments:
        # signed, but without retries (the retry transport is per flavour, see the subclasses).
        self.api_client = Client(
            base_url=self.base_url,
            headers=dict(self.headers),
            timeout=self.timeout,
            verify_ssl=verify_ssl,
            httpx_args={"auth": self.auth},
        )

    def _http_args(self) -> dict[str, Any]:
        return {"base_url": self.base_url, "headers": self.headers, "timeout": self.timeout, "auth": self.auth}

    def _progress_request(self, instance_id: str, task_id: str, project_id: str | None) -> dict[str, Any]:
        project = project_id or self.project_id
        if not project:
            raise CredentialsError(
                "no project ID: pass project_id=, set it on the credentials or in HUAWEICLOUD_SDK_PROJECT_ID"
            )
        return _progress_endpoint._get_kwargs(project_id=project, instance_id=instance_id, task_id=task_id)


def _connection_error(error: httpx.TransportError) -> APIConnectionError:
    kind = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
    try:
        request: httpx.Request | None = error.request
    except RuntimeError:  # httpx raises when the error was created without a request
        request = None
    return kind(f"{type(error).__name__}: {error}", request=request)


class DcsClient(_Base):
    """A synchronous DCS client.

    ``DcsClient(region="cn-north-4")`` reads AK/SK from the environment; pass
    ``credentials=Credentials(ak, sk, project_id=...)`` or ``TokenCredentials(token)`` instead,
    or ``endpoint="https://…"`` for another endpoint (e.g. an emulator). ``transport`` replaces
    the network (tests); retries wrap it either way.
    """

    def __init__(self, *, transport: httpx.BaseTransport | None = None, **options: Unpack[ClientOptions]) -> None:
        super().__init__(**options)
        retrying = RetryTransport(transport, policy=self.retry_policy, reauth=self.auth.apply, verify=self.verify_ssl)
        self.http = httpx.Client(transport=retrying, **self._http_args())
        self.api_client.set_httpx_client(self.http)

    def show_background_task_progress(
        self, instance_id: str, task_id: str, project_id: str | None = None
    ) -> ShowBackgroundTaskProgressResponse:
        """Progress, remaining time and steps of one background task (``ShowBackgroundTaskProgress``)."""
        request = self._progress_request(instance_id, task_id, project_id)
        try:
            response = self.http.request(**request)
        except httpx.TransportError as error:
            raise _connection_error(error) from error
        return parse_model(response, ShowBackgroundTaskProgressResponse)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class AsyncDcsClient(_Base):
    """The asynchronous twin of ``DcsClient`` (same arguments; ``transport`` is an async one)."""

    def __init__(self, *, transport: httpx.AsyncBaseTransport | None = None, **options: Unpack[ClientOptions]) -> None:
        super().__init__(**options)
        retrying = AsyncRetryTransport(
            transport, policy=self.retry_policy, reauth=self.auth.apply, verify=self.verify_ssl
        )
        self.http = httpx.AsyncClient(transport=retrying, **self._http_args())
        self.api_client.set_async_httpx_client(self.http)

    async def show_background_task_progress(
        self, instance_id: str, task_id: str, project_id: str | None = None
    ) -> ShowBackgroundTaskProgressResponse:
        """Progress, remaining time and steps of one background task (``ShowBackgroundTaskProgress``)."""
        request = self._progress_request(instance_id, task_id, project_id)
        try:
            response = await self.http.request(**request)
        except httpx.TransportError as error:
            raise _connection_error(error) from error
        return parse_model(response, ShowBackgroundTaskProgressResponse)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
