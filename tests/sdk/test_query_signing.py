"""Query strings matter now that ListBackgroundTask takes a query: the SDK sends exactly the canonical
query it signs (as the official SDK builds its URL from its canonical query), and the official signer
computes the same Authorization for values with spaces, ``+``, ``*``, ``~`` and non-ASCII text."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import httpx
import pytest
from dcs_tasks import AkSkAuth, Credentials
from dcs_tasks.lib import signing

from .official import official_authorization

HOST = "dcs.cn-north-4.myhuaweicloud.com"
PATH = "/v2/p1/instances/i1/tasks"
CREDENTIALS = Credentials("AKEXAMPLE", "SKEXAMPLE", project_id="p1")
DATE = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)

CASES = {
    "space": [("name", "a b")],
    "plus": [("name", "a+b")],
    "star": [("name", "a*b")],
    "tilde": [("name", "a~b")],
    "non-ASCII": [("name", "迁移中 é")],
    "all at once, keys out of order and repeated": [
        ("z", "x y+z*~é"),
        ("limit", "10"),
        ("a", "2"),
        ("a", "1 +"),
        ("start_time", "20200609160000"),
    ],
    "reserved in keys": [("a b+*~", "v"), ("ключ", "значение")],
}


def sent(pairs: list[tuple[str, str]]) -> httpx.Request:
    params = httpx.QueryParams(tuple(pairs))
    request = httpx.Request("GET", f"https://{HOST}{PATH}", params=params, headers={"Content-Type": "application/json"})
    return next(AkSkAuth(CREDENTIALS, clock=lambda: DATE).sync_auth_flow(request))


@pytest.mark.parametrize("pairs", CASES.values(), ids=CASES.keys())
def test_the_query_sent_is_the_canonical_query_signed(pairs: list[tuple[str, str]]) -> None:
    request = sent(pairs)
    raw_query = urlsplit(str(request.url)).query
    assert raw_query == signing.canonical_query(pairs)
    assert signing.query_pairs(raw_query) == sorted(pairs), "the server decodes the values that were given"
    for character in " +*":  # never left to a gateway's reading of `+` (space or plus?) or `*`
        assert character not in raw_query


@pytest.mark.parametrize("pairs", CASES.values(), ids=CASES.keys())
def test_the_official_signer_agrees_on_the_query(pairs: list[tuple[str, str]]) -> None:
    request = sent(pairs)
    signed_names = signing.parse_authorization(request.headers["Authorization"]).signed_names
    official = official_authorization(
        access_key=CREDENTIALS.access_key,
        secret_key=CREDENTIALS.secret_key,
        method="GET",
        host=HOST,
        resource_path=PATH,
        query=pairs,
        headers={name: request.headers[name] for name in signed_names},
        body=b"",
    )
    assert request.headers["Authorization"] == official
    # And a server recomputing it from the request as received (the emulator's way) agrees too.
    url = urlsplit(str(request.url))
    assert request.headers["Authorization"] == signing.sign(
        access_key=CREDENTIALS.access_key,
        secret_key=CREDENTIALS.secret_key,
        method="GET",
        raw_path=url.path,
        raw_query=url.query,
        headers={name: request.headers[name] for name in signed_names},
        body=b"",
    )


def test_the_documented_vector_with_a_query() -> None:
    """The facts' vector: GET …/tasks?limit=10&offset=0&start_time=20200609160000 → f0c65315…"""
    request = httpx.Request(
        "GET",
        f"https://{HOST}/v2/p1/instances/i1/tasks?start_time=20200609160000&offset=0&limit=10",
        headers={"Content-Type": "application/json", "X-Project-Id": "p1"},
    )
    signed = next(AkSkAuth(Credentials("AKEXAMPLE", "SKEXAMPLE"), clock=lambda: DATE).sync_auth_flow(request))
    assert signed.url.query == b"limit=10&offset=0&start_time=20200609160000"
    assert signed.headers["Authorization"].endswith(
        "Signature=f0c6531571cdf7fe05163ab70f121ccfcdb746ea4bab60d835f274a0b81a50e0"
    )
