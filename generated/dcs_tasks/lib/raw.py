"""``client.with_raw_response.<operation>(…)``: the HTTP response of a successful call, parsed on demand.

As in openai-python: status, headers and request ID are there without parsing; ``parse()`` gives
the model the plain method returns. Error statuses raise the same typed errors as the plain method.

The raw methods are not a second copy of the operations: ``to_raw_response_wrapper`` wraps the
plain method (openai-python's ``to_raw_response_wrapper``), and while the wrapped call runs, the
client's ``_send`` hands the first response back through ``deliver`` instead of parsing it. A list
operation's raw variant therefore answers its first page.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from types import TracebackType
from typing import Any, Generic, ParamSpec, Self, TypeVar, overload

import httpx

from .responses import FromDict, parse_model, raise_for_status

M = TypeVar("M", bound=FromDict)
T = TypeVar("T")
P = ParamSpec("P")

# Set while a raw wrapper runs its method (a context variable: each thread and asyncio task has its own).
_raw_call: ContextVar[bool] = ContextVar("dcs_tasks_raw_call", default=False)


class RawResponse(Generic[T]):
    """A successful response of an operation whose parsed form is ``T`` (``None`` for bodiless answers)."""

    def __init__(self, http_response: httpx.Response, model: type[FromDict] | None) -> None:
        self.http_response = http_response
        self._model = model

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The service's ``X-Request-Id``: quote it to support."""
        request_id: str | None = self.http_response.headers.get("X-Request-Id")
        return request_id

    @property
    def elapsed(self) -> datetime.timedelta:
        return self.http_response.elapsed

    def parse(self) -> T:
        """The body as the operation's model (what the plain method returns)."""
        if self._model is None:
            raise_for_status(self.http_response)
            return None  # type: ignore[return-value]  # T is None for bodiless operations
        parsed: T = parse_model(self.http_response, self._model)  # type: ignore[assignment]
        return parsed

    def __repr__(self) -> str:
        return f"<RawResponse {self.status_code} request_id={self.request_id!r}>"


class _RawAnswer(Exception):  # noqa: N818 - control flow, never seen by callers
    """Carries a successful response from ``deliver`` out of the wrapped method to its raw wrapper."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def deliver(response: httpx.Response, model: type[M]) -> M:
    """What the client's ``_send`` returns: the model, or inside a raw wrapper the response itself."""
    if _raw_call.get():
        raise_for_status(response)
        raise _RawAnswer(response)
    return parse_model(response, model)


def deliver_empty(response: httpx.Response) -> None:
    """``deliver`` for an operation without a success body."""
    raise_for_status(response)
    if _raw_call.get():
        raise _RawAnswer(response)


class _Capture:
    """While open, the client's sends answer raw; the first response sent is kept for ``answer``."""

    def __init__(self, model: type[FromDict] | None) -> None:
        self._model = model
        self._response: httpx.Response | None = None

    def __enter__(self) -> Self:
        self._token = _raw_call.set(True)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> bool:
        _raw_call.reset(self._token)
        if isinstance(error, _RawAnswer):
            self._response = error.response
            return True  # the answer stops the wrapped method: swallowed here
        return False

    def answer(self) -> RawResponse[Any]:
        if self._response is None:
            raise AssertionError("the wrapped operation returned without sending a request")  # every operation sends
        return RawResponse(self._response, self._model)


@overload
def to_raw_response_wrapper(method: Callable[P, object], model: None) -> Callable[P, RawResponse[None]]: ...
@overload
def to_raw_response_wrapper(method: Callable[P, object], model: type[M]) -> Callable[P, RawResponse[M]]: ...
def to_raw_response_wrapper(method: Callable[P, object], model: type[M] | None) -> Callable[P, RawResponse[Any]]:
    """``method`` (an operation of the sync client), answering ``RawResponse[model]`` instead of the model."""

    @functools.wraps(method)
    def raw(*args: P.args, **kwargs: P.kwargs) -> RawResponse[Any]:
        with _Capture(model) as capture:
            method(*args, **kwargs)
        return capture.answer()

    return raw


@overload
def async_to_raw_response_wrapper(
    method: Callable[P, Awaitable[object]], model: None
) -> Callable[P, Awaitable[RawResponse[None]]]: ...
@overload
def async_to_raw_response_wrapper(
    method: Callable[P, Awaitable[object]], model: type[M]
) -> Callable[P, Awaitable[RawResponse[M]]]: ...
def async_to_raw_response_wrapper(
    method: Callable[P, Awaitable[object]], model: type[M] | None
) -> Callable[P, Awaitable[RawResponse[Any]]]:
    """``to_raw_response_wrapper`` for an operation of the async client."""

    @functools.wraps(method)
    async def raw(*args: P.args, **kwargs: P.kwargs) -> RawResponse[Any]:
        with _Capture(model) as capture:
            await method(*args, **kwargs)
        return capture.answer()

    return raw
