"""Lint the spec with Redocly CLI (recommended-strict) and Spectral (every OAS rule); no problem passes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from scripts.publishing.tools import OPENAPI, Command, PublishError, node_tool, run


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
    document, _ = read_from_filename(str(bundled))
    try:
        validate(document)
    except Exception as error:  # the validator raises several unrelated types
        raise PublishError(f"the bundle {bundled.name} is not a valid OpenAPI document: {error}") from error
    return [
        "Redocly lint (recommended-strict): 0 problems",
        "Spectral lint (spectral:oas, all rules): 0 problems",
        f"openapi-spec-validator: {bundled.name} is valid",
    ]
