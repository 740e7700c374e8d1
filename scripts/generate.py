"""Regenerate the Python SDK from the spec: ``make generate`` and ``make check-generated``.

1. The spec is read and the generator's view of it is derived: schemas marked
   ``x-sdk-format: date-time`` get ``format: date-time`` (the published spec keeps a pattern
   that admits both timestamp forms, which ``format: date-time`` would reject).
2. openapi-python-client (pinned) renders it with ``openapi/generator/config.yaml`` and the
   template overrides in ``openapi/generator/templates``; the package version is the spec's
   ``info.version`` (the version lives only in the spec: every spec release is an SDK release).
   Every file gets a "do not edit" banner and is formatted.
3. Only the paths the generator owns are written: those it rendered, listed in
   ``generated/generator-manifest.txt``. Paths it owned before and no longer renders are removed.
   The hand-written SDK code in ``generated/dcs_tasks/lib/`` is never touched.

4. The table of the spec's operations in README.md (between its markers) is rendered anew
   (``contract_tests.spec.docs``).

``--check`` renders into a temporary directory and fails with a unified diff when a
generator-owned path differs (stale, or edited by hand), when an owned path is missing, or when
``generated/`` holds a file that is neither owned nor hand-written; and when README.md's table of
operations is not the spec's.
"""

from __future__ import annotations

import argparse
import difflib
import json
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from contract_tests.spec.api import ApiSpec
from contract_tests.spec.docs import with_operations_table
from contract_tests.spec.document import REPO_ROOT as ROOT
from contract_tests.spec.document import SPEC_PATH as SPEC
from contract_tests.spec.document import spec_document

GENERATOR_DIR = ROOT / "openapi" / "generator"
TARGET = ROOT / "generated"
README = ROOT / "README.md"
PACKAGE = "dcs_tasks"
MANIFEST = "generator-manifest.txt"
# Hand-written code inside the shipped package (openai-python's `lib/` convention).
HAND_WRITTEN = f"{PACKAGE}/lib/"
BIN = Path(sys.executable).parent
GENERATOR = "openapi-python-client"
BANNER_TEXT = f"Generated from openapi/dcs.yaml by {GENERATOR} {version(GENERATOR)}: do not edit, run `make generate`."
# Files whose format has no comments get no banner.
BANNERS = {
    ".gitignore": f"# {BANNER_TEXT}\n",
    ".py": f"# {BANNER_TEXT}\n",
    ".toml": f"# {BANNER_TEXT}\n",
    ".md": f"<!-- {BANNER_TEXT} -->\n",
}
IGNORED_PARTS = {"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache", "build", "dist"}


