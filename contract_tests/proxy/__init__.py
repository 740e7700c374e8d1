"""A validating proxy for DCS: clients' calls to a real service, re-signed, forwarded, and handed to observers.

Under AK/SK signing the signature covers ``Host``, so a proxy cannot pass a request on as it is: this one
re-signs each with the configured credentials (``dcs_tasks.lib.config.resolve``, as the SDK, CLI and suite),
streams the upstream's answer back unchanged, and queues every exchange for its ``ExchangeObserver``s off the
hot path. ``python -m contract_tests.proxy`` serves it; docs/proxy.md says how.

Layers, each importing only from those below it (import-linter contracts in pyproject.toml): ``headers`` →
``exchange``, ``config`` (records, settings) → ``observers`` (the seam) → ``answers``, ``pacing``, ``signer``,
``forward`` (one job each) → ``app`` (ASGI), ``summary`` (the built-in observer) → ``server`` (uvicorn) →
``__main__``.
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
from .summary import SummaryObserver

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
    "SummaryObserver",
    "Timings",
    "load_settings",
    "running",
]
