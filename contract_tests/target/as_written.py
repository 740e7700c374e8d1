"""Sending a request whose URL goes on the wire exactly as written (`send_as_written`): `requests` removes dot
segments and decodes percent-encoded unreserved characters (`%2e`, `%61`) while it prepares a URL, so a path
variant (RFC 3986 §5.2.4, §6.2.2) would otherwise reach the server already normalised. The request is prepared
without its credentials, its URL put back as written, and only then signed: the signature covers what is sent."""

from __future__ import annotations

from collections.abc import Mapping

import requests
import requests.auth


def send_as_written(
    session: requests.Session,
    method: str,
    url: str,
    *,
    auth: requests.auth.AuthBase | None,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float,
) -> requests.Response:
    prepared = session.prepare_request(requests.Request(method, url, data=body, headers=dict(headers or {})))
    prepared.url = url
    if auth is not None:
        prepared = auth(prepared)
    return session.send(prepared, timeout=timeout)
