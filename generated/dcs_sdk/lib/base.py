"""What both clients share, and how a generated operation method is sent.

``SyncClientBase`` / ``AsyncClientBase`` hold the endpoint, credentials, timeouts, headers and
retry policy, and implement ``_send``: the one path by which every generated operation method
(``dcs_sdk.api.Operations`` / ``AsyncOperations``) reaches the network and becomes a model or a
typed ``DcsError``. The operation methods themselves are rendered from the spec.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self, TypedDict, TypeVar, Unpack, overload

import httpx

from .. import __version__
from ..client import Client
from .auth import auth_for
from .credentials import AnyCredentials, Credentials
from .errors import APIConnectionError, APITimeoutError, CredentialsError
from .responses import FromDict, parse_model, raise_for_status
from .retry import AsyncRetryTransport, RetryPolicy, RetryTransport

DEFAULT_REGION = "cn-north-4"
ENDPOINT_TEMPLATE = "https://dcs.{region}.myhuaweicloud.com"
# Connecting should be quick (and is retried); a read may wait on a busy service. The official SDK
# uses 60 s / 120 s without retries; with retries a long connect timeout only delays the next try.
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)
USER_AGENT = f"dcs-sdk-python/{__version__}"

M = TypeVar("M", bound=FromDict)


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

    def _project(self, project_id: str | None) -> str:
        """The project of a call: the one passed, else the client's."""
        project = project_id or self.project_id
        if not project:
            raise CredentialsError(
                "no project ID: pass project_id=, set it on the credentials or in HUAWEICLOUD_SDK_PROJECT_ID"
            )
        return project


def _connection_error(error: httpx.TransportError) -> APIConnectionError:
    kind = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
    try:
        request: httpx.Request | None = error.request
    except RuntimeError:  # httpx raises when the error was created without a request
        request = None
    return kind(f"{type(error).__name__}: {error}", request=request)


def _parse(response: httpx.Response, model: type[M] | None) -> M | None:
    if model is None:
        raise_for_status(response)
        return None
    return parse_model(response, model)


class SyncClientBase(_Base):
    """The synchronous transport of the generated operations (see ``DcsClient``)."""

    def __init__(self, *, transport: httpx.BaseTransport | None = None, **options: Unpack[ClientOptions]) -> None:
        super().__init__(**options)
        retrying = RetryTransport(transport, policy=self.retry_policy, reauth=self.auth.apply, verify=self.verify_ssl)
        self.http = httpx.Client(transport=retrying, **self._http_args())
        self.api_client.set_httpx_client(self.http)

    @overload
    def _send(self, request: dict[str, Any], model: type[M]) -> M: ...
    @overload
    def _send(self, request: dict[str, Any], model: None) -> None: ...
    def _send(self, request: dict[str, Any], model: type[M] | None) -> M | None:
        try:
            response = self.http.request(**request)
        except httpx.TransportError as error:
            raise _connection_error(error) from error
        return _parse(response, model)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class AsyncClientBase(_Base):
    """The asynchronous transport of the generated operations (see ``AsyncDcsClient``)."""

    def __init__(self, *, transport: httpx.AsyncBaseTransport | None = None, **options: Unpack[ClientOptions]) -> None:
        super().__init__(**options)
        retrying = AsyncRetryTransport(
            transport, policy=self.retry_policy, reauth=self.auth.apply, verify=self.verify_ssl
        )
        self.http = httpx.AsyncClient(transport=retrying, **self._http_args())
        self.api_client.set_async_httpx_client(self.http)

    @overload
    async def _send(self, request: dict[str, Any], model: type[M]) -> M: ...
    @overload
    async def _send(self, request: dict[str, Any], model: None) -> None: ...
    async def _send(self, request: dict[str, Any], model: type[M] | None) -> M | None:
        try:
            response = await self.http.request(**request)
        except httpx.TransportError as error:
            raise _connection_error(error) from error
        return _parse(response, model)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
