"""Paths of the project and one way to run the external tools the publishing steps use."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from contract_tests.spec.document import REPO_ROOT, SPEC_PATH

ROOT, SPEC = REPO_ROOT, SPEC_PATH  # the names the publishing modules use
OPENAPI = ROOT / "openapi"
PUBLISHED = OPENAPI / "published" / "dcs-background-tasks.yaml"
CHANGELOG = OPENAPI / "CHANGELOG.md"
DIST = ROOT / "dist"
NODE_BIN = OPENAPI / "node_modules" / ".bin"
VENV_BIN = Path(sys.executable).parent
BUNDLE_STEM = "dcs-background-tasks"

# The npm tools phone home (telemetry, update checks) unless told not to; this project talks to
# nothing but loopback and the package registries.
QUIET_NODE_ENV = {
    "REDOCLY_TELEMETRY": "off",
    "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    "OPTIC_TELEMETRY_LEVEL": "off",
    "NO_UPDATE_NOTIFIER": "1",
    "FORCE_COLOR": "0",
    "NO_COLOR": "1",
}


class PublishError(Exception):
    """A publishing check failed; the message says what and how to fix it."""


def tool_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, **QUIET_NODE_ENV, **(extra or {})}


Command = Sequence[str | Path]


def run(command: Command, *, what: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run a tool, return its combined output; raise PublishError with that output when it fails."""
    completed = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env or tool_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise PublishError(f"{what} failed (exit {completed.returncode}):\n{strip_banners(completed.stdout)}")
    return completed.stdout


def strip_banners(output: str) -> str:
    """Drop the boxed notices (Node.js deprecation, donations) that bury the real messages."""
    boxed = ("║", "╔", "╚", "#####", "# ")
    return "\n".join(line for line in output.splitlines() if not line.lstrip().startswith(boxed)).strip()


def node_tool(name: str) -> Path:
    path = NODE_BIN / name
    if not path.exists():
        raise PublishError(f"{path} is missing: run `make node-tools` (npm ci in openapi/).")
    return path
