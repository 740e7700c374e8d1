"""A validating proxy for DCS: clients' calls to a real service, re-signed, forwarded, and judged against the spec.

Under AK/SK signing the signature covers ``Host``, so a proxy cannot pass a request on as it is: this one
re-signs each with the configured credentials (``dcs_tasks.lib.config.resolve``, as the SDK, CLI and suite),
streams the upstream's answer back unchanged, and queues every exchange for its ``ExchangeObserver``s off the
hot path; the judge (``judging.Judge``) is the one ``python -m contract_tests.proxy`` adds, judging each exchange
with the contract suite's checks and reporting as the suite does. docs/proxy.md says how.

Layers, each importing only from those below it (import-linter contracts in pyproject.toml): ``headers`` →
``exchange``, ``config`` (records; the settings table's rows) → ``observers`` (the seam) → ``answers``,
``pacing``, ``signer``, ``forward`` (one job each) → ``app`` (ASGI) → ``server`` (uvicorn), ``judging`` (the
judge) → ``__main__``. Only ``judging`` imports the suite beyond its
settings table.
"""

from .config import ProxyConfigError, ProxySettings, load_settings
from .exchange import (
    Answer,
    AnswerSource,
    ClientAuth,
    ClientAuthKind,
    Exchange,
    Finding,
    FindingKind,
    ForwardedRequest,
    Outcome,
    ProxyRun,
    ReceivedRequest,
    Timings,
)
from .observers import ExchangeObserver
from .server import ProxyServer, running

__all__ = [
    "Answer",
    "AnswerSource",
    "ClientAuth",
    "ClientAuthKind",
    "Exchange",
    "ExchangeObserver",
    "Finding",
    "FindingKind",
    "ForwardedRequest",
    "Outcome",
    "ProxyConfigError",
    "ProxyRun",
    "ProxyServer",
    "ProxySettings",
    "ReceivedRequest",
    "Timings",
    "load_settings",
    "running",
]
