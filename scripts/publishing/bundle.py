"""Bundle the spec into one self-contained file, as YAML and as JSON, named with ``info.version``.

Redocly bundles the spec; then every open enumeration is rewritten into the form all mainstream
generators read as a string (``open_enums.publishable``, documented there and in docs/publishing.md).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scripts.publishing.open_enums import publishable
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


class _BlockDumper(yaml.SafeDumper):
    """Multi-line strings (descriptions) as ``|`` blocks, as in the hand-written spec."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and not any(line != line.rstrip() for line in value.splitlines()) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_str)


def to_yaml(document: dict[str, Any]) -> str:
    return yaml.dump(document, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=100)


def bundle(spec: Path, out_dir: Path) -> Bundle:
    """Redocly ``bundle`` resolves the spec into one document; the published form is written twice."""
    version = spec_version(spec)
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = {ext: out_dir / f"{BUNDLE_STEM}-{version}.{ext}" for ext in ("yaml", "json")}
    with tempfile.TemporaryDirectory() as work:
        raw = Path(work) / "bundle.json"
        command: Command = [
            node_tool("redocly"), "bundle", spec, "--config", OPENAPI / "redocly.yaml", "--ext", "json", "--output", raw
        ]  # fmt: skip
        run(command, what="redocly bundle")
        document = publishable(json.loads(raw.read_text(encoding="utf-8")))
    targets["json"].write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    targets["yaml"].write_text(to_yaml(document), encoding="utf-8")
    if yaml.safe_load(targets["yaml"].read_text(encoding="utf-8")) != document:
        raise PublishError(f"{targets['yaml']} does not read back as {targets['json']}")
    return Bundle(targets["yaml"], targets["json"], document)
