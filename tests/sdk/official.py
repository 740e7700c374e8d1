"""The official signer (huaweicloudsdkcore, test-only) as an oracle for ours."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import SimpleNamespace

import httpx
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer


def official_authorization(
    *,
    access_key: str,
    secret_key: str,
    method: str,
    host: str,
    resource_path: str,
    query: Sequence[tuple[str, str]],
    headers: Mapping[str, str],
    body: bytes,
) -> str:
    """The Authorization value the official SDK computes (headers must already hold X-Sdk-Date)."""
    request = SdkRequest(
        method=method,
        schema="https",
        host=host,
        resource_path=resource_path,
        query_params=list(query),
        header_params=dict(headers),
        body=body,
    )
    signed = Signer(SimpleNamespace(ak=access_key, sk=secret_key)).sign(request)
    value: str = signed.header_params["Authorization"]
    return value


def official_authorization_of(request: httpx.Request, access_key: str, secret_key: str) -> str:
    """The official signer's Authorization for ``request`` exactly as it went out."""
    headers = {k: v for k, v in request.headers.items() if k.lower() not in {"authorization", "connection"}}
    return official_authorization(
        access_key=access_key,
        secret_key=secret_key,
        method=request.method,
        host=request.url.host,
        resource_path=request.url.path,
        query=request.url.params.multi_items(),
        headers=headers,
        body=request.content,
    )
