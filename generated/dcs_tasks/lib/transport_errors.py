"""A transport failure as a typed error that says where: the service's host and port, and the proxy.

httpx's own messages ("[Errno 111] Connection refused") name neither the host nor whether the
refusal came from a proxy; the official SDK names host and port, and so do these.
"""

from __future__ import annotations

import httpx

from .deadline import Deadline
from .errors import APIConnectionError, APITimeoutError, CallTimeoutError

DEFAULT_PORTS = {"http": 80, "https": 443}


def proxy_of(http: httpx.Client | httpx.AsyncClient, url: httpx.URL) -> str | None:
    """``host:port`` of the proxy ``http`` sends ``url`` through (environment, ``proxy=`` or the caller's mounts).

    httpx keeps this in its transports' private attributes: read defensively, ``None`` when unknown.
    """
    try:
        transport = http._transport_for_url(url)
    except (AttributeError, TypeError):
        return None
    proxy = getattr(getattr(transport, "_pool", None), "_proxy_url", None)  # httpcore's HTTPProxy / SOCKSProxy
    host, port = getattr(proxy, "host", None), getattr(proxy, "port", None)
    if not isinstance(host, bytes):
        return None
    scheme = getattr(proxy, "scheme", b"http")
    default = DEFAULT_PORTS.get(scheme.decode("ascii", "replace") if isinstance(scheme, bytes) else "http", 80)
    return f"{host.decode('ascii', 'replace')}:{port or default}"


def _describe(error: httpx.TransportError, target: str, proxy: str | None) -> str:
    if isinstance(error, httpx.ProxyError):
        return f"the proxy {proxy or '(unknown)'} could not open a tunnel to {target}"
    if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout) and proxy:
        waited = ": no answer within the connect timeout" if isinstance(error, httpx.ConnectTimeout) else ""
        return f"cannot connect to the proxy {proxy} (used for {target}){waited}"
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect to {target}"
    texts: dict[type[httpx.TransportError], str] = {
        httpx.ConnectTimeout: f"cannot connect to {target}: no answer within the connect timeout",
        httpx.ReadTimeout: f"no answer from {target} within the read timeout",
        httpx.WriteTimeout: f"cannot send to {target} within the write timeout",
        httpx.PoolTimeout: f"no free connection to {target} within the pool timeout",
    }
    text = texts.get(type(error), f"the connection to {target} failed")
    return text + (f" (through the proxy {proxy})" if proxy else "")


def typed_transport_error(
    error: httpx.TransportError, what: str, proxy: str | None, deadline: Deadline | None
) -> APIConnectionError:
    """``APIConnectionError`` / ``APITimeoutError`` / ``CallTimeoutError`` for what is left after the retries."""
    try:
        request: httpx.Request | None = error.request
    except RuntimeError:  # httpx raises when the error was created without a request
        request = None
    host = request.url.host if request is not None else None
    port = request.url.port or DEFAULT_PORTS.get(request.url.scheme) if request is not None else None
    target = f"{host}:{port}" if host else "the service"
    detail = f"({type(error).__name__}: {error or 'no detail'})"
    timed_out = isinstance(error, httpx.TimeoutException)
    if timed_out and deadline is not None and deadline.limited:
        via = f" (through the proxy {proxy})" if proxy else ""
        text = f"no answer from {target}{via} within call_timeout={deadline.seconds:g} s"
        return CallTimeoutError(f"{what}: {text} {detail}", request=request, host=host, port=port, proxy=proxy)
    kind = APITimeoutError if timed_out else APIConnectionError
    message = f"{what}: {_describe(error, target, proxy)} {detail}"
    return kind(message, request=request, host=host, port=port, proxy=proxy)
