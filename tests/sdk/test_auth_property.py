"""Byte-identical Authorization to the official signer on property-generated requests.

Each request is a real ``httpx.Request`` built from generated parts and run through ``AkSkAuth``;
the official ``Signer`` gets the same parts the way its own client would (quoted resource path,
decoded query pairs, unstripped header values).
"""

from __future__ import annotations

import datetime
from urllib.parse import quote

import httpx
from dcs_tasks import AkSkAuth, Credentials
from dcs_tasks.lib.auth import UNSIGNED_HEADERS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .official import official_authorization

HOST = "dcs.cn-north-4.myhuaweicloud.com"
DATE = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)
# Headers the request or the signer sets itself, and hop-by-hop ones (never signed by us).
RESERVED_HEADERS = {
    "host",
    "content-length",
    "content-type",
    "x-sdk-date",
    "x-project-id",
    "x-security-token",
    "x-sdk-content-sha256",
} | UNSIGNED_HEADERS
RESERVED_CHARACTERS = ":/?#[]@!$&'()*+,;=% ~\"<>\\^`{|}"

# Unicode (no surrogates, which cannot be UTF-8 encoded) mixed with URL-reserved characters.
text = st.text(
    alphabet=st.one_of(st.characters(exclude_categories=["Cs"]), st.sampled_from(RESERVED_CHARACTERS)),
    max_size=12,
)
segment = text.filter(lambda s: s not in {".", ".."})  # dot segments are normalised away by URL parsers
query_keys = st.one_of(text, st.sampled_from(["", "limit", "offset", "a"]))  # small pool → repeated keys
header_name = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,15}", fullmatch=True).filter(
    lambda name: name.lower() not in RESERVED_HEADERS
)
header_value = st.builds(
    lambda before, core, after: before + core + after,
    st.text(alphabet=" \t", max_size=3),
    st.from_regex(r"[!-~]([ !-~]{0,20}[!-~])?", fullmatch=True) | st.just(""),
    st.text(alphabet=" \t", max_size=3),
)
content_types = st.sampled_from(
    [None, "application/json", "application/json;charset=UTF-8", "text/plain", "application/octet-stream"]
)


@st.composite
def requests(draw: st.DrawFn) -> dict[str, object]:
    headers: dict[str, str] = {}
    for name, value in draw(st.lists(st.tuples(header_name, header_value), max_size=5)):
        if name.lower() not in {existing.lower() for existing in headers}:
            headers[name] = value
    content_type = draw(content_types)
    if content_type is not None:
        headers["Content-Type"] = draw(st.sampled_from(["", " ", "\t"])) + content_type
    return {
        "method": draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"])),
        "segments": draw(st.lists(segment, min_size=1, max_size=5)),
        "query": draw(st.lists(st.tuples(query_keys, text), max_size=6)),
        "headers": headers,
        "body": draw(st.binary(max_size=64)),
        "security_token": draw(st.none() | st.text(alphabet="abcXYZ019+/=", min_size=1, max_size=20)),
        "project_id": draw(st.none() | st.just("a4d31cb63d724fdc8ec96e3a41e47f71")),
    }


@settings(
    max_examples=600, derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(requests())
def test_authorization_matches_the_official_signer(case: dict[str, object]) -> None:
    method, body = str(case["method"]), case["body"]
    assert isinstance(body, bytes)
    segments, query, headers = case["segments"], case["query"], case["headers"]
    assert isinstance(segments, list)
    assert isinstance(query, list)
    assert isinstance(headers, dict)
    path = "/" + "/".join(quote(s, safe="") for s in segments)
    credentials = Credentials(
        "AK" + "X" * 18,
        "secret-key-with-ünïcode",
        security_token=case["security_token"],  # type: ignore[arg-type]
        project_id=case["project_id"],  # type: ignore[arg-type]
    )
    request = httpx.Request(method, f"https://{HOST}{path}", params=query, headers=headers, content=body)
    sent = next(AkSkAuth(credentials, clock=lambda: DATE).sync_auth_flow(request))

    official_headers = {**headers, "X-Sdk-Date": "20240506T070809Z"}
    for name in ("Host", "Content-Length", "X-Project-Id", "X-Security-Token"):
        if name in sent.headers:
            official_headers[name] = sent.headers[name] if name != "X-Security-Token" else str(case["security_token"])
    if credentials.project_id:
        official_headers["X-Project-Id"] = credentials.project_id
    expected = official_authorization(
        access_key=credentials.access_key,
        secret_key=credentials.secret_key,
        method=method,
        host=HOST,
        resource_path=path,
        query=query,
        headers=official_headers,
        body=body,
    )
    assert sent.headers["Authorization"] == expected
    # What is sent is what was signed: stripped values, no surrounding whitespace left.
    for name, value in headers.items():
        assert sent.headers[name] == value.strip()
