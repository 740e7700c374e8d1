"""The SDK's logging: the standard logger ``dcs_tasks``, switched on by ``DCS_LOG`` (like openai's ``OPENAI_LOG``).

One DEBUG line per request and per response (method, path, status, elapsed, request ID), one INFO
line per retry (reason, attempt, delay) and per configuration (where each setting came from).
Lines carry no header and no query value, so no secret (secret key, token, signature, security
token) can reach a log. ``DCS_LOG=debug`` or ``info`` attaches a stderr handler at that level;
otherwise configure ``logging`` as usual.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from typing import TextIO

from .variables import environment

logger = logging.getLogger("dcs_tasks")
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}


class CurrentStderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is at each line (as logging's own last-resort handler does).

    A terminal UI that redirects ``sys.stderr`` while it draws (rich's ``Live``) then receives the
    lines and prints them above its view, instead of the lines landing in the middle of it.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass  # always the current sys.stderr


def setup_from_environment(environ: Mapping[str, str] | None = None) -> None:
    """Honour ``DCS_LOG`` once per process (called when a client is built)."""
    level = _LEVELS.get(environment(environ).get("DCS_LOG", "").strip().lower())
    if level is None or getattr(logger, "_dcs_configured", False):
        return
    handler = CurrentStderrHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    logger._dcs_configured = True  # type: ignore[attr-defined]
