"""``python -m contract_tests.proxy`` (``make proxy``): a validating proxy in front of DCS on loopback.

Clients point their endpoint at it; it forwards each request to UPSTREAM re-signed with the configured
credentials, streams the answer back unchanged, and prints a summary when it stops. docs/proxy.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence

from dcs_tasks.lib.errors import ConfigurationError

from .config import DEFAULT_HOST, DEFAULT_PORT, ProxyConfigError, ProxySettings, load_settings
from .observers import ExchangeObserver
from .server import ProxyServer
from .summary import SummaryObserver


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m contract_tests.proxy", description=__doc__)
    parser.add_argument("--upstream", help="base URL to forward to (UPSTREAM; else DCS_ENDPOINT or DCS_REGION)")
    parser.add_argument("--host", default=DEFAULT_HOST, help="loopback address to listen on")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="0: any free port")
    parser.add_argument(
        "--rate-limit", help="forward at most this often, e.g. 10/s or 600/m; the rest queue (RATE_LIMIT)"
    )
    parser.add_argument("--allow-destructive", help="1: forward POST/PUT/PATCH/DELETE (ALLOW_DESTRUCTIVE; default 0)")
    parser.add_argument("--duration", help="stop after this many seconds (DURATION; default: at Ctrl-C)")
    parser.add_argument("--request-timeout", help="seconds per connect, read and write upstream (REQUEST_TIMEOUT)")
    return parser.parse_args(argv)


def banner(proxy: ProxyServer) -> str:
    settings: ProxySettings = proxy.settings
    pace = f"at most {settings.rate_limit:g} requests/s, the rest queue" if settings.rate_limit else "unpaced"
    state = (
        "read-only: POST, PUT, PATCH and DELETE are refused with 403 PROXY.403 (ALLOW_DESTRUCTIVE=1 forwards them)"
        if settings.read_only
        else "POST, PUT, PATCH and DELETE are forwarded (ALLOW_DESTRUCTIVE=1)"
    )
    stops = f"after {settings.duration:g} s or at Ctrl-C" if settings.duration else "at Ctrl-C"
    return "\n".join(
        [
            f"DCS validating proxy on {proxy.url} -> {settings.upstream}",
            f"  signs with:  {settings.describe_credentials()}",
            f"  mode:        {state}",
            f"  pace:        {pace}",
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
    """Serve until stopped; 0 after a clean stop, 2 when a setting is wrong or the port taken.

    ``observers`` are told every exchange besides the built-in summary (the seam judging plugs into).
    """
    args = parse_args(argv)
    flags = {
        "UPSTREAM": args.upstream,
        "RATE_LIMIT": args.rate_limit,
        "ALLOW_DESTRUCTIVE": args.allow_destructive,
        "DURATION": args.duration,
        "REQUEST_TIMEOUT": args.request_timeout,
    }
    try:
        settings = load_settings(flags, host=args.host, port=args.port, environ=environ)
        proxy = ProxyServer(settings, [SummaryObserver(sys.stdout), *observers])
    except (ProxyConfigError, ConfigurationError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 2
    print(banner(proxy), flush=True)
    proxy.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
