"""One exchange as the suite's checks see it (`Passing`): the spec operation its request maps to, its path and query
parameters as sent, the request as `requests` would hold it, and the answer as Schemathesis' `Response`, which is
what `Case.validate_response` and the suite's checks judge.

The request judged is the one the upstream answered: the client's, re-signed by the proxy (`Exchange.forwarded`);
one never forwarded is the client's as received, at the proxy's URL. Only an upstream answer that reached the client
whole is judged (not the proxy's own 403 and 502, nor an answer cut off), its body decoded as the client decodes it
(`Content-Encoding`), its headers as the client got them (hop-by-hop ones aside).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

import httpx
import requests
from requests.structures import CaseInsensitiveDict
from schemathesis import Response

from ...spec.api import ApiSpec, OperationSpec
from ..exchange import Answer, AnswerSource, Exchange, Outcome
from ..headers import HeaderPairs, end_to_end

Query = tuple[tuple[str, str], ...]  # (name, value) decoded, in the order sent, repeats kept


@dataclass(frozen=True)
class Passing:
    exchange: Exchange
    operation: OperationSpec | None  # None: no operation of the spec has this method and path
    path_values: dict[str, str]  # the operation's path parameters, decoded
    query: Query
    request: requests.PreparedRequest  # what the upstream was sent (or, not forwarded, what the proxy received)
    response: Response | None  # the upstream's whole answer; None: nothing of the service's to judge

    @property
    def number(self) -> int:
        return self.exchange.number

    @property
    def sent(self) -> float:
        """When the request went upstream (epoch seconds): no answer to it can be older."""
        timings = self.exchange.timings
        return timings.started_at + (timings.sent if timings.sent is not None else timings.request_read)

    @property
    def finished(self) -> float:
        """When the exchange ended (epoch seconds): every answer to it is older."""
        return self.exchange.timings.started_at + self.exchange.timings.finished

    @property
    def name(self) -> str:
        """The operation's ID, or `METHOD path` for a request the spec has no operation for."""
        if self.operation is not None:
            return self.operation.operation_id
        return f"{self.exchange.request.method} {self.exchange.request.raw_path}"

    def query_dict(self) -> dict[str, str | list[str]]:
        """The query as a case holds it: a repeated parameter's values in a list."""
        values: dict[str, list[str]] = {}
        for name, value in self.query:
            values.setdefault(name, []).append(value)
        return {name: found[0] if len(found) == 1 else found for name, found in values.items()}


def prepared(method: str, url: str, headers: HeaderPairs, body: bytes) -> requests.PreparedRequest:
    """A request as `requests` holds one it sent, with the URL exactly as sent (no re-encoding)."""
    request = requests.PreparedRequest()
    request.method = method
    request.url = url
    joined: CaseInsensitiveDict[str] = CaseInsensitiveDict()
    for name, value in headers:
        joined[name] = f"{joined[name]}, {value}" if name in joined else value
    request.headers = joined  # type: ignore[assignment]  # requests' own type for it: str or bytes values
    request.body = body or None
    return request


def sent_request(exchange: Exchange, proxy_url: str) -> requests.PreparedRequest:
    """The request the upstream answered, or the client's as the proxy received it when none was forwarded."""
    forwarded = exchange.forwarded
    if forwarded is not None:
        return prepared(forwarded.method, forwarded.url, forwarded.headers, forwarded.body)
    return received_request(exchange, proxy_url)


def received_request(exchange: Exchange, proxy_url: str) -> requests.PreparedRequest:
    request = exchange.request
    return prepared(request.method, proxy_url + request.target, request.headers, request.body)


def decoded(answer: Answer) -> bytes:
    """The body as the client reads it: `Content-Encoding` undone by httpx's own decoders (as the SDK's httpx does);
    a body that does not decode is judged as it came."""
    response = httpx.Response(answer.status, headers=list(answer.headers), stream=httpx.ByteStream(answer.body))
    try:
        return response.read()
    except httpx.DecodingError:
        return answer.body


def response_of(answer: Answer, request: requests.PreparedRequest, elapsed: float) -> Response:
    headers: dict[str, list[str]] = {}
    for name, value in end_to_end(answer.headers):
        headers.setdefault(name.lower(), []).append(value)
    reason = httpx.codes.get_reason_phrase(answer.status)
    version = answer.http_version.removeprefix("HTTP/")
    return Response(answer.status, headers, decoded(answer), request, elapsed, True, reason, version)


def judged_answer(exchange: Exchange) -> Answer | None:
    """The upstream's answer when it reached the client whole (else there is nothing of the service's to judge)."""
    answer = exchange.answer
    whole = exchange.outcome is Outcome.FORWARDED
    return answer if answer is not None and whole and answer.source is AnswerSource.UPSTREAM else None


def passing_of(exchange: Exchange, spec: ApiSpec, proxy_url: str) -> Passing:
    found = spec.operation_for(exchange.request.method, exchange.request.raw_path)
    operation, path_values = found if found is not None else (None, {})
    query = tuple(parse_qsl(exchange.request.raw_query, keep_blank_values=True))
    request = sent_request(exchange, proxy_url)
    answer, timings = judged_answer(exchange), exchange.timings
    elapsed = (timings.answered or 0.0) - (timings.sent or 0.0)
    response = response_of(answer, request, max(elapsed, 0.0)) if answer is not None else None
    return Passing(exchange, operation, path_values, query, request, response)
