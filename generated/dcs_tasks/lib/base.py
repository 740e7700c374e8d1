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

Two time limits: ``timeout=`` bounds each network wait of one attempt separately (connecting,
each read and write, a free pooled connection), and ``call_timeout=`` bounds the whole call,
retries and backoff included: every wait of an attempt is clamped to what is left of it, and no
backoff sleeps past it.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import Any, Generic, Self, TypedDict, TypeVar, Unpack
from urllib.parse import urlsplit

import httpx

from .. import __version__
from ..client import Client
from . import body_deadline
from .auth import auth_for
from .chain import AnyCredentials
from .config import resolve
from .credentials import Credentials, TokenCredentials
from .deadline import Deadline, check_seconds
from .errors import ClientClosedError, ConfigurationError, CredentialsError, InvalidArgumentError, InvalidTypeError
from .logs import logger, setup_from_environment
from .raw import deliver, deliver_empty
from .responses import FromDict
from .retry import RetryPolicy, async_call_with_retries, call_with_retries
from .transport_errors import proxy_of, typed_transport_error
from .variables import Setting

# Connecting should be quick (and is retried); a read may wait on a busy service. The official SDK
# uses 60 s / 120 s without retries; with retries a long connect timeout only delays the next try.
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)
USER_AGENT = f"dcs-tasks-python/{__version__}"

M = TypeVar("M", bound=FromDict)
Timeout = float | httpx.Timeout
HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)
TransportT = TypeVar("TransportT", httpx.BaseTransport, httpx.AsyncBaseTransport)


class CallOptions(TypedDict, total=False):
    """What every operation method takes besides its parameters."""

    extra_headers: Mapping[str, str] | None
    timeout: Timeout | None
    call_timeout: float | None


class _Base(Generic[HttpT, TransportT]):
    """What both clients share: endpoint, credentials, timeouts, headers, proxy, retries, the httpx client.

    ``region`` (checked against the known regions) or ``endpoint`` (any http(s) URL), else
    ``DCS_ENDPOINT`` or ``DCS_REGION``, else ``cn-north-4``; ``credentials`` (default: the chain of
    ``chain.py``: environment, profile file, metadata service); ``project_id`` (default: the
    credentials', else ``DCS_PROJECT_ID`` or ``HUAWEICLOUD_SDK_PROJECT_ID``; ``config.py`` has the
    whole precedence, and ``configuration`` says where each setting came from).

    ``timeout`` (seconds or an ``httpx.Timeout``; default ``DEFAULT_TIMEOUT``) bounds each network
    wait of one attempt separately; ``call_timeout`` (seconds; default ``None``: no bound) bounds a
    whole call, retries and backoff included. Every method takes both too. ``max_retries`` (default
    2, 0 turns retries off) or a full ``retry_policy``; extra ``headers`` (methods also take
    ``extra_headers=``); ``verify_ssl``; ``proxy`` (default: the environment's, as httpx).
    ``http_client`` is the caller's own httpx client (signing, retries and timeouts still apply; the
    caller closes it); ``transport`` replaces the network of the client built otherwise (tests).
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
        call_timeout: float | None = None,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        verify_ssl: bool | str = True,
        proxy: str | httpx.Proxy | None = None,
    ) -> None:
        if http_client is not None and transport is not None:
            raise ConfigurationError("pass http_client or transport, not both")
        self.configuration = resolve(region=region, endpoint=endpoint, credentials=credentials, project_id=project_id)
        self.base_url = self.configuration.endpoint.value
        self.credentials = self.configuration.credentials.value
        self.project_id = self.configuration.project.value if self.configuration.project else None
        self.timeout = checked_timeout("timeout", timeout) or DEFAULT_TIMEOUT
        self.call_timeout = check_seconds("call_timeout", call_timeout)
        self.retry_policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self.auth = auth_for(self.credentials)
        self.headers = {"User-Agent": USER_AGENT, **(headers or {})}
        self.verify_ssl = verify_ssl
        self.proxy = proxy
        self._http: HttpT | None = http_client
        self._transport: TransportT | None = transport
        self._owns_http = http_client is None
        self._closed = False
        setup_from_environment()
        implicit = [(name, setting.source) for name, setting in self._settings() if not setting.source.endswith("=")]
        if implicit:  # where each setting the caller did not pass came from
            logger.info("%s: %s", type(self).__name__, ", ".join(f"{name} from {source}" for name, source in implicit))

    def _settings(self) -> list[tuple[str, Setting[Any]]]:
        found = self.configuration
        settings: list[tuple[str, Setting[Any]]] = [("endpoint", found.endpoint), ("credentials", found.credentials)]
        return settings + ([("project", found.project)] if found.project else [])

    @property
    def http(self) -> HttpT:
        """The httpx client, built on first use: its TLS context is the slowest part of a client."""
        if self._closed:
            raise ClientClosedError(f"this {type(self).__name__} is closed: build a new client to send more calls")
        if self._http is None:
            self._http = self._new_http_client()
        elif self._http.is_closed:
            raise ClientClosedError(f"the http_client given to this {type(self).__name__} is closed")
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
        if project_id is None:
            if self.project_id is None:
                raise CredentialsError(self.configuration.no_project)
            return self.project_id
        return check_path_parameters(project_id=project_id)["project_id"]

    def _prepare(self, request: dict[str, Any], options: CallOptions) -> _Exchange:
        """One call's request, as the generated ``_get_kwargs`` described it plus the client's settings."""
        headers = {**self.headers, **request.get("headers", {}), **(options.get("extra_headers") or {})}
        timeout = checked_timeout("timeout", options.get("timeout")) or self.timeout
        call_timeout = check_seconds("call_timeout", options.get("call_timeout")) or self.call_timeout
        args = {**request, "url": self.base_url + request["url"], "headers": headers}
        deadline = Deadline(call_timeout) if call_timeout is not None else None
        return _Exchange(args, timeout, deadline)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(endpoint={self.base_url!r}, credentials={_describe(self.credentials)})"


def checked_timeout(name: str, value: object) -> httpx.Timeout | None:
    """``timeout=`` as an ``httpx.Timeout`` (``None`` stays ``None``); a wrong type or a negative value is refused."""
    if value is None or isinstance(value, httpx.Timeout):
        return value
    seconds = check_seconds(name, value)
    return httpx.Timeout(seconds)


def _describe(credentials: AnyCredentials) -> str:
    """Credentials as a repr may show them: the access key's first characters, never a secret."""
    project = f", project_id={credentials.project_id!r}" if credentials.project_id else ""
    if isinstance(credentials, Credentials):
        return f"AK {credentials.access_key[:4]}…{project}"
    if isinstance(credentials, TokenCredentials):
        return f"IAM token{project}"
    return f"metadata service {credentials.url}{project}"


