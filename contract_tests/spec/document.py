"""Where the project's one OpenAPI document lives, and the one cache of it (`spec_file`): every tool that reads the
spec takes its path from here, and a spec file is read once per process, with whatever is derived from it (the
suite's `ApiSpec`) built once beside it."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT / "openapi" / "dcs.yaml"
# The operations an OpenAPI path item may hold, by method.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
T = TypeVar("T")


class SpecFile:
    """One spec file, parsed; callers must not change the document."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.document: Mapping[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
        self._views: dict[Callable[[Mapping[str, Any]], Any], Any] = {}

    def view(self, make: Callable[[Mapping[str, Any]], T]) -> T:
        """What `make` derives from the document, made once per file."""
        if make not in self._views:
            self._views[make] = make(self.document)
        found: T = self._views[make]
        return found


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's when built with it: the same documents, faster


@functools.cache
def spec_file(path: Path = SPEC_PATH) -> SpecFile:
    """The spec file at `path`, read once per process: the one cache of the spec."""
    return SpecFile(path.resolve())


def spec_document(path: Path = SPEC_PATH) -> Mapping[str, Any]:
    """The parsed spec at `path` (callers must not change it)."""
    return spec_file(path).document
