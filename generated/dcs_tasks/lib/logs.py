"""The SDK's logging: the standard logger ``dcs_tasks``, switched on by ``DCS_LOG`` (like openai's ``OPENAI_LOG``).

One DEBUG line per request and per response (method, path, status, elapsed, request ID), one INFO
line per retry (reason, attempt, delay). Lines carry no header and no query value, so no secret
(secret key, token, signature, security token) can reach a log. ``DCS_LOG=debug`` or ``info``
attaches a stderr handler at that level; otherwise configure ``logging`` as usual.
"""

from __future__ import annotations

import logging
import os

logger = logging.getLogger("dcs_tasks")
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}


def setup_from_environment() -> None:
    """Honour ``DCS_LOG`` once per process (called when a client is built)."""
    level = _LEVELS.get(os.environ.get("DCS_LOG", "").strip().lower())
    if level is None or getattr(logger, "_dcs_configured", False):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    logger._dcs_configured = True  # type: ignore[attr-defined]
