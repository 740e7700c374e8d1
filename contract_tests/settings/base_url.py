"""What is wrong with a BASE_URL, in one line (`base_url_problem`), before anything is sent.

The suite appends the spec's paths (`/v2/{project_id}/…`) to BASE_URL, so BASE_URL is the server's root: an
http(s) URL with a host, and no path the spec's server URL does not have (`servers` in `openapi/dcs.yaml`:
`https://dcs.{region}.myhuaweicloud.com`, no path). Without a scheme, `requests` refuses the URL with a
traceback; with an extra path, every request misses the API and the run reads as a server full of bugs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ..spec.document import spec_document

_HOST_PORT = re.compile(r"^[\w.-]+(:\d+)?(/.*)?$")


def server_paths(document: Mapping[str, Any]) -> tuple[str, ...]:
    """The path of each server URL of the spec, variables at their defaults (OpenAPI's default server: `/`)."""
    paths = []
    for server in document.get("servers") or [{"url": "/"}]:
        url = str(server.get("url", "/"))
        for name, variable in (server.get("variables") or {}).items():
            url = url.replace("{" + name + "}", str(variable.get("default", "")))
        paths.append(urlsplit(url).path.rstrip("/"))
    return tuple(dict.fromkeys(paths))


def base_url_problem(base_url: str, document: Mapping[str, Any] | None = None) -> str | None:
    """None for a usable BASE_URL; else one line saying what is wrong and what to write instead."""
    url = base_url.strip()
    document = spec_document() if document is None else document
    if "://" not in url:
        hint = f" (write http://{url} or https://{url})" if _HOST_PORT.match(url) else ""
        return f"BASE_URL={base_url} has no scheme: give the server's root URL{hint}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"BASE_URL={base_url}: the scheme must be http or https, not {parts.scheme!r}"
    if not parts.hostname:
        return f"BASE_URL={base_url} has no host"
    if parts.query or parts.fragment:
        return f"BASE_URL={base_url} has a query or fragment: give the server's root URL"
    path = parts.path.rstrip("/")
    allowed = server_paths(document)
    if path not in allowed:
        root = f"{parts.scheme}://{parts.netloc}" + (allowed[0] if allowed else "")
        spec_urls = ", ".join(str(server.get("url")) for server in document.get("servers") or [])
        return (
            f"BASE_URL={base_url} has the path {parts.path}, which the spec's server URL ({spec_urls or '/'}) "
            f"does not have: the suite appends /v2/… itself, so give the server's root ({root})"
        )
    return None
