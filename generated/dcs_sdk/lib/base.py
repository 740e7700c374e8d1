"""What both clients share, and how a generated operation method is sent.

``SyncClientBase`` / ``AsyncClientBase`` hold the endpoint, credentials, timeouts, headers, proxy
and retry policy, and implement ``_send`` / ``_send_raw``: the one path by which every generated
operation method (``dcs_sdk.api.Operations`` and its raw and async twins) reaches the network and
becomes a model, a ``RawResponse`` or a typed ``DcsError``. The operation methods themselves are
rendered from the spec.

The ``httpx`` client is plain: environment proxies (``HTTP_PROXY``/``HTTPS_PROXY``/``NO_PROXY``)
are honoured as httpx does, ``proxy=`` sets one, and ``http_client=`` takes the caller's own
client. Signing is an ``httpx.Auth`` passed with each request and retries wrap each whole
exchange (see ``retry.py``), so both apply to a caller's client too.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self, TypedDict, TypeVar, Unpack, overload
from urllib.parse import urlsplit

import httpx

from .. import __version__
from ..client import Client
from .auth import auth_for
from .credentials import AnyCredentials, Credentials
from .errors import APIConnectionError, APITimeoutError, CredentialsError
from .logs import logger, setup_from_environment
from .raw import RawResponse
from .regions import endpoint_for_region
from .responses import FromDict, parse_model, raise_for_status
from .retry import RetryPolicy, async_call_with_retries, call_with_retries

DEFAULT_REGION = "cn-north-4"
# Connecting should be quick (and is retried); a read may wait on a busy service. The official SDK
# uses 60 s / 120 s without retries; with retries a long connect timeout only delays the next try.
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)
USER_AGENT = f"dcs-sdk-python/{__version__}"

M = TypeVar("M", bound=FromDict)
Timeout = float | httpx.Timeout
Headers = Mapping[str, str] | None


class ClientOptions(TypedDict, total=False):
    """The options both clients take (see ``_Base``)."""

    region: str | None
    endpoint: str | None
    credentials: AnyCredentials | None
    project_id: str | None
    timeout: Timeout
    max_retries: int
    retry_policy: RetryPolicy | None
    headers: Mapping[str, str] | None
    verify_ssl: bool | str
    proxy: str | httpx.Proxy | None


class _Base:
    """What both clients share: endpoint, credentials, timeouts, headers, proxy and the retry policy.

    ``region`` (checked against the known regions; default ``cn-north-4``) or ``endpoint`` (any
    URL); ``credentials`` (default: from the environment); ``project_id`` (default: the
    credentials'); ``timeout`` (seconds or an ``httpx.Timeout``; default ``DEFAULT_TIMEOUT``;
    every method also takes ``timeout=``); ``max_retries`` (default 2, 0 turns retries off) or a
    full ``retry_policy``; extra ``headers`` (methods also take ``extra_headers=``);
    ``verify_ssl``; ``proxy`` (default: the environment's, as httpx).
    """

    def __init__(
        self,
        *,
        region: str | None = None,
        endpoint: str | None = None,
        credentials: AnyCredentials | None = None,
        project_id: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        verify_ssl: bool | str = True,
        proxy: str | httpx.Proxy | None = None,
    ) -> None:
        if region and endpoint:
            raise ValueError("pass region or endpoint, not both")
        self.base_url = (endpoint or endpoint_for_region(region or DEFAULT_REGION)).rstrip("/")
        self.credentials = credentials if credentials is not None else Credentials.from_env()
        self.project_id = project_id or self.credentials.project_id
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry_policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self.auth = auth_for(self.credentials)
        self.headers = {"User-Agent": USER_AGENT, **(headers or {})}
        self.verify_ssl = verify_ssl
        self.proxy = proxy
        setup_from_environment()

    @functools.cached_property
    def api_client(self) -> Client:
        """The generated low-level ``Client`` for the raw ``dcs_sdk.api.<tag>.<operation>`` functions.

        It shares this client's httpx client (signed when this client built it), but those raw
        functions are not retried and return the documented ``Error`` model (or ``None``) instead
        of raising ``DcsError``: prefer the client's own methods.
        """
        client = Client(base_url=self.base_url, headers=dict(self.headers), timeout=self.timeout)
        self._attach(client)
        return client

    def _attach(self, client: Client) -> None:
        raise NotImplementedError

    def _project(self, project_id: str | None) -> str:
        """The project of a call: the one passed, else the client's."""
        project = project_id if project_id is not None else self.project_id
        if project is None:
            raise CredentialsError(
                "no project ID: pass project_id=, set it on the credentials or in HUAWEICLOUD_SDK_PROJECT_ID"
            )
        return check_path_parameters(project_id=project)["project_id"]

    def _request_args(self, request: dict[str, Any], extra_headers: Headers, timeout: Timeout | None) -> dict[str, Any]:
        """``build_request`` arguments for a request the generated ``_get_kwargs`` described."""
        headers = {**self.headers, **request.get("headers", {}), **(extra_headers or {})}
        chosen = self.timeout if timeout is None else timeout
        return {**request, "url": self.base_url + request["url"], "headers": headers, "timeout": chosen}

    def _new_http_args(self) -> dict[str, Any]:
        return {"timeout": self.timeout, "verify": self.verify_ssl, "proxy": self.proxy, "auth": self.auth}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(endpoint={self.base_url!r}, credentials={_describe(self.credentials)})"


def _describe(credentials: AnyCredentials) -> str:
    """Credentials as a repr may show them: the access key's first characters, never a secret."""
    project = f", project_id={credentials.project_id!r}" if credentials.project_id else ""
    if isinstance(credentials, Credentials):
        return f"AK {credentials.access_key[:4]}…{project}"
    return f"IAM token{project}"


def check_path_parameters(**values: str) -> dict[str, str]:
    """IDs are checked before anything is sent: an empty or blank one would address another URL."""
    for name, value in values.items():
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty ID, got {value!r}")
    return values


def _what(args: Mapping[str, Any]) -> str:
    """The method and path of a request, for logs (no query: its values are not logged)."""
    return f"{str(args['method']).upper()} {urlsplit(args['url']).path}"


def _log_response(response: httpx.Response, what: str, started: float) -> httpx.Response:
    logger.debug(
        "response %d %s in %.1f ms (request id %s)",
        response.status_code,
        what,
        (time.monotonic() - started) * 1000,
        response.headers.get("X-Request-Id"),
    )
    return response


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


def _raw(response: httpx.Response, model: type[M] | None) -> RawResponse[Any]:
    raise_for_status(response)
    return RawResponse(response, model)


class SyncClientBase(_Base):
    """The synchronous transport of the generated operations (see ``DcsClient``).

    ``http_client`` is the caller's ``httpx.Client`` (signing, retries and timeouts still apply;
    the caller closes it); ``transport`` replaces the network of the client built otherwise (tests).
    """

    def __init__(
        self,
        *,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        super().__init__(**options)
        if http_client is not None and transport is not None:
            raise ValueError("pass http_client or transport, not both")
        self._http, self._transport = http_client, transport
        self._owns_http = http_client is None

    @property
    def http(self) -> httpx.Client:
        """The httpx client, built on first use: its TLS context is the slowest part of a client."""
        if self._http is None:
            self._http = httpx.Client(transport=self._transport, **self._new_http_args())
        return self._http

    def _attach(self, client: Client) -> None:
        client.set_httpx_client(self.http)

    def _exchange(self, request: dict[str, Any], extra_headers: Headers, timeout: Timeout | None) -> httpx.Response:
        args = self._request_args(request, extra_headers, timeout)
        what = _what(args)

        def attempt() -> httpx.Response:
            logger.debug("request %s", what)
            started = time.monotonic()
            return _log_response(self.http.send(self.http.build_request(**args), auth=self.auth), what, started)

        try:
            return call_with_retries(self.retry_policy, args["method"].upper(), what, attempt)
        except httpx.TransportError as error:
            raise _connection_error(error) from error

    @overload
    def _send(
        self, request: dict[str, Any], model: type[M], *, extra_headers: Headers = None, timeout: Timeout | None = None
    ) -> M: ...
    @overload
    def _send(
        self, request: dict[str, Any], model: None, *, extra_headers: Headers = None, timeout: Timeout | None = None
    ) -> None: ...
    def _send(
        self,
        request: dict[str, Any],
        model: type[M] | None,
        *,
        extra_headers: Headers = None,
        timeout: Timeout | None = None,
    ) -> M | None:
        return _parse(self._exchange(request, extra_headers, timeout), model)

    def _send_raw(
        self,
        request: dict[str, Any],
        model: type[FromDict] | None,
        *,
        extra_headers: Headers = None,
        timeout: Timeout | None = None,
    ) -> RawResponse[Any]:
        return _raw(self._exchange(request, extra_headers, timeout), model)

    def close(self) -> None:
        if self._owns_http and self._http is not None:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class AsyncClientBase(_Base):
    """The asynchronous transport of the generated operations (see ``AsyncDcsClient``).

    ``http_client`` is the caller's ``httpx.AsyncClient``; ``transport`` an async transport (tests).
    """

    def __init__(
        self,
        *,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        super().__init__(**options)
        if http_client is not None and transport is not None:
            raise ValueError("pass http_client or transport, not both")
        self._http, self._transport = http_client, transport
        self._owns_http = http_client is None

    @property
    def http(self) -> httpx.AsyncClient:
        """The httpx client, built on first use (see ``SyncClientBase.http``)."""
        if self._http is None:
            self._http = httpx.AsyncClient(transport=self._transport, **self._new_http_args())
        return self._http

    def _attach(self, client: Client) -> None:
        client.set_async_httpx_client(self.http)

    async def _exchange(
        self, request: dict[str, Any], extra_headers: Headers, timeout: Timeout | None
    ) -> httpx.Response:
        args = self._request_args(request, extra_headers, timeout)
        what = _what(args)

        async def attempt() -> httpx.Response:
            logger.debug("request %s", what)
            started = time.monotonic()
            response = await self.http.send(self.http.build_request(**args), auth=self.auth)
            return _log_response(response, what, started)

        try:
            return await async_call_with_retries(self.retry_policy, args["method"].upper(), what, attempt)
        except httpx.TransportError as error:
            raise _connection_error(error) from error

    @overload
    async def _send(
        self, request: dict[str, Any], model: type[M], *, extra_headers: Headers = None, timeout: Timeout | None = None
    ) -> M: ...
    @overload
    async def _send(
        self, request: dict[str, Any], model: None, *, extra_headers: Headers = None, timeout: Timeout | None = None
    ) -> None: ...
    async def _send(
        self,
        request: dict[str, Any],
        model: type[M] | None,
        *,
        extra_headers: Headers = None,
        timeout: Timeout | None = None,
    ) -> M | None:
        return _parse(await self._exchange(request, extra_headers, timeout), model)

    async def _send_raw(
        self,
        request: dict[str, Any],
        model: type[FromDict] | None,
        *,
        extra_headers: Headers = None,
        timeout: Timeout | None = None,
    ) -> RawResponse[Any]:
        return _raw(await self._exchange(request, extra_headers, timeout), model)

    async def aclose(self) -> None:
        if self._owns_http and self._http is not None:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
