"""Where the project's one OpenAPI document lives: every tool that reads the spec takes its path from here."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SPEC_PATH = REPO_ROOT / "openapi" / "dcs.yaml"
