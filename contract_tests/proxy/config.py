"""The proxy's settings: the rows of the suite's one table that apply to the proxy (`contract_tests.settings.table`,
`Kind.PROXY`), each from its flag, else its environment variable, else its default; plus where it listens.

The rows (docs/contract-suite.md's table lists them; `python -m contract_tests.proxy --help` too): `UPSTREAM` (where
to forward; else `DCS_ENDPOINT` or `DCS_REGION` when set, never the SDK's default region, so the proxy contacts no
cloud it was not pointed at), `RATE_LIMIT` (forwarded requests at most this often, the rest queue), `ALLOW_CHANGES`
(1 forwards POST, PUT, PATCH and DELETE; 0, the default, refuses them; formerly `ALLOW_DESTRUCTIVE`, read with a
deprecation line), `DURATION` (stop after this many seconds), `REQUEST_TIMEOUT` (each connect, read and write
upstream; 120 s by default, the vendor SDK's read timeout), `PROGRESS` and `REPORTS_DIR` (what the judging shows and
writes). `--host` and `--port` (`127.0.0.1:8081`) are flags only: loopback only, since it signs what it forwards
with your credentials.

Credentials (AK/SK with an optional security token, an IAM token, the profile file, the metadata service) and
the project come from the configuration the SDK, the CLI and the contract suite read: ``dcs_tasks.lib.config.resolve``.
"""

from __future__ import annotations

import argparse
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from dcs_tasks.lib.chain import AnyCredentials
from dcs_tasks.lib.config import resolve
from dcs_tasks.lib.credentials import TokenCredentials
from dcs_tasks.lib.variables import ENDPOINT_VARIABLE, REGION_VARIABLE, Setting, Spelling, environment, variable

from ..settings.errors import SettingsError
from ..settings.reading import argument_parser, read_rows
from ..settings.table import Kind, Settings, rows

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8081  # beside `make emulator`'s 8080
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})  # as the suite's api_spec.changes_state decides
PROXY = Spelling("", "UPSTREAM", "DCS_PROJECT_ID", "", "Set one of them: the proxy signs what it forwards with them.")
# The table's rows the proxy reads: variable name → field name.
FIELDS = {row.name: name for name, row in rows() if Kind.PROXY in row.kinds}


class ProxyConfigError(SettingsError):
    """A setting the proxy cannot start with; the message names it and says what it wants."""


@dataclass(frozen=True)
class ProxySettings:
    upstream: str  # base URL, no trailing slash
    credentials: Setting[AnyCredentials]  # what every forwarded request is signed with, and where it came from
    table: Settings  # the suite's table as the proxy reads it (`Kind.PROXY`): RATE_LIMIT, ALLOW_CHANGES, …
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT  # 0: any free port

    @property
    def rate_limit(self) -> float | None:
        """Forwarded requests a second; None: unpaced."""
        return self.table.rate_limit

    @property
    def allow_changes(self) -> bool:
        return self.table.allow_changes

    @property
    def read_only(self) -> bool:
        return not self.table.allow_changes

    @property
    def duration(self) -> float | None:
        """Seconds; None: until stopped."""
        return self.table.duration

    @property
    def request_timeout(self) -> float:
        return self.table.request_timeout

    def describe_credentials(self) -> str:
        """Where the credentials came from and whose they are, without a secret."""
        keys = self.credentials.value
        who = "an IAM token" if isinstance(keys, TokenCredentials) else _access_key(keys)
        return f"{who} from {self.credentials.source}"


def _access_key(keys: AnyCredentials) -> str:
    access_key = getattr(keys, "access_key", None)  # MetadataCredentials hold none until first used
    return f"AK {access_key[:4]}…" if isinstance(access_key, str) else "temporary keys"


def proxy_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """The proxy's rows of the suite's table as flags (`--upstream`, `--rate-limit`, …), and where it listens."""
    parser = argument_parser(prog, description, Kind.PROXY)
    parser.add_argument("--host", default=DEFAULT_HOST, help="loopback address to listen on")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="0: any free port")
    return parser


def given_flags(args: argparse.Namespace) -> dict[str, str | None]:
    """The table's flags as given on the command line, by variable name (None: not given)."""
    return {name: getattr(args, field) for name, field in FIELDS.items()}


def load_settings(
    given: Mapping[str, str | None] | None = None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    environ: Mapping[str, str] | None = None,
) -> ProxySettings:
    """The settings from ``given`` (variable name → flag value, None when not given), else ``environ``.

    Raises ``ProxyConfigError`` for a bad setting and the SDK's ``ConfigurationError`` /
    ``CredentialsError`` for a bad upstream URL or missing credentials (all ``ValueError``).
    """
    env = environment(environ)
    unknown = sorted(set(given or {}) - set(FIELDS))
    if unknown:
        raise ProxyConfigError(f"not a setting of the proxy: {', '.join(unknown)} (it reads {', '.join(FIELDS)})")
    flags = {FIELDS[name]: value for name, value in (given or {}).items()}
    _check_loopback(host)
    try:
        table = read_rows(flags, env, Kind.PROXY)
    except SettingsError as error:
        raise ProxyConfigError(str(error)) from None
    if table.upstream is None and not (variable(env, ENDPOINT_VARIABLE) or variable(env, REGION_VARIABLE)):
        raise ProxyConfigError(
            f"no upstream: set UPSTREAM (or --upstream), e.g. https://dcs.cn-north-4.myhuaweicloud.com "
            f"({ENDPOINT_VARIABLE} and {REGION_VARIABLE} are not set either)"
        )
    configuration = resolve(endpoint=table.upstream, environ=env, spelling=PROXY)
    settings = ProxySettings(configuration.endpoint.value, configuration.credentials, table, host, port)
    _check_not_itself(settings)
    return settings


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
