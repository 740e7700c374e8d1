"""Lint the spec with Redocly CLI (recommended-strict) and Spectral (every OAS rule); no problem passes.

The bundle must also describe the API, not this repository: it lands in the header of every SDK
generated from it, so no string in it may name a file or directory of the repository.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from scripts.publishing.tools import OPENAPI, ROOT, Command, PublishError, node_tool, run

NOT_OURS = {"dist", "node_modules", "reports"}  # build output, not the repository's content


def repository_names(root: Path = ROOT) -> list[str]:
    """Top-level directories (``generated/``) and files (``Makefile``) of the repository, and its spec files."""
    names = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or entry.name in NOT_OURS:
            continue
        names.append(f"{entry.name}/" if entry.is_dir() else entry.name)
        if entry.is_dir() and "_" in entry.name:  # `contract_tests` is no English word: bare is a path too
            names.append(entry.name)
    return [*names, "dcs.yaml", "CHANGELOG.md", ".py"]


def strings(node: object, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from strings(item, f"{where}/{index}")
    elif isinstance(node, str):
        yield where or "/", node


def repository_mentions(document: dict[str, Any], names: list[str]) -> list[str]:
    """``where: name`` for every string of the document that names a repository path."""
    alternatives = (rf"(?<![\w./-]){re.escape(name)}" if name != ".py" else r"\w\.py\b" for name in names)
    pattern = re.compile("|".join(alternatives))
    return [f"{where}: {match.group(0)!r}" for where, text in strings(document) for match in pattern.finditer(text)]


def check_describes_the_api(bundled: Path) -> str:
    document = json.loads(bundled.read_text(encoding="utf-8"))
    mentions = repository_mentions(document, repository_names())
    if mentions:
        raise PublishError(
            f"the bundle {bundled.name} names paths of this repository, which end up in every SDK "
            "generated from it; describe the API instead:\n  " + "\n  ".join(mentions)
        )
    return f"{bundled.name} describes the API: it names no repository path"


def lint(spec: Path, bundled: Path) -> list[str]:
    """Lint the source spec with both linters and validate the bundle; return one summary line per tool."""
    redocly: Command = [node_tool("redocly"), "lint", spec, "--config", OPENAPI / "redocly.yaml", "--format=stylish"]
    spectral: Command = [
        node_tool("spectral"), "lint", spec,
        "--ruleset", OPENAPI / ".spectral.yaml",
        "--fail-severity=warn",  # a warning fails too: fix it or switch the rule off, with a reason
        "--format=stylish",
    ]  # fmt: skip
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [pool.submit(run, redocly, what="Redocly lint"), pool.submit(run, spectral, what="Spectral lint")]
        failures = [str(job.exception()) for job in jobs if job.exception() is not None]
    if failures:
        raise PublishError("\n\n".join(failures))
    describes_the_api = check_describes_the_api(bundled.with_suffix(".json"))
    document, _ = read_from_filename(str(bundled))
    try:
        validate(document)
    except Exception as error:  # the validator raises several unrelated types
        raise PublishError(f"the bundle {bundled.name} is not a valid OpenAPI document: {error}") from error
    return [
        "Redocly lint (recommended-strict): 0 problems",
        "Spectral lint (spectral:oas, all rules): 0 problems",
        f"openapi-spec-validator: {bundled.name} is valid",
        describes_the_api,
    ]
