"""Every exception the SDK raises, in one hierarchy rooted at ``DcsError``.

Kept free of runtime imports (httpx only for type hints) because the generated models import
``SchemaMismatchError`` from here and the package root must stay cheap to import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from ..models import ShowBackgroundTaskProgressResponse, StepDetail


class _Missing:
    """A required field the body leaves out (distinct from an explicit ``null``)."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING = _Missing()


class DcsError(Exception):
    """Base class of every error this SDK raises."""


class InvalidArgumentError(DcsError, ValueError):
    """A caller's mistake, found before anything is sent: a blank ID, a naive datetime, a negative timeout …

    Also a ``ValueError``, so ``except ValueError`` written for other libraries still catches it.
    """


class InvalidTypeError(InvalidArgumentError, TypeError):
    """An argument of the wrong type (a ``str`` where a ``datetime`` is expected …); also a ``TypeError``."""


class ConfigurationError(InvalidArgumentError):
    """The client's settings cannot work: an unknown region, region and endpoint both, an endpoint that is
    not an http(s) URL, … The message names the argument, flag or environment variable it came from."""


class CredentialsError(ConfigurationError):
    """No usable credentials or project: the message says where the SDK looked, and what it found there."""


class ClientClosedError(DcsError, RuntimeError):
    """A call on a client after ``close()`` / ``aclose()`` (or on a caller's ``http_client`` that is closed)."""


class SchemaMismatchError(DcsError, ValueError):
    """A JSON value does not match the spec's schema; ``path`` says where (``step_details[3].begin_time``)."""

    def __init__(self, path: str, expected: str, value: object) -> None:
        self.path = path
        self.expected = expected
        self.value = value
        got = "missing" if value is MISSING else f"{type(value).__name__} {_short_repr(value)}"
        super().__init__(f"{path or '<body>'}: expected {expected}, got {got}")

    def at(self, prefix: str) -> SchemaMismatchError:
        """The same mismatch seen from the enclosing object (``prefix`` is its field, e.g. ``step_details[3]``)."""
        return SchemaMismatchError(f"{prefix}.{self.path}" if self.path else prefix, self.expected, self.value)


class APIError(DcsError):
    """An HTTP exchange with the service failed; ``request`` is the last request sent (if any)."""

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


class APIConnectionError(APIError):
    """The service could not be reached or the connection broke (after any retries).

    ``host`` and ``port`` are the service's; ``proxy`` is the ``host:port`` of the proxy the request
    went through (``None`` without one). The message names both, and says when the proxy failed.
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        host: str | None = None,
        port: int | None = None,
        proxy: str | None = None,
    ) -> None:
        super().__init__(message, request=request)
        self.host = host
        self.port = port
        self.proxy = proxy


class APITimeoutError(APIConnectionError):
    """A connect, read, write or pool timeout expired (after any retries)."""


class CallTimeoutError(APITimeoutError):
    """``call_timeout`` expired: the whole call, retries and backoff included, took all the time it was given."""


class APIResponseValidationError(APIError):
    """A success response whose body is not JSON or does not match the spec."""

    def __init__(self, message: str, *, response: httpx.Response, body: object) -> None:
        super().__init__(message, request=response.request)
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.request_id = response.headers.get("X-Request-Id")


class APIStatusError(APIError):
    """The service answered with a status other than 2xx.

    ``error_code`` / ``error_msg`` come from the documented error body (``None`` when the body is
    not one, e.g. a proxy's HTML page); ``body`` is the parsed JSON, or the text when it is not JSON;
    ``request_id`` is the ``X-Request-Id`` header (or the gateway's ``request_id`` field).
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: object,
        error_code: str | None,
        error_msg: str | None,
        request_id: str | None,
    ) -> None:
        super().__init__(message, request=response.request)
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id


class BadRequestError(APIStatusError):
    """400: the request is malformed (e.g. an invalid instance or task ID)."""


class AuthenticationError(APIStatusError):
    """401: missing, invalid or expired credentials, or a bad signature."""


class PermissionDeniedError(APIStatusError):
    """403: authenticated, but not allowed to do this."""


class NotFoundError(APIStatusError):
    """404: the instance or task does not exist."""


class MethodNotAllowedError(APIStatusError):
    """405: the method is not allowed on this URL."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's state."""


class RateLimitError(APIStatusError):
    """429: throttled by the API gateway (``APIG.0308``)."""


class InternalServerError(APIStatusError):
    """Any 5xx, including non-standard ones such as 520."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    409: ConflictError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The most specific ``APIStatusError`` subclass for a status (plain ``APIStatusError`` if none)."""
    if status_code >= 500:
        return InternalServerError
    return _BY_STATUS.get(status_code, APIStatusError)


def _short_repr(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TaskFailedError(DcsError):
    """A waited-for background task failed: at least one step is ``FAILED``.

    ``failed_steps`` are those steps (``error_code`` of each, or of its failed sub-step, in
    ``error_codes``); ``response`` is the last progress response, the one that showed the failure.
    """

    def __init__(
        self, task_id: str, response: ShowBackgroundTaskProgressResponse, failed_steps: list[StepDetail]
    ) -> None:
        self.task_id = task_id
        self.response = response
        self.failed_steps = failed_steps
        self.error_codes = [failed_step_code(step) for step in failed_steps]
        described = ", ".join(
            f"{step.step_name or step.step_id or '?'} ({code or 'no error code'})"
            for step, code in zip(failed_steps, self.error_codes, strict=True)
        )
        super().__init__(f"task {task_id} failed at step {described}")


class WaitTimeoutError(DcsError, TimeoutError):
    """A waited-for task was still unfinished when the timeout expired.

    ``response`` is the last progress response seen: ``None`` when no poll was answered in time (the
    service hung; the ``CallTimeoutError`` that ended the last poll is the ``__cause__``).
    """

    def __init__(self, task_id: str, response: ShowBackgroundTaskProgressResponse | None, timeout: float) -> None:
        self.task_id = task_id
        self.response = response
        self.timeout = timeout
        if response is None:
            state = "no poll was answered"
        else:
            state = f"progress {response.progress}%, remain_time {response.remain_time} s"
        super().__init__(f"task {task_id} still unfinished after {timeout:g} s ({state})")


def failed_step_code(step: StepDetail) -> str | None:
    """The error code of a failed step: its own, else the first failed sub-step's."""
    if step.error_code:
        return step.error_code
    for sub in step.sub_step_details or ():
        if sub.sub_step_status == "FAILED" and sub.error_code:
            return sub.error_code
    return None