def generator_view(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec as the Python generator should see it (see the module docstring)."""
    for schema in spec.get("components", {}).get("schemas", {}).values():
        sdk_format = schema.pop("x-sdk-format", None)
        if sdk_format is not None:
            schema["format"] = sdk_format
            schema.pop("pattern", None)
    return spec


def generator_config(spec: dict[str, Any]) -> dict[str, Any]:
    """``openapi/generator/config.yaml`` with the package version taken from the spec's ``info.version``."""
    config: dict[str, Any] = yaml.safe_load((GENERATOR_DIR / "config.yaml").read_text(encoding="utf-8"))
    if "package_version_override" in config:
        raise ValueError("openapi/generator/config.yaml: remove package_version_override; the version is info.version")
    return {**config, "package_version_override": str(spec["info"]["version"])}


TEMPLATES = GENERATOR_DIR / "templates"


def render(output: Path, spec: Path = SPEC, templates: Path | None = TEMPLATES) -> dict[str, bytes]:
    """Render the generator-owned files into ``output``; returns them by POSIX path.

    ``templates=None`` renders with upstream's templates alone (the template-override test).
    """
    with tempfile.TemporaryDirectory() as work:
        document = yaml.safe_load(spec.read_text(encoding="utf-8"))
        view, config = Path(work) / "dcs.json", Path(work) / "config.yaml"
        view.write_text(json.dumps(generator_view(document)))
        config.write_text(json.dumps(generator_config(document)))
        subprocess.run(
            [
                str(BIN / GENERATOR),
                "generate",
                "--path",
                str(view),
                "--config",
                str(config),
                *(["--custom-template-path", str(templates)] if templates else []),
                "--meta",
                "uv",
                "--output-path",
                str(output),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            env={"PATH": f"{BIN}:/usr/bin:/bin", "HOME": work},
        )
    for path in output.rglob("*"):
        banner = BANNERS.get(".gitignore" if path.name == ".gitignore" else path.suffix)
        if path.is_file() and banner:
            path.write_text(banner + path.read_text(encoding="utf-8"), encoding="utf-8")
    subprocess.run([str(BIN / "ruff"), "format", "--quiet", "--no-cache", str(output / PACKAGE)], check=True)
    shutil.rmtree(output / ".ruff_cache", ignore_errors=True)
    files = tree(output)
    (output / MANIFEST).write_text("".join(f"{name}\n" for name in sorted([*files, MANIFEST])), encoding="utf-8")
    return tree(output)


def is_ignored(relative: PurePosixPath) -> bool:
    return bool(IGNORED_PARTS.intersection(relative.parts)) or relative.suffix == ".pyc"


def tree(root: Path, *, skip_hand_written: bool = False) -> dict[str, bytes]:
    """Every file under ``root`` by POSIX path (caches ignored; ``lib/`` optionally left out)."""
    files = {}
    for path in sorted(root.rglob("*")):
        relative = PurePosixPath(path.relative_to(root).as_posix())
        if path.is_file() and not is_ignored(relative):
            if skip_hand_written and str(relative).startswith(HAND_WRITTEN):
                continue
            files[str(relative)] = path.read_bytes()
    return files


def owned_paths(target: Path) -> list[str]:
    manifest = target / MANIFEST
    return manifest.read_text(encoding="utf-8").split() if manifest.exists() else []


def differences(expected: dict[str, bytes], target: Path) -> list[str]:
    """Unified diffs of every generator-owned path of ``target`` that is not as rendered."""
    actual = tree(target, skip_hand_written=True)
    diffs = []
    for name in sorted(expected.keys() | actual.keys()):
        if name not in expected and name not in owned_paths(target):
            diffs.append(
                f"generated/{name}: neither generator-owned nor hand-written ({HAND_WRITTEN}); move or delete it\n"
            )
            continue
        before = actual.get(name, b"").decode("utf-8", "replace").splitlines(keepends=True)
        after = expected.get(name, b"").decode("utf-8", "replace").splitlines(keepends=True)
        if before != after:
            diffs.append("".join(difflib.unified_diff(before, after, f"generated/{name}", f"expected/{name}")))
    return diffs


def check(target: Path = TARGET, spec: Path = SPEC) -> int:
    with tempfile.TemporaryDirectory() as work:
        expected = render(Path(work) / "generated", spec)
    diffs = differences(expected, target)
    if not diffs:
        print(f"generated/: the {len(expected)} generator-owned files are exactly what `make generate` produces.")
        return 0
    print("generated/ differs from what `make generate` produces (stale, or edited by hand):")
    sys.stdout.writelines(diffs)
    print("\nRun `make generate` and commit the result; change the spec or openapi/generator/, never an owned file.")
    return 1


def generate(target: Path = TARGET, spec: Path = SPEC) -> int:
    with tempfile.TemporaryDirectory() as work:
        fresh = Path(work) / "generated"
        rendered = render(fresh, spec)
        for stale in set(owned_paths(target)) - rendered.keys():
            (target / stale).unlink(missing_ok=True)
        for name, content in rendered.items():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(content)
    for directory in sorted(target.rglob("*"), reverse=True):  # directories emptied by removals
        if directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
    print(f"generated/: {len(rendered)} generator-owned files rendered from {spec.name}")
    return 0


def readme_operations(spec: Path = SPEC, *, check_only: bool = False, readme: Path = README) -> int:
    """Render the spec's operations into `readme`'s table (or, `check_only`, fail with a diff when it is stale)."""
    text = readme.read_text(encoding="utf-8")
    expected = with_operations_table(text, ApiSpec(spec_document(spec)))
    if expected == text:
        return 0
    if not check_only:
        readme.write_text(expected, encoding="utf-8")
        print(f"{readme.name}: the table of operations rendered from {spec.name}")
        return 0
    print(f"{readme.name}'s table of operations is not the spec's (run `make generate`):")
    before, after = text.splitlines(keepends=True), expected.splitlines(keepends=True)
    sys.stdout.writelines(difflib.unified_diff(before, after, readme.name, "expected"))
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail with a diff when an owned file is stale")
    parser.add_argument("--target", type=Path, default=TARGET, help="the tree to write or check (default: generated/)")
    parser.add_argument("--spec", type=Path, default=SPEC, help="the spec to render (default: openapi/dcs.yaml)")
    arguments = parser.parse_args()
    spec = arguments.spec.resolve()
    code = (check if arguments.check else generate)(arguments.target, spec)
    if arguments.target == TARGET:  # the repository's own tree: its front page too
        code = max(code, readme_operations(spec, check_only=arguments.check))
    return code


if __name__ == "__main__":
    sys.exit(main())
