"""Turn an ``httpx.Response`` into a model or a typed error, for the sync and async clients alike.

Statuses are handled as plain integers: upstream's generated ``_build_response`` calls
``HTTPStatus(status)``, which raises ``ValueError`` on non-standard statuses such as 520. The
endpoint template override routes the generated functions through ``http_status`` and
``parse_or_raise`` below, so they raise the same typed errors as ``DcsClient``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any, Protocol, Self, TypeVar

import httpx

from .errors import APIResponseValidationError, APIStatusError, SchemaMismatchError, status_error_class


class FromDict(Protocol):
    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self: ...


class _NotJson:
    def __repr__(self) -> str:
        return "<not JSON>"


NOT_JSON: Any = _NotJson()
M = TypeVar("M", bound=FromDict)
T = TypeVar("T")


def json_body(response: httpx.Response) -> Any:  # noqa: ANN401 - any JSON value
    """The parsed JSON body, or ``NOT_JSON`` when the body is empty, not UTF-8 or not JSON."""
    try:
        return response.json()
    except ValueError:  # json.JSONDecodeError and UnicodeDecodeError
        return NOT_JSON


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def status_error(response: httpx.Response) -> APIStatusError:
    """The typed error for a non-2xx response, whatever its body."""
    body = json_body(response)
    fields: Mapping[str, Any] = body if isinstance(body, dict) else {}
    nested = fields.get("error")
    if isinstance(nested, dict) and "error_code" not in fields:  # {"error": {"code": …, "message": …}}
        fields = {"error_code": nested.get("code"), "error_msg": nested.get("message"), **fields}
    error_code, error_msg = _text(fields.get("error_code")), _text(fields.get("error_msg"))
    request_id = response.headers.get("X-Request-Id") or _text(fields.get("request_id"))
    status = f"HTTP {response.status_code}" + (f" {response.reason_phrase}" if response.reason_phrase else "")
    if error_code or error_msg:
        detail = f"{error_code or '?'}: {error_msg or ''}"
    else:
        detail = "undocumented error body: " + repr(response.text[:200] if body is NOT_JSON else body)[:200]
    message = f"{status}: {detail}" + (f" (request id {request_id})" if request_id else "")
    return status_error_class(response.status_code)(
        message,
        response=response,
        body=response.text if body is NOT_JSON else body,
        error_code=error_code,
        error_msg=error_msg,
        request_id=request_id,
    )


def raise_for_status(response: httpx.Response) -> None:
    """The typed error of a non-2xx response; nothing for a 2xx."""
    if not 200 <= response.status_code < 300:
        raise status_error(response)


def parse_model(response: httpx.Response, model: type[M]) -> M:
    """The 2xx body as ``model``; a typed error for any other status or a body off the schema."""
    raise_for_status(response)
    # A 204 may come without the body a 200 carries (HTTP forbids one): every field is then absent.
    body = {} if response.status_code == 204 and not response.content else json_body(response)
    if body is NOT_JSON:
        raise APIResponseValidationError(
            f"HTTP {response.status_code}: the body is not JSON: {response.text[:200]!r}",
            response=response,
            body=response.text,
        )
    if not isinstance(body, dict):
        raise APIResponseValidationError(
            f"HTTP {response.status_code}: expected a JSON object for {model.__name__}, got {type(body).__name__}",
            response=response,
            body=body,
        )
    return parse_or_raise(response, lambda: model.from_dict(body), model.__name__)


def parse_or_raise(response: httpx.Response, parse: Callable[[], T], what: str = "the documented schema") -> T:
    """Run ``parse``; a body it cannot read becomes ``APIResponseValidationError`` naming the problem."""
    try:
        return parse()
    except SchemaMismatchError as error:
        raise APIResponseValidationError(
            f"HTTP {response.status_code}: the body does not match {what}: {error}",
            response=response,
            body=json_body(response),
        ) from error
    except (KeyError, TypeError, ValueError, AttributeError) as error:  # not JSON, or a path not type-checked
        body = json_body(response)
        problem = f"the body is not JSON: {response.text[:200]!r}" if body is NOT_JSON else f"{error!r}"
        raise APIResponseValidationError(
            f"HTTP {response.status_code}: the body does not match {what}: {problem}",
            response=response,
            body=response.text if body is NOT_JSON else body,
        ) from error


def http_status(response: httpx.Response) -> HTTPStatus:
    """The status as ``HTTPStatus``; a non-standard one (e.g. 520) raises its typed ``APIStatusError``."""
    try:
        return HTTPStatus(response.status_code)
    except ValueError:
        raise status_error(response) from None
