"""Bundle the spec into one self-contained file, as YAML and as JSON, named with ``info.version``."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scripts.publishing.tools import BUNDLE_STEM, OPENAPI, Command, PublishError, node_tool, run


@dataclass(frozen=True)
class Bundle:
    yaml_path: Path
    json_path: Path
    document: dict[str, Any] = field(repr=False)

    @property
    def version(self) -> str:
        return str(self.document["info"]["version"])


def spec_version(spec: Path) -> str:
    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    try:
        return str(document["info"]["version"])
    except (TypeError, KeyError) as error:
        raise PublishError(f"{spec} has no info.version") from error


def bundle(spec: Path, out_dir: Path) -> Bundle:
    """Redocly ``bundle`` writes both files (two runs side by side: one per output format)."""
    version = spec_version(spec)
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = {ext: out_dir / f"{BUNDLE_STEM}-{version}.{ext}" for ext in ("yaml", "json")}
    redocly = node_tool("redocly")
    config = OPENAPI / "redocly.yaml"

    def write(ext: str) -> str:
        command: Command = [redocly, "bundle", spec, "--config", config, "--ext", ext, "--output", targets[ext]]
        return run(command, what=f"redocly bundle ({ext})")

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(write, targets))
    document = json.loads(targets["json"].read_text(encoding="utf-8"))
    if yaml.safe_load(targets["yaml"].read_text(encoding="utf-8")) != document:
        raise PublishError(f"{targets['yaml']} and {targets['json']} differ: the bundler is not deterministic")
    return Bundle(targets["yaml"], targets["json"], document)
