"""Which header fields a proxy passes on (RFC 9110 §7.6.1), on both legs.

Hop-by-hop fields describe one connection, so they never cross the proxy: ``Connection``, the fields it
names, and the fields the RFC lists (plus the ``Proxy-*`` ones, meant for a proxy, and ``Proxy-Connection``,
the old spelling clients still send). Everything else passes unchanged, in order, repeats kept.
"""

from __future__ import annotations

from collections.abc import Iterable

HeaderPairs = tuple[tuple[str, str], ...]  # (name, value) as on the wire, latin-1 decoded; order and repeats kept

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


def end_to_end(headers: Iterable[tuple[str, str]]) -> HeaderPairs:
    """``headers`` without the hop-by-hop fields and those their ``Connection`` fields name."""
    pairs = tuple(headers)
    named = {
        token.strip().lower() for name, value in pairs if name.lower() == "connection" for token in value.split(",")
    }
    dropped = HOP_BY_HOP | named
    return tuple((name, value) for name, value in pairs if name.lower() not in dropped)


def first(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    """The first value of ``name`` (any case), or None."""
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None)


def joined(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Lower-cased name → value, a repeated field's values joined with ``, `` (RFC 9110 §5.3)."""
    result: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        result[key] = f"{result[key]}, {value}" if key in result else value
    return result
