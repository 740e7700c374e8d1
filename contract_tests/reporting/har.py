"""The failing exchanges of a run as an HTTP Archive (HAR 1.2) file, `reports/contract-failures.har`: what a
QA engineer attaches to a bug report, and what browsers' developer tools and API clients open.

Written with `harfile` (the HAR writer Schemathesis' own reports use), from `exchanges.Exchange`s, which are
already scrubbed of credentials. Each entry's `comment` names the check that failed and why; a request that
got no answer is an entry with status 0, as browsers record one.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import harfile

from ..record.exchanges import Exchange

CREATOR = harfile.Creator(name="dcs contract suite", version="1")


def _records(pairs: Iterable[tuple[str, str]]) -> list[harfile.Record]:
    return [harfile.Record(name=name, value=value) for name, value in pairs]


def _request(exchange: Exchange) -> harfile.Request:
    query = parse_qsl(urlsplit(exchange.url).query, keep_blank_values=True)
    body = exchange.request_body
    content_type = next((v for n, v in exchange.request_headers if n.lower() == "content-type"), "")
    return harfile.Request(
        method=exchange.method,
        url=exchange.url,
        httpVersion=exchange.http_version,
        headers=_records(exchange.request_headers),
        queryString=_records(query),
        postData=harfile.PostData(mimeType=content_type, text=body) if body else None,
        bodySize=len(body.encode()),
    )


def _response(exchange: Exchange) -> harfile.Response:
    if exchange.status is None:
        return harfile.Response(
            status=0,
            statusText="no answer",
            httpVersion=exchange.http_version,
            content=harfile.Content(size=0, mimeType=""),
            bodySize=0,
        )
    return harfile.Response(
        status=exchange.status,
        statusText=exchange.reason,
        httpVersion=exchange.http_version,
        headers=_records(exchange.response_headers),
        content=harfile.Content(size=exchange.body_size, mimeType=exchange.content_type, text=exchange.response_body),
        bodySize=exchange.body_size,
    )


def write_har(path: Path, entries: Iterable[tuple[str, Exchange]]) -> int:
    """Write `entries` (why it is here, the exchange) to `path`; returns how many were written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as file, harfile.HarFile(file, creator=CREATOR) as har:
        for comment, exchange in entries:
            milliseconds = round(exchange.elapsed * 1000, 3)
            har.add_entry(
                startedDateTime=exchange.started,
                time=milliseconds,
                request=_request(exchange),
                response=_response(exchange),
                timings=harfile.Timings(send=0, wait=milliseconds, receive=0),
                comment=comment,
            )
            count += 1
    return count
