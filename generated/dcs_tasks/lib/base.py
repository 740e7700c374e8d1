"""What both clients share, and how a generated operation method is sent.

``SyncClientBase`` / ``AsyncClientBase`` hold the endpoint, credentials, timeouts, headers, proxy
and retry policy, and implement ``_send`` / ``_send_empty``: the one path by which every generated
operation method (``dcs_tasks.api.Operations`` and its async twin) reaches the network and becomes
a model (or, under a raw wrapper, a ``RawResponse``: see ``raw.py``) or a typed ``DcsError``. The
operation methods themselves are rendered from the spec.

The ``httpx`` client is plain: environment proxies (``HTTP_PROXY``/``HTTPS_PROXY``/``NO_PROXY``)
are honoured as httpx does, ``proxy=`` sets one, and ``http_client=`` takes the caller's own
client. Signing is an ``httpx.Auth`` passed with each request and retries wrap each whole
exchange (see ``retry.py``), so both apply to a caller's client too.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import time
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import Any, Generic, Self, TypedDict, TypeVar, Unpack
from urllib.parse import urlsplit

import httpx

from .. import __version__
from ..client import Client
from .auth import auth_for
from .credentials import AnyCredentials, Credentials
from .errors import APIConnectionError, APITimeoutError, CredentialsError
from .logs import logger, setup_from_environment
from .raw import deliver, deliver_empty
from .regions import endpoint_for_region
from .responses import FromDict
from .retry import RetryPolicy, async_call_with_retries, call_with_retries

DEFAULT_REGION = "cn-north-4"
# Like openai's OPENAI_BASE_URL: where a client built without region= or endpoint= goes.
ENDPOINT_VARIABLE, REGION_VARIABLE = "DCS_ENDPOINT", "DCS_REGION"
# Connecting should be quick (and is retried); a read may wait on a busy service. The official SDK
# uses 60 s / 120 s without retries; with retries a long connect timeout only delays the next try.
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)
USER_AGENT = f"dcs-tasks-python/{__version__}"

M = TypeVar("M", bound=FromDict)
Timeout = float | httpx.Timeout
HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)
TransportT = TypeVar("TransportT", httpx.BaseTransport, httpx.AsyncBaseTransport)


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


class CallOptions(TypedDict, total=False):
    """What every operation method takes besides its parameters."""

    extra_headers: Mapping[str, str] | None
    timeout: Timeout | None


class _Base(Generic[HttpT, TransportT]):
    """What both clients share: endpoint, credentials, timeouts, headers, proxy, retries, the httpx client.

    ``region`` (checked against the known regions) or ``endpoint`` (any URL), else ``DCS_ENDPOINT``
    or ``DCS_REGION`` from the environment, else ``cn-north-4``; ``credentials`` (default: from the
    environment); ``project_id`` (default: the credentials'); ``timeout`` (seconds or an
    ``httpx.Timeout``; default ``DEFAULT_TIMEOUT``; every method also takes ``timeout=``);
    ``max_retries`` (default 2, 0 turns retries off) or a full ``retry_policy``; extra ``headers``
    (methods also take ``extra_headers=``); ``verify_ssl``; ``proxy`` (default: the environment's,
    as httpx). ``http_client`` is the caller's own httpx client (signing, retries and timeouts
    still apply; the caller closes it);
    ``transport`` replaces the network of the client built otherwise (tests).
    """

    def __init__(
        self,
        *,
        http_client: HttpT | None = None,
        transport: TransportT | None = None,
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
        if http_client is not None and transport is not None:
            raise ValueError("pass http_client or transport, not both")
        self.base_url = _base_url(region, endpoint)
        self.credentials = credentials if credentials is not None else Credentials.from_env()
        self.project_id = project_id or self.credentials.project_id
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry_policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self.auth = auth_for(self.credentials)
        self.headers = {"User-Agent": USER_AGENT, **(headers or {})}
        self.verify_ssl = verify_ssl
        self.proxy = proxy
        self._http: HttpT | None = http_client
        self._transport: TransportT | None = transport
        self._owns_http = http_client is None
        setup_from_environment()

    @property
    def http(self) -> HttpT:
        """The httpx client, built on first use: its TLS context is the slowest part of a client."""
        if self._http is None:
            self._http = self._new_http_client()
        return self._http

    def _new_http_client(self) -> HttpT:
        raise NotImplementedError

    def _http_options(self) -> dict[str, Any]:
        # base URL and auth on the client too, for the raw generated functions sharing it (api_client)
        return {
            "base_url": self.base_url,
            "timeout": self.timeout,
            "verify": self.verify_ssl,
            "proxy": self.proxy,
            "auth": self.auth,
        }

    @functools.cached_property
    def api_client(self) -> Client:
        """The generated low-level ``Client`` for the raw ``dcs_tasks.api.<tag>.<operation>`` functions.

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

    def _prepare(self, request: dict[str, Any], options: CallOptions) -> _Exchange:
        """One call's request, as the generated ``_get_kwargs`` described it plus the client's settings."""
        headers = {**self.headers, **request.get("headers", {}), **(options.get("extra_headers") or {})}
        timeout = options.get("timeout")
        args = {
            **request,
            "url": self.base_url + request["url"],
            "headers": headers,
            "timeout": self.timeout if timeout is None else timeout,
        }
        return _Exchange(args, self.retry_policy)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(endpoint={self.base_url!r}, credentials={_describe(self.credentials)})"


