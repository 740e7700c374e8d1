"""Where the project's one OpenAPI document lives: every tool that reads the spec takes its path from here."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT / "openapi" / "dcs.yaml"
# The operations an OpenAPI path item may hold, by method.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@functools.cache
def spec_document() -> dict[str, Any]:
    """The spec, parsed once per process (callers must not change it)."""
    document: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return document
