"""Re-send one request of a contract run, as each failure in the summary prints it:

    python -m contract_tests.replay [--base-url URL] [--auth MODE] [--data BODY] [--header NAME:VALUE …] METHOD PATH

With `--base-url` the credentials come from the environment, as for `make contract BASE_URL=…`;
without, a fresh emulator is started on a loopback port (the default scenario) and stopped after.
`--auth` is how the request is authenticated: `signed` (default), `unsigned`, a failing signature
(`signature-altered`, `-shortened`, `-lengthened`, `-upper-cased`, `wrong-secret-key`,
`x-sdk-date-30-minutes-old`, `x-sdk-date-30-minutes-ahead`), one part sent otherwise than signed
(`signed-as-another-method`, `path-segment-N-case-swapped`, `query-parameter-added`, `-removed`,
`query-value-changed`, `content-type-changed`, `host-changed`, `user-agent-changed`, `x-sdk-date-changed`,
`x-project-id-changed`, `x-security-token-changed`), `header-names-recased`, `other-tenant`, `temporary`,
`security-token-dropped`, `security-token-altered`, `token-altered`. The request is signed afresh.
`--header` adds a header (an `Accept`, a TRACE marker). PATH goes on the wire exactly as written (dot segments,
`%2e`, `%61` kept: the path variants' probes send them so). Prints the status, headers and body (credentials
redacted); exit 0 once an answer came, 2 otherwise.
Ours because a curl command (Schemathesis' `Case.as_curl_command`, the summary's `request:`) cannot re-send a
signed request later: the gateway refuses an `X-Sdk-Date` more than 15 minutes old.
"""

from __future__ import annotations

import argparse
import sys

import requests

from .record.findings import redact
from .record.recording import describe_connection_error
from .settings.errors import SettingsError
from .settings.reading import read_settings
from .spec.api import load_spec
from .target.as_written import send_as_written
from .target.auth_modes import auth_modes
from .target.opening import open_target


def _header(item: str) -> tuple[str, str]:
    name, separator, value = item.partition(":")
    if not separator or not name.strip():
        raise SettingsError(f"--header {item!r}: expected NAME:VALUE")
    return name.strip(), value.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m contract_tests.replay", description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url")
    parser.add_argument("--auth", default="signed")
    parser.add_argument("--data")
    parser.add_argument("--header", action="append", default=[], help="NAME:VALUE, added to the request")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("method")
    parser.add_argument("path")
    args = parser.parse_args(argv)
    try:
        # The run's settings, as `make contract` reads them (a bad BASE_URL is refused the same way, before anything
        # is sent); the emulator's run in-process is not a replay of one over HTTP.
        settings = read_settings(["--base-url", args.base_url] if args.base_url is not None else [])
        with open_target(settings) as target:
            modes = auth_modes(target, load_spec(settings.spec_path))
            if args.auth not in modes:
                raise SettingsError(f"--auth {args.auth}: this target offers {', '.join(modes)}")
            body = args.data.encode() if args.data is not None else None
            headers = {"Content-Type": "application/json", **dict(_header(item) for item in args.header)}
            with requests.Session() as session:
                response = send_as_written(
                    session,
                    args.method,
                    target.base_url + args.path,
                    auth=modes[args.auth],
                    body=body,
                    headers=headers,
                    timeout=args.timeout,
                )
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except requests.RequestException as error:
        print(f"error: {describe_connection_error(error)}", file=sys.stderr)
        return 2
    print(f"{args.method} {args.path} → {response.status_code} in {response.elapsed.total_seconds():.3f} s")
    for name, value in response.headers.items():
        print(f"{name}: {value}")
    print()
    print(redact(response.text, target.secrets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
