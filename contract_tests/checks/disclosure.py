"""What text discloses of a server's internals (issue 22, item 7), after ZAP's passive rules for APIs: a stack trace or
an exception's class name (90022 Application Error Disclosure, 10023 Information Disclosure - Debug Error Messages),
a file path of the server's, an SQL error or statement (90019 SQL Injection error signatures, 40018), a private address
or internal host name (2 Private IP Disclosure), and in headers a product version or platform (10036 Server Leaks
Version Information, 10037 X-Powered-By, 10061 X-AspNet-Version). Each finder returns the offending text, quoted in
its context, or None.

What the client sent is no disclosure (`without_echo`): an error that echoes the URL asked for (an emulator on
127.0.0.1, a staging host `dcs.internal`, a fuzzed ID such as `a.php` or `SELECT`) names what the client already
knows, and is searched with those parts taken out.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

CONTEXT = 40  # characters quoted either side of a finding

STACK_TRACE = re.compile(
    "|".join(
        (
            r"Traceback \(most recent call last\)",  # Python
            r"File \"[^\"]+\", line \d+",  # Python frame
            # JVM frames
            (
                r"\bat (?:[\w$.@-]+/)?[\w$]+(?:\.[\w$<>]+)+"
                r"\((?:[\w$]+\.(?:java|kt|scala|groovy):\d+|Unknown Source|Native Method)\)"
            ),
            r"\b(?:Exception in thread|Caused by:) ",  # JVM
            r"\bgoroutine \d+ \[[\w ]+\]:",  # Go
            r"\bpanic: .+\n",  # Go
            r"[\w/.-]+\.go:\d+\b",  # Go frame
            r"\bat [\w.`<>]+\([^)]*\) in [^\n]*:line \d+",  # .NET
            r"--- End of (?:inner exception )?stack trace",  # .NET
            r"\bat (?:[\w.<>]+ )?\(?(?:/|node:|file:)[^\s)]*\.?\w*:\d+:\d+\)?",  # Node
            r"\bpanicked at\b|[\w/.-]+\.rs:\d+:\d+",  # Rust
            r"[\w/.-]+\.rb:\d+:in `",  # Ruby
            r"\b(?:Fatal error|Parse error|Warning): .{0,200} on line \d+|Stack trace:\s*#0",  # PHP
        )
    )
)
EXCEPTION_CLASS = re.compile(
    "|".join(
        (
            r"\b(?:java|javax|jakarta|org|com|io|net|kotlin|scala|System|Microsoft)\.(?:[\w$]+\.)*[A-Z][\w$]*(?:Exception|Error)\b",
            r"\b(?:[A-Z][a-z0-9]+)+(?:Exception|Error)\b",  # NullPointerException, KeyError, TypeError
            r"\b(?:runtime error|\*errors\.errorString|undefined is not a function|Cannot read propert(?:y|ies) of)\b",
        )
    )
)
FILE_PATH = re.compile(
    "|".join(
        (
            r"(?:/(?:usr|opt|var|home|etc|srv|root|proc|mnt|workspace)/[\w.@+-]+(?:/[\w.@+-]+)*)",
            r"[\w.@+-]*(?:site-packages|dist-packages|node_modules|WEB-INF)[/\\][\w.@+/\\-]*",
            r"(?:[/\\][\w.@+-]+)+\.(?:py|pyc|java|class|jar|go|rs|js|mjs|cjs|ts|rb|php|cs|cpp|jsp|aspx?|ex|exs|pl|pm)\b",
            r"\b[A-Za-z]:\\[^\s\"'<>]+",
        )
    )
)
SQL_ERROR = re.compile(
    "|".join(
        (
            r"SQL syntax|syntax error at or near|Incorrect syntax near|Unclosed quotation mark|SQLSTATE",
            r"quoted string not properly terminated|\bORA-\d{5}\b|\bPLS-\d{5}\b|DB2 SQL error|\bSQLCODE\b",
            r"\bpsycopg2?\b|\bPG::\w+|PSQLException|org\.postgresql|com\.mysql|MySqlException|SQLServerException",
            r"\bsqlite3?\.\w+|SQLiteException|sqlalchemy\.exc|\bHibernate\w*Exception|\bJDBC\b|\bODBC\b|OLE DB",
            r"duplicate key value violates unique constraint|relation \"[^\"]+\" does not exist|\bmysql_\w+\(",
            r"\b(?:SELECT\b[^;]{1,200}?\bFROM|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b",
            r"no such (?:table|column)|Unknown column '|invalid input syntax for|\bER_[A-Z_]{4,}\b|\bE11000\b",
            r"Npgsql|MariaDB server version|Microsoft SQL Native Client|SQL command not properly ended",
        )
    )
)
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{1,4}:){1,7}:?(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*)?(?![\w:])")
INTERNAL_HOST = re.compile(
    r"(?<![\w.-])(?:localhost|[a-z0-9](?:[\w-]*[a-z0-9])?(?:\.[a-z0-9](?:[\w-]*[a-z0-9])?)*"
    r"\.(?:internal|local|localdomain|intranet|intra|corp|lan|svc|cluster\.local|consul|home\.arpa))(?![\w-]|\.[a-z0-9])",
    re.IGNORECASE,
)


def quoted(text: str, start: int, end: int) -> str:
    """The text from `start` to `end`, with `CONTEXT` characters around it, on one line. Words are never cut: a secret
    in the context is quoted whole, so the recorder's scrubbing finds it (a cut one would leak its first half)."""
    before, after = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    while before > 0 and not text[before - 1].isspace():
        before -= 1
    while after < len(text) and not text[after].isspace():
        after += 1
    excerpt = ("…" if before else "") + text[before:after] + ("…" if after < len(text) else "")
    return repr(" ".join(excerpt.split()))


