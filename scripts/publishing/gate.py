"""The breaking-change gate: the current bundle against the last published one.

Rules, checked in this order:
1. ``openapi/CHANGELOG.md`` has a non-empty ``## <version>`` section for the current ``info.version``.
2. A spec whose content differs from the published one carries a newer ``info.version``.
3. A breaking change, as Optic's ``breaking-changes`` rules judge it, needs a new *major* version.

The Python SDK needs no rule: ``make generate`` takes its version from ``info.version`` (the only
copy), and ``make check-generated`` fails when ``generated/`` was not rendered from this spec.

Both bundles are compared in the published form (``open_enums.publishable``), so a baseline
published before that form existed is judged on what it accepts, not on how it was written.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from packaging.version import InvalidVersion, Version

from scripts.publishing.open_enums import publishable
from scripts.publishing.tools import Command, PublishError, node_tool, run, strip_banners

OPTIC_CHECKS = re.compile(r"Checks: \d+/\d+ passed")
CHANGELOG_HEADING = re.compile(r"^##\s+\[?v?(?P<version>[0-9][^\]\s]*)\]?.*$", re.MULTILINE)


@dataclass(frozen=True)
class Verdict:
    summary: str
    diff_report: str = ""


def changelog_versions(changelog: Path) -> set[str]:
    """Versions that have a section with at least one non-blank line under their heading."""
    if not changelog.exists():
        return set()
    text = changelog.read_text(encoding="utf-8")
    headings = list(CHANGELOG_HEADING.finditer(text))
    versions = set()
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        if text[heading.end() : end].strip():
            versions.add(heading["version"])
    return versions


def parse_version(value: str, where: str) -> Version:
    try:
        return Version(value)
    except InvalidVersion as error:
        message = f"info.version {value!r} of {where} is not a version number (use MAJOR.MINOR.PATCH)"
        raise PublishError(message) from error


def content_only(document: dict[str, Any], version: str) -> dict[str, Any]:
    """The document with another info.version: Optic waives its rules on a major bump, and the gate
    wants its verdict on the content alone (the versions are judged here)."""
    return {**document, "info": {**document["info"], "version": version}}


def breaking_changes(published: dict[str, Any], current: dict[str, Any]) -> tuple[bool, str]:
    """Optic's verdict on the published bundle against ``current``: (whether a rule failed, its report)."""
    with tempfile.TemporaryDirectory() as work:
        published_path, current_path = Path(work) / "published.yaml", Path(work) / "current.yaml"
        for path, document in ((published_path, published), (current_path, current)):
            path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
        command: Command = [node_tool("optic"), "diff", published_path, current_path, "--check", "--severity", "error"]
        try:
            return False, optic_report(run(command, what="optic diff"))
        except PublishError as failed:
            report = optic_report(str(failed))
            if not OPTIC_CHECKS.search(report):
                raise  # optic itself failed (unreadable spec, crash): no verdict on the change
            return True, report


def optic_report(output: str) -> str:
    """Optic's report without its advertising lines."""
    noise = ("Preview docs:", "Rerun this command with the --web flag", "optic diff failed (exit")
    return "\n".join(line for line in strip_banners(output).splitlines() if not line.startswith(noise))


def check(current: Path, published: Path, changelog: Path, *, first_publication: bool = False) -> Verdict:
    """Compare the current bundle with the published one; raise PublishError when a rule is broken.

    ``first_publication`` (``promote`` only) accepts a missing baseline: then only the CHANGELOG rule applies.
    """
    now_doc = yaml.safe_load(current.read_text(encoding="utf-8"))
    if not published.exists():
        if not first_publication:
            raise PublishError(
                f"There is no published spec at {published}: publish a baseline with `scripts/publish.py promote`."
            )
        before_doc = None
    else:
        before_doc = publishable(yaml.safe_load(published.read_text(encoding="utf-8")))
    now_raw = str(now_doc["info"]["version"])
    now = parse_version(now_raw, "the spec")
    if now_raw not in changelog_versions(changelog):
        raise PublishError(
            f"{changelog.name} has no entry for info.version {now_raw}.\n"
            f"Every version of the spec needs one: add a `## {now_raw}` section to {changelog} "
            "that says what changed for API users."
        )
    if before_doc is None:
        return Verdict(f"first publication of {now_raw}; {changelog.name} has an entry")
    before_raw = str(before_doc["info"]["version"])
    before = parse_version(before_raw, "the published spec")
    if now_doc == before_doc:
        return Verdict(f"the spec is unchanged since the published {before_raw}")
    if now <= before:
        raise PublishError(
            f"The spec differs from the published {before_raw} but its info.version {now_raw} is not newer.\n"
            "Bump info.version in openapi/dcs.yaml (patch: wording and examples; minor: compatible additions; "
            f"major: breaking changes) and describe the change in {changelog.name}."
        )
    broken, report = breaking_changes(before_doc, content_only(now_doc, before_raw))
    if broken and now.major <= before.major:
        raise PublishError(
            f"BREAKING CHANGE: the spec breaks clients of the published {before_raw}, yet info.version "
            f"{now_raw} keeps major version {now.major}.\n"
            f"Either undo the change, or release it as {before.major + 1}.0.0 (info.version and a "
            f"{changelog.name} entry that tells users how to migrate).\n\n"
            f"Optic's report (published {before_raw} -> current {now_raw}):\n{report}"
        )
    kind = "breaking, with a major version bump" if broken else "compatible"
    return Verdict(f"{before_raw} -> {now_raw}: {kind}; {changelog.name} has an entry", report)
