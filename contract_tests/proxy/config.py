"""The proxy's settings: each from its flag, else the environment variable of the same name, else a default.

Credentials (AK/SK with an optional security token, an IAM token, the profile file, the metadata service)
and the project come from the configuration the SDK, the CLI and the contract suite read:
``dcs_tasks.lib.config.resolve``. The upstream is ``UPSTREAM``, else ``DCS_ENDPOINT`` or ``DCS_REGION`` when
set; never the SDK's default region, so the proxy contacts no cloud it was not pointed at.

- ``--upstream`` / ``UPSTREAM``: the base URL to forward to (else ``DCS_ENDPOINT``, ``DCS_REGION``).
- ``--rate-limit`` / ``RATE_LIMIT``: forwarded requests at most this often (``10/s``, ``600/m``, ``3600/h``;
  ``10`` is 10/s); the rest queue. Default: unpaced.
- ``--allow-destructive`` / ``ALLOW_DESTRUCTIVE``: ``1`` forwards POST, PUT, PATCH and DELETE; default ``0``
  (read-only: they are refused).
- ``--duration`` / ``DURATION``: stop after this many seconds; default: at Ctrl-C.
- ``--request-timeout`` / ``REQUEST_TIMEOUT``: seconds for each connect, read and write to the upstream
  (default 120, the vendor SDK's read timeout).
- ``--host``, ``--port``: where it listens, ``127.0.0.1:8081`` by default; loopback only, since it signs what
  it forwards with your credentials.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from dcs_tasks.lib.chain import AnyCredentials
from dcs_tasks.lib.config import resolve
from dcs_tasks.lib.credentials import TokenCredentials
from dcs_tasks.lib.variables import ENDPOINT_VARIABLE, REGION_VARIABLE, Setting, Spelling, environment, variable

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8081  # beside `make emulator`'s 8080
DEFAULT_REQUEST_TIMEOUT = 120.0  # the vendor SDK's read timeout
VARIABLES = ("UPSTREAM", "RATE_LIMIT", "ALLOW_DESTRUCTIVE", "DURATION", "REQUEST_TIMEOUT")
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})  # as the suite's api_spec.changes_state decides
PROXY = Spelling("", "UPSTREAM", "DCS_PROJECT_ID", "", "Set one of them: the proxy signs what it forwards with them.")
_PER_UNIT = {"s": 1.0, "m": 60.0, "h": 3600.0}


class ProxyConfigError(ValueError):
    """A setting the proxy cannot start with; the message names it and says what it wants."""


@dataclass(frozen=True)
class ProxySettings:
    upstream: str  # base URL, no trailing slash
    credentials: Setting[AnyCredentials]  # what every forwarded request is signed with, and where it came from
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT  # 0: any free port
    rate_limit: float | None = None  # forwarded requests a second; None: unpaced
    allow_destructive: bool = False
    duration: float | None = None  # seconds; None: until stopped
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT

    @property
    def read_only(self) -> bool:
        return not self.allow_destructive

    def describe_credentials(self) -> str:
        """Where the credentials came from and whose they are, without a secret."""
        keys = self.credentials.value
        who = "an IAM token" if isinstance(keys, TokenCredentials) else _access_key(keys)
        return f"{who} from {self.credentials.source}"


def _access_key(keys: AnyCredentials) -> str:
    access_key = getattr(keys, "access_key", None)  # MetadataCredentials hold none until first used
    return f"AK {access_key[:4]}…" if isinstance(access_key, str) else "temporary keys"


def load_settings(
    given: Mapping[str, str | None] | None = None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    environ: Mapping[str, str] | None = None,
) -> ProxySettings:
    """The settings from ``given`` (variable name → flag value, None when not given), else ``environ``.

    Raises ``ProxyConfigError`` for a bad setting and the SDK's ``ConfigurationError`` /
    ``CredentialsError`` for a bad upstream URL or missing credentials (both ``ValueError``).
    """
    env = environment(environ)
    flags = given or {}

    def value(name: str) -> str | None:
        flag = flags.get(name)
        if flag is None:
            return variable(env, name)
        return flag.strip() or None

    _check_loopback(host)
    upstream = value("UPSTREAM")
    if upstream is None and not (variable(env, ENDPOINT_VARIABLE) or variable(env, REGION_VARIABLE)):
        raise ProxyConfigError(
            f"no upstream: set UPSTREAM (or --upstream), e.g. https://dcs.cn-north-4.myhuaweicloud.com "
            f"({ENDPOINT_VARIABLE} and {REGION_VARIABLE} are not set either)"
        )
    configuration = resolve(endpoint=upstream, environ=env, spelling=PROXY)
    settings = ProxySettings(
        upstream=configuration.endpoint.value,
        credentials=configuration.credentials,
        host=host,
        port=port,
        rate_limit=_optional(value("RATE_LIMIT"), parse_rate),
        allow_destructive=parse_flag("ALLOW_DESTRUCTIVE", value("ALLOW_DESTRUCTIVE") or "0"),
        duration=_optional(value("DURATION"), lambda text: parse_seconds("DURATION", text)),
        request_timeout=parse_seconds("REQUEST_TIMEOUT", value("REQUEST_TIMEOUT") or str(DEFAULT_REQUEST_TIMEOUT)),
    )
    _check_not_itself(settings)
    return settings


def _optional(text: str | None, parse: Callable[[str], float]) -> float | None:
    return None if text is None else parse(text)


def parse_rate(text: str) -> float:
    """``10/s``, ``600/m``, ``3600/h`` or ``10`` (a second) → requests a second."""
    count, _, unit = text.strip().partition("/")
    per = _PER_UNIT.get(unit.strip().lower() or "s")
    try:
        number = float(count)
    except ValueError:
        number = math.nan
    if per is None or not (math.isfinite(number) and number > 0):
        raise ProxyConfigError(f"RATE_LIMIT must look like 10/s, 600/m or 3600/h, got {text!r}")
    return number / per


def parse_flag(name: str, text: str) -> bool:
    flag = text.strip().lower()
    if flag not in ("0", "1", "false", "true"):
        raise ProxyConfigError(f"{name} must be 1 or 0, got {text!r}")
    return flag in ("1", "true")


def parse_seconds(name: str, text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise ProxyConfigError(f"{name} must be a positive number of seconds, got {text!r}")
    return seconds


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check_loopback(host: str) -> None:
    if not is_loopback(host):
        raise ProxyConfigError(
            f"the proxy listens on loopback only (it signs what it forwards with your credentials), got host {host!r}"
        )


def _check_not_itself(settings: ProxySettings) -> None:
    parts = urlsplit(settings.upstream)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if settings.port and port == settings.port and is_loopback(parts.hostname or ""):
        raise ProxyConfigError(f"UPSTREAM {settings.upstream} is the proxy itself (port {settings.port})")
