"""``python -m contract_tests.proxy`` (``make proxy``): a validating proxy in front of DCS on loopback.

Clients point their endpoint at it; it forwards each request to UPSTREAM re-signed with the configured
credentials, streams the answer back unchanged, and judges every exchange against the spec with the contract
suite's checks. When it stops (Ctrl-C, SIGTERM or DURATION): the summary, and the suite's report files under
REPORTS_DIR (proxy-report.html, proxy-failures.har, proxy-junit.xml, proxy-summary.json). docs/proxy.md.
Exit status: 0 when nothing was found, 1 when anything was, 2 on a bad setting or a port it cannot listen on.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence

from dcs_tasks.lib.errors import ConfigurationError

from .config import ProxyConfigError, ProxySettings, given_flags, load_settings, proxy_parser
from .judging import Judge
from .observers import ExchangeObserver
from .server import ProxyServer


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    return proxy_parser("python -m contract_tests.proxy", __doc__.split("\n\n")[0]).parse_args(argv)


def banner(proxy: ProxyServer) -> str:
    settings: ProxySettings = proxy.settings
    pace = f"at most {settings.rate_limit:g} requests/s, the rest queue" if settings.rate_limit else "unpaced"
    state = (
        "read-only: POST, PUT, PATCH and DELETE are refused with 403 PROXY.403 (ALLOW_CHANGES=1 forwards them)"
        if settings.read_only
        else "POST, PUT, PATCH and DELETE are forwarded (ALLOW_CHANGES=1)"
    )
    stops = f"after {settings.duration:g} s or at Ctrl-C" if settings.duration else "at Ctrl-C"
    reports = settings.table.reports_dir
    return "\n".join(
        [
            *(f"note: {note}" for note in settings.table.notes),
            f"DCS validating proxy on {proxy.url} -> {settings.upstream}",
            f"  signs with:  {settings.describe_credentials()}",
            f"  mode:        {state}",
            f"  pace:        {pace}",
            f"  judges:      every exchange against openapi/dcs.yaml; reports in {reports}/ when it stops",
            f"  stops:       {stops}",
            f"Point clients at it: export DCS_ENDPOINT={proxy.url}",
        ]
    )


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    observers: Sequence[ExchangeObserver] = (),
) -> int:
    """Serve until stopped, judging every exchange; 0 when nothing was found, 1 when anything was, 2 when a setting
    is wrong or the port taken. ``observers`` are told every exchange besides the judge."""
    args = parse_args(argv)
    try:
        settings = load_settings(given_flags(args), host=args.host, port=args.port, environ=environ)
        judge = Judge(settings, sys.stdout)
        proxy = ProxyServer(settings, [judge, *observers])
    except (ProxyConfigError, ConfigurationError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 2
    print(banner(proxy), flush=True)
    proxy.run()
    return judge.exit_code


if __name__ == "__main__":
    sys.exit(main())
