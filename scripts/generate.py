"""Regenerate the Python SDK from the spec: ``make generate`` and ``make check-generated``.

1. The spec is read and the generator's view of it is derived: schemas marked
   ``x-sdk-format: date-time`` get ``format: date-time`` (the published spec keeps a pattern
   that admits both timestamp forms, which ``format: date-time`` would reject).
2. openapi-python-client (pinned) renders it with the template overrides in
   ``openapi/generator/templates``.
3. The hand-written modules in ``openapi/sdk`` are copied into the package, then formatted.

``--check`` renders into a temporary directory and fails with a unified diff when
``generated/`` differs, i.e. is stale or was edited by hand.
"""

from __future__ import annotations

import argparse
import difflib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "dcs.yaml"
GENERATOR_DIR = ROOT / "openapi" / "generator"
HAND_WRITTEN = ROOT / "openapi" / "sdk"
TARGET = ROOT / "generated"
PACKAGE = "dcs_sdk"
BIN = Path(sys.executable).parent


def generator_view(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec as the Python generator should see it (see the module docstring)."""
    for schema in spec.get("components", {}).get("schemas", {}).values():
        sdk_format = schema.pop("x-sdk-format", None)
        if sdk_format is not None:
            schema["format"] = sdk_format
            schema.pop("pattern", None)
    return spec


def render(output: Path) -> None:
    with tempfile.TemporaryDirectory() as work:
        view = Path(work) / "dcs.json"
        view.write_text(json.dumps(generator_view(yaml.safe_load(SPEC.read_text(encoding="utf-8")))))
        subprocess.run(
            [
                str(BIN / "openapi-python-client"),
                "generate",
                "--path",
                str(view),
                "--config",
                str(GENERATOR_DIR / "config.yaml"),
                "--custom-template-path",
                str(GENERATOR_DIR / "templates"),
                "--meta",
                "uv",
                "--output-path",
                str(output),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            env={"PATH": f"{BIN}:/usr/bin:/bin", "HOME": work},
        )
    for module in sorted(HAND_WRITTEN.glob("*.py")):
        shutil.copyfile(module, output / PACKAGE / module.name)
    subprocess.run([str(BIN / "ruff"), "format", "--quiet", "--no-cache", str(output / PACKAGE)], check=True)
    shutil.rmtree(output / ".ruff_cache", ignore_errors=True)


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and ".ruff_cache" not in path.parts
    }


def check(target: Path = TARGET) -> int:
    with tempfile.TemporaryDirectory() as work:
        fresh = Path(work) / "generated"
        render(fresh)
        expected, actual = tree(fresh), tree(target) if target.exists() else {}
    if expected == actual:
        print("generated/ is up to date with the spec, generator config, templates and openapi/sdk.")
        return 0
    print("generated/ differs from what `make generate` produces (stale, or edited by hand):")
    for name in sorted(expected.keys() | actual.keys()):
        before = actual.get(name, b"").decode("utf-8", "replace").splitlines(keepends=True)
        after = expected.get(name, b"").decode("utf-8", "replace").splitlines(keepends=True)
        if before != after:
            sys.stdout.writelines(difflib.unified_diff(before, after, f"generated/{name}", f"expected/{name}"))
    print("\nRun `make generate` and commit the result; change the spec or openapi/, never generated/.")
    return 1


def generate() -> int:
    with tempfile.TemporaryDirectory(dir=ROOT) as work:
        fresh = Path(work) / "generated"
        render(fresh)
        if TARGET.exists():
            shutil.rmtree(TARGET)
        fresh.rename(TARGET)
    print(f"generated/ rendered from {SPEC.relative_to(ROOT)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail with a diff when generated/ is stale")
    parser.add_argument("--target", type=Path, default=TARGET, help="the tree --check compares (default: generated/)")
    arguments = parser.parse_args()
    return check(arguments.target) if arguments.check else generate()


if __name__ == "__main__":
    sys.exit(main())
