"""Broken servers for URI and routing (issue 22, item 2), each a bug a maintainer or a front could have, caught by
the check named for its rule:

- `signed_path_variant_contained`: a router that resolves `..` segments after the tenancy check (done on the path as
  sent); a proxy that decodes `%2F` and `%2E` before routing, after authentication; a handler that crashes on an
  empty path segment.
- `unsigned_path_variant_refused`: an authentication filter that skips the paths it does not recognise (a trailing
  slash), which the framework then strips; an allow-list anchored to the canonical form, after which the framework
  merges slashes, resolves dot segments and decodes unreserved characters.

Each passes the request on to the emulator re-signed, as a trusted backend call (`ResigningGateway`): as the owner
of the project the normalised path names (a backend trusting its front), or as the demo (authentication skipped).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote

from starlette.types import ASGIApp, Scope

from contract_tests.emulator import Credential, Scenario, errors

from .rules import _error
from .variants import Headers, ResigningGateway, Variant, _answers, _claimed, _raw_path

SIGNED = frozenset({"signed_path_variant_contained"})
UNSIGNED = frozenset({"unsigned_path_variant_refused"})
Normalise = Callable[[str], str]


def _dots_resolved(path: str) -> str:
    """Dot segments resolved, slashes merged, the trailing one dropped (what `posixpath.normpath` does)."""
    return posixpath.normpath(path)


def _slashes_and_dots_decoded(path: str) -> str:
    """`%2F` and `%2E` decoded (either case), then dot segments resolved."""
    return _dots_resolved(re.sub("%2[fFeE]", lambda found: unquote(found[0]), path))


def _unreserved_decoded(path: str) -> str:
    """Percent-encoded unreserved characters decoded, then dot segments resolved."""
    return _dots_resolved(re.sub(r"%[0-9A-Fa-f]{2}", lambda found: _keep_reserved(unquote(found[0]), found[0]), path))


def _keep_reserved(decoded: str, encoded: str) -> str:
    return decoded if re.fullmatch(r"[A-Za-z0-9\-._~]", decoded) else encoded


def _rerouted(scope: Scope, path: str) -> Scope:
    return {**scope, "path": unquote(path), "raw_path": path.encode()}


def _project(path: str) -> str:
    parts = path.split("/")
    return parts[2].lower() if len(parts) > 2 else ""


def tenancy_checked_before(
    normalise: Normalise, applies: Callable[[str], bool]
) -> Callable[[ASGIApp, Scenario], ASGIApp]:
    """The caller's access checked on the project of the path as sent; the data read on the path `normalise` makes
    of it (for the paths `applies` picks), as the owner of that path's project."""

    def wrap(app: ASGIApp, scenario: Scenario) -> ASGIApp:
        def owner(scope: Scope) -> Credential | None:
            sent, caller = _raw_path(scope), _claimed(scope, scenario)
            if caller is None or not applies(sent) or not caller.may_access(_project(sent)):
                return None
            try:
                return scenario.credential_for(_project(normalise(sent)))
            except LookupError:
                return None

        return ResigningGateway(app, owner, lambda scope: _rerouted(scope, normalise(_raw_path(scope))))

    return wrap


def authentication_skipped(
    applies: Callable[[str], bool], normalise: Normalise
) -> Callable[[ASGIApp, Scenario], ASGIApp]:
    """Paths `applies` picks never meet the authentication filter; the framework then routes what `normalise`
    makes of them, and the backend serves them as the demo's (whoever asked)."""

    def wrap(app: ASGIApp, scenario: Scenario) -> ASGIApp:
        def anyone(scope: Scope) -> Credential | None:
            return scenario.demo if applies(_raw_path(scope)) else None

        return ResigningGateway(app, anyone, lambda scope: _rerouted(scope, normalise(_raw_path(scope))))

    return wrap


def _crash_on_empty_segment(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    """`segments[i]` of a path split on `/` read as an ID: an empty one raises (an unhandled 500)."""
    if "//" in _raw_path(scope):
        return _error(errors.INTERNAL_ERROR, headers)
    return status, headers, body


def _has_dot_dot(path: str) -> bool:
    return "/../" in path


def _has_encoded(path: str) -> bool:
    return re.search("%2[fFeE]", path) is not None


def _trailing_slash(path: str) -> bool:
    return len(path) > 1 and path.endswith("/")


def _not_canonical(path: str) -> bool:
    """What an allow-list anchored to `^/v2/[0-9a-f-]+/instances/…$` misses: empty or dot segments, escapes."""
    return "//" in path or "/./" in path or "%" in path


ROUTING_VARIANTS: tuple[Variant, ...] = (
    Variant("`..` resolved after the tenancy check", tenancy_checked_before(_dots_resolved, _has_dot_dot), SIGNED),
    Variant(
        "a proxy decodes %2F and %2E before routing",
        tenancy_checked_before(_slashes_and_dots_decoded, _has_encoded),
        SIGNED,
    ),
    Variant("a crash on an empty path segment", _answers(_crash_on_empty_segment), SIGNED),
    Variant("a trailing slash skips authentication", authentication_skipped(_trailing_slash, _dots_resolved), UNSIGNED),
    Variant(
        "non-canonical paths skip the allow-list", authentication_skipped(_not_canonical, _unreserved_decoded), UNSIGNED
    ),
)