def first(pattern: re.Pattern[str], text: str) -> str | None:
    found = pattern.search(text)
    return None if found is None else quoted(text, found.start(), found.end())


# RFC 1918 and loopback, link-local (the metadata service's 169.254/16, fe80::/10), unique local (fc00::/7).
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
    )
)
MIN_ECHO = 3  # a sent part shorter than this (`v2`, `1`) is too common to take out of the text


def _private(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in PRIVATE_NETWORKS)


def internal_address(text: str) -> str | None:
    """The first private address or internal host name in `text`."""
    for pattern, judged in ((_IPV4, _private), (_IPV6, _private), (INTERNAL_HOST, lambda _name: True)):
        for found in pattern.finditer(text):
            if judged(found.group(0)):
                return quoted(text, found.start(), found.end())
    return None


def sent_parts(url: str) -> tuple[str, ...]:
    """What a request to `url` told the server: the URL, its host and port, its path, each path segment and query
    value, as sent and decoded; longest first, so the whole is taken out before its parts."""
    split = urlsplit(url)
    parts = {url, split.netloc, split.hostname or "", split.path, split.query}
    parts |= set(split.path.split("/")) | {value for pair in split.query.split("&") for value in pair.split("=")}
    parts |= {unquote(part) for part in parts}
    return tuple(sorted((part for part in parts if len(part) >= MIN_ECHO), key=len, reverse=True))


def without_echo(text: str, sent: Iterable[str]) -> str:
    """`text` with every part the client sent replaced by `…`."""
    for part in sent:
        text = text.replace(part, "…")
    return text


# Headers that name the software behind the service, whatever their value (ZAP 10037, 10061; debug tooling).
DISCLOSING_HEADERS = re.compile(
    r"x-powered-by|x-aspnet(?:mvc)?-version|x-backend-server|x-debug(?:-[\w-]*)?|x-sourcefiles|x-generator"
    r"|x-runtime-version|x-php-version|x-drupal-\w+|x-varnish-backend|x-application-context|x-chrome(?:logger|php)-data",
    re.IGNORECASE,
)
# Headers that name a hop: they disclose when the hop is an internal address (`Via: 1.1 10.0.3.7:8080`).
HOP_HEADERS = re.compile(
    r"via|x-upstream[\w-]*|x-served-by|x-backend[\w-]*|x-forwarded-(?:server|host)|x-host", re.IGNORECASE
)
# A product token with a version (`nginx/1.18.0`, `Apache/2.4.41`), or a platform comment (`(Ubuntu)`): ZAP 10036.
VERSIONED = re.compile(
    r"[\w.-]+/\d[\w.-]*|\w\(\d[\w.-]*\)|\((?:Ubuntu|Debian|CentOS|Red Hat|Win32|Win64|Unix|FreeBSD|Amazon)[^)]*\)"
)


def header_disclosure(name: str, value: str, sent: Iterable[str] = ()) -> str | None:
    """What the header `name: value` discloses of the server's internals, quoted, or None (`sent`: what the client
    sent, no disclosure)."""
    line = f"{name}: {value}"
    if DISCLOSING_HEADERS.fullmatch(name):
        return repr(line)
    if name.lower() == "server" and VERSIONED.search(value):
        return repr(line)
    if HOP_HEADERS.fullmatch(name) and internal_address(without_echo(value, sent)):
        return repr(line)
    return None
