"""A throw-away copy of the spec, its CHANGELOG and the published baseline, and a way to run publish.py on it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_tests.spec.document import SPEC_PATH

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Workspace:
    root: Path

    @property
    def spec(self) -> Path:
        return self.root / "dcs.yaml"

    @property
    def changelog(self) -> Path:
        return self.root / "CHANGELOG.md"

    @property
    def published(self) -> Path:
        return self.root / "published" / "dcs-background-tasks.yaml"

    @property
    def published_version(self) -> str:
        version: str = yaml.safe_load(self.published.read_text(encoding="utf-8"))["info"]["version"]
        return version

    def bumped(self, part: str) -> str:
        """The published version with its ``major``, ``minor`` or ``patch`` number raised."""
        major, minor, patch = (int(number) for number in self.published_version.split("."))
        return {
            "major": f"{major + 1}.0.0",
            "minor": f"{major}.{minor + 1}.0",
            "patch": f"{major}.{minor}.{patch + 1}",
        }[part]

    def edit_spec(self, change: Callable[[dict[str, Any]], None]) -> None:
        document = yaml.safe_load(self.spec.read_text(encoding="utf-8"))
        change(document)
        self.spec.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def set_version(self, version: str) -> None:
        self.edit_spec(lambda document: document["info"].__setitem__("version", version))

    def add_changelog_entry(self, version: str, text: str = "- What changed, for API users.") -> None:
        intro, _, rest = self.changelog.read_text(encoding="utf-8").partition("\n## ")
        self.changelog.write_text(f"{intro}\n## {version} - 2026-12-01\n\n{text}\n\n## {rest}", encoding="utf-8")

    def gate_after(
        self, change: Callable[[dict[str, Any]], None], version: str, entry: str | None = "- What changed."
    ) -> subprocess.CompletedProcess[str]:
        """Edit the spec, set its version, add a CHANGELOG entry (unless ``entry`` is None), run the gate."""
        self.edit_spec(change)
        self.set_version(version)
        if entry is not None:
            self.add_changelog_entry(version, entry)
        return self.publish("gate")

    def publish(self, command: str, *extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable, "-m", "scripts.publish", command,
                "--spec", str(self.spec), "--changelog", str(self.changelog),
                "--published", str(self.published),
                "--dist", str(self.root / "dist"), *extra,
            ],
            capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    shutil.copyfile(SPEC_PATH, tmp_path / "dcs.yaml")
    shutil.copyfile(ROOT / "openapi" / "CHANGELOG.md", tmp_path / "CHANGELOG.md")
    shutil.copytree(ROOT / "openapi" / "published", tmp_path / "published")
    workspace = Workspace(tmp_path)
    # The gate tests start from a spec equal to the published baseline: the repository may carry
    # an unreleased version ahead of it.
    shutil.copyfile(workspace.published, workspace.spec)
    _drop_unreleased_sections(workspace.changelog, workspace.published_version)
    return workspace


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(number) for number in text.split("."))


def _drop_unreleased_sections(changelog: Path, published: str) -> None:
    """The CHANGELOG as of the baseline: sections of versions newer than `published` left out."""
    kept: list[str] = []
    keep = True
    for line in changelog.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("## "):
            keep = _version(line.removeprefix("## ").split()[0]) <= _version(published)
        if keep:
            kept.append(line)
    changelog.write_text("".join(kept), encoding="utf-8")