def _base_url(region: str | None, endpoint: str | None) -> str:
    """``endpoint``, else ``region``'s endpoint, else ``DCS_ENDPOINT`` / ``DCS_REGION`` from the environment."""
    if not (region or endpoint):
        endpoint = os.environ.get(ENDPOINT_VARIABLE) or None
        region = None if endpoint else os.environ.get(REGION_VARIABLE) or None
    return (endpoint or endpoint_for_region(region or DEFAULT_REGION)).rstrip("/")


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


class _Exchange:
    """One call: its request arguments, a log label, and what happens around each attempt."""

    def __init__(self, args: dict[str, Any], policy: RetryPolicy) -> None:
        self.args = args
        self.policy = policy
        self.method = str(args["method"]).upper()
        # Method and path only: query values and headers stay out of logs.
        self.what = f"{self.method} {urlsplit(args['url']).path}"
        self._started = 0.0

    def build(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        logger.debug("request %s", self.what)
        self._started = time.monotonic()
        return http.build_request(**self.args)

    def received(self, response: httpx.Response) -> httpx.Response:
        if not logger.isEnabledFor(logging.DEBUG):  # the common case: no clock or header work per response
            return response
        elapsed_ms = (time.monotonic() - self._started) * 1000
        request_id = response.headers.get("X-Request-Id")
        logger.debug(
            "response %d %s in %.1f ms (request id %s)", response.status_code, self.what, elapsed_ms, request_id
        )
        return response

    @contextlib.contextmanager
    def typed_errors(self) -> Iterator[None]:
        """Transport failures left after the retries become ``APIConnectionError`` / ``APITimeoutError``."""
        try:
            yield
        except httpx.TransportError as error:
            kind = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
            try:
                request: httpx.Request | None = error.request
            except RuntimeError:  # httpx raises when the error was created without a request
                request = None
            raise kind(f"{type(error).__name__}: {error}", request=request) from error


class SyncClientBase(_Base[httpx.Client, httpx.BaseTransport]):
    """The synchronous transport of the generated operations (see ``DcsClient``)."""

    def _new_http_client(self) -> httpx.Client:
        return httpx.Client(transport=self._transport, **self._http_options())

    def _attach(self, client: Client) -> None:
        client.set_httpx_client(self.http)

    def _exchange(self, request: dict[str, Any], options: CallOptions) -> httpx.Response:
        exchange = self._prepare(request, options)

        def attempt() -> httpx.Response:
            return exchange.received(self.http.send(exchange.build(self.http), auth=self.auth))

        with exchange.typed_errors():
            return call_with_retries(self.retry_policy, exchange.method, exchange.what, attempt)

    def _send(self, request: dict[str, Any], model: type[M], **options: Unpack[CallOptions]) -> M:
        return deliver(self._exchange(request, options), model)

    def _send_empty(self, request: dict[str, Any], **options: Unpack[CallOptions]) -> None:
        deliver_empty(self._exchange(request, options))

    def close(self) -> None:
        if self._owns_http and self._http is not None:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class AsyncClientBase(_Base[httpx.AsyncClient, httpx.AsyncBaseTransport]):
    """The asynchronous transport of the generated operations (see ``AsyncDcsClient``)."""

    def _new_http_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self._transport, **self._http_options())

    def _attach(self, client: Client) -> None:
        client.set_async_httpx_client(self.http)

    async def _exchange(self, request: dict[str, Any], options: CallOptions) -> httpx.Response:
        exchange = self._prepare(request, options)

        async def attempt() -> httpx.Response:
            return exchange.received(await self.http.send(exchange.build(self.http), auth=self.auth))

        with exchange.typed_errors():
            return await async_call_with_retries(self.retry_policy, exchange.method, exchange.what, attempt)

    async def _send(self, request: dict[str, Any], model: type[M], **options: Unpack[CallOptions]) -> M:
        return deliver(await self._exchange(request, options), model)

    async def _send_empty(self, request: dict[str, Any], **options: Unpack[CallOptions]) -> None:
        deliver_empty(await self._exchange(request, options))

    async def aclose(self) -> None:
        if self._owns_http and self._http is not None:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