def check_path_parameters(**values: object) -> dict[str, str]:
    """IDs are checked before anything is sent: an empty or blank one would address another URL."""
    for name, value in values.items():
        if not isinstance(value, str):
            raise InvalidTypeError(f"{name} must be an ID string, got {type(value).__name__} {value!r}")
        if not value.strip():
            raise InvalidArgumentError(f"{name} must be a non-empty ID, got {value!r}")
    return values  # type: ignore[return-value]  # each value was just checked to be a str


def _clamped(timeout: httpx.Timeout, left: float) -> tuple[httpx.Timeout, bool]:
    """``timeout`` with every wait cut to ``left`` seconds, and whether any was cut."""
    waits = {"connect": timeout.connect, "read": timeout.read, "write": timeout.write, "pool": timeout.pool}
    cut = {name: left if wait is None or wait > left else wait for name, wait in waits.items()}
    return httpx.Timeout(**cut), cut != waits


class _Exchange:
    """One call: its request arguments, a log label, and what happens around each attempt."""

    def __init__(self, args: dict[str, Any], timeout: httpx.Timeout, deadline: Deadline | None) -> None:
        self.args = args
        self.timeout = timeout
        self.deadline = deadline
        self.method = str(args["method"]).upper()
        # Method and path only: query values and headers stay out of logs.
        self.what = f"{self.method} {urlsplit(args['url']).path}"
        self._started = 0.0
        self._http: httpx.Client | httpx.AsyncClient | None = None  # the one sending: its proxy, for errors

    def build(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        logger.debug("request %s", self.what)
        self._started = time.monotonic()
        timeout = self.timeout
        if self.deadline is not None:
            timeout, self.deadline.limited = _clamped(timeout, max(self.deadline.left(), 0.001))
        self._http = http
        return http.build_request(**self.args, timeout=timeout)

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
        """Transport failures left after the retries become ``APIConnectionError`` and its subclasses."""
        try:
            yield
        except httpx.TransportError as error:
            proxy = proxy_of(self._http, httpx.URL(self.args["url"])) if self._http is not None else None
            raise typed_transport_error(error, self.what, proxy, self.deadline) from error


class SyncClientBase(_Base[httpx.Client, httpx.BaseTransport]):
    """The synchronous transport of the generated operations (see ``DcsClient``)."""

    def _new_http_client(self) -> httpx.Client:
        return httpx.Client(transport=self._transport, **self._http_options())

    def _attach(self, client: Client) -> None:
        client.set_httpx_client(self.http)

    def _exchange(self, request: dict[str, Any], options: CallOptions) -> httpx.Response:
        exchange = self._prepare(request, options)

        def attempt() -> httpx.Response:
            response = self.http.send(exchange.build(self.http), auth=self.auth, stream=True)
            return exchange.received(body_deadline.read(response, exchange.deadline))

        with exchange.typed_errors():
            return call_with_retries(self.retry_policy, exchange.method, exchange.what, attempt, exchange.deadline)

    def _send(self, request: dict[str, Any], model: type[M], **options: Unpack[CallOptions]) -> M:
        return deliver(self._exchange(request, options), model)

    def _send_empty(self, request: dict[str, Any], **options: Unpack[CallOptions]) -> None:
        deliver_empty(self._exchange(request, options))

    def close(self) -> None:
        """Close the httpx client this client built (a caller's ``http_client`` stays open); later calls raise."""
        if self._owns_http and self._http is not None:
            self._http.close()
        self._closed = True

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
            response = await self.http.send(exchange.build(self.http), auth=self.auth, stream=True)
            return exchange.received(await body_deadline.aread(response, exchange.deadline))

        with exchange.typed_errors():
            return await async_call_with_retries(
                self.retry_policy, exchange.method, exchange.what, attempt, exchange.deadline
            )

    async def _send(self, request: dict[str, Any], model: type[M], **options: Unpack[CallOptions]) -> M:
        return deliver(await self._exchange(request, options), model)

    async def _send_empty(self, request: dict[str, Any], **options: Unpack[CallOptions]) -> None:
        deliver_empty(await self._exchange(request, options))

    async def aclose(self) -> None:
        """Close the httpx client this client built (a caller's ``http_client`` stays open); later calls raise."""
        if self._owns_http and self._http is not None:
            await self._http.aclose()
        self._closed = True

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
