"""``client.with_raw_response.<operation>(…)``: the HTTP response of a successful call, parsed on demand.

As in openai-python: status, headers and request ID are there without parsing; ``parse()`` gives
the model the plain method returns. Error statuses raise the same typed errors as the plain method.
"""

from __future__ import annotations

import datetime
from typing import Generic, TypeVar

import httpx

from .responses import FromDict, parse_model, raise_for_status

M = TypeVar("M", bound=FromDict)
T = TypeVar("T")


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
