"""`RequestIds`: every `X-Request-Id` a run was answered with, and the request that got it first (what
`request_id_unique` judges by, across cases, probes, the checks' own requests and throttled answers)."""

from __future__ import annotations

from .answers import Answer, header


class RequestIds:
    """Every `X-Request-Id` a run was answered with, and the request that got it first."""

    def __init__(self) -> None:
        self.first: dict[str, str] = {}

    def repeated(self, response: Answer) -> str | None:
        """What is wrong when `response` repeats an ID another answer of the run carried (None when new or absent)."""
        value = header(response, "X-Request-Id")
        if not value:
            return None  # a missing header is `response_headers_conformance`'s (and the probes') business
        request = response.request
        sent = f"{request.method} {request.path_url}" if request is not None else "a request"
        if value not in self.first:
            self.first[value] = sent
            return None
        return f"X-Request-Id {value!r} answered {sent}, and already {self.first[value]}: each answer needs its own"
