"""Publish the spec: ``make publish-spec`` and ``make publish-check``.

Subcommands:
  bundle   write dist/dcs-background-tasks-<info.version>.yaml and .json (Redocly bundle)
  lint     Redocly (recommended-strict) and Spectral (spectral:oas, all rules): zero problems
  clients  the generator matrix: 9 openapi-generator outputs + openapi-typescript, string-checked;
           TypeScript, Go and Python clients compiled and run against the emulator
  gate     breaking-change gate against openapi/published/, the CHANGELOG rule, SDK version = spec version
  docs     the reference page (Redocly build-docs, offline) and its headless-Chromium test
  check    all of the above (what `make publish-check` and so `make test` run)
  dist     the Python SDK's sdist and wheel in dist/sdk/, checked by twine
  promote  run the gate, then make the current bundle the published baseline
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from scripts.publishing.bundle import Bundle, bundle
from scripts.publishing.clients import probe
from scripts.publishing.dist import dist
from scripts.publishing.docs import build_docs, check_page
from scripts.publishing.emulator import running_emulator
from scripts.publishing.gate import check as gate_check
from scripts.publishing.lint import lint
from scripts.publishing.tools import CHANGELOG, DIST, PUBLISHED, SPEC, PublishError


def step(title: str, action: Callable[[], list[str]]) -> None:
    started = time.perf_counter()
    lines = action()
    print(f"== {title} ({time.perf_counter() - started:.1f} s)")
    for line in lines:
        print(f"   {line}")


def run_gate(args: argparse.Namespace, current: Bundle) -> list[str]:
    verdict = gate_check(current.yaml_path, args.published, args.changelog, first_publication=args.command == "promote")
    report = ["Optic's report on the change:", *verdict.diff_report.splitlines()] if verdict.diff_report else []
    return [f"gate passed: {verdict.summary}", *report]


def reference_page(current: Bundle, out_dir: Path) -> list[str]:
    page = build_docs(current, out_dir)
    return [f"built {page}", *check_page(page, out_dir / "reference-page.png", current)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("command", choices=["bundle", "lint", "clients", "gate", "docs", "check", "promote", "dist"])
    parser.add_argument("--spec", type=Path, default=SPEC, help="the spec to publish (default: %(default)s)")
    parser.add_argument("--published", type=Path, default=PUBLISHED, help="the last published bundle")
    parser.add_argument("--changelog", type=Path, default=CHANGELOG, help="the spec's changelog")
    parser.add_argument("--dist", type=Path, default=DIST, help="where bundles are written")
    parser.add_argument("--no-emulator", action="store_true", help="clients: skip the calls to the emulator")
    args = parser.parse_args()
    started = time.perf_counter()
    try:
        current = bundle(args.spec, args.dist)
        print(f"== bundle: {current.yaml_path} and {current.json_path.name} (info.version {current.version})")
        if args.command in ("lint", "check"):
            step("lint", lambda: lint(args.spec, current.yaml_path))
        if args.command in ("gate", "check", "promote"):
            step("breaking-change gate", lambda: run_gate(args, current))
        if args.command in ("clients", "check"):
            emulator = None if args.no_emulator else running_emulator
            step("other-language clients", lambda: probe(current, args.dist / ".cache", emulator))
        if args.command in ("docs", "check"):
            step("reference page", lambda: reference_page(current, args.dist))
        if args.command == "dist":
            step("Python SDK distribution", lambda: dist(args.dist / "sdk"))
        if args.command == "promote":
            args.published.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(current.yaml_path, args.published)
            print(f"== promoted: {args.published} is now the published baseline ({current.version})")
    except PublishError as error:
        print(f"\nPUBLISH CHECK FAILED ({args.command}):\n{error}", file=sys.stderr)
        return 1
    print(f"== publish {args.command}: OK in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
