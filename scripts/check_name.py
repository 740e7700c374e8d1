"""Is the SDK's name still ours on PyPI? ``python -m scripts.check_name`` (network: pypi.org only).

The distribution ``dcs-tasks`` must not exist on PyPI (``pip install`` would fetch a stranger's
code), and no namesake (every existing project whose name is one edit away, or a usual variant)
may ship our import package ``dcs_tasks`` or our command ``dcs-tasks``. The first name of this
kit, ``dcs-sdk``, failed both: an unrelated project publishes it, with a ``dcs_sdk`` package.
Not part of ``make test``: it asks the live index, which CI must not depend on.
"""

from __future__ import annotations

import io
import json
import sys
import tarfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from typing import Any

DISTRIBUTION, PACKAGE, COMMAND = "dcs-tasks", "dcs_tasks", "dcs-tasks"
NAMESAKES = (
    "dcs", "pydcs", "dcs-sdk", "dcs-core", "dcs-cli", "dcskit", "dcs-kit", "dcs-task", "dcstask", "dcstasks",
    "dcs-tasks-sdk", "dcs-tasks-cli", "dcs-client", "dcs-utils", "huaweicloud-dcs", "hwc-dcs", "py-dcs-tasks",
)  # fmt: skip
INDEX = "https://pypi.org/pypi/{name}/json"


def project(name: str) -> dict[str, Any] | None:
    """PyPI's JSON for ``name``, or None when no such project exists."""
    try:
        with urllib.request.urlopen(INDEX.format(name=name), timeout=30) as answer:  # noqa: S310 - a fixed https URL
            found: dict[str, Any] = json.load(answer)
            return found
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def shipped_names(name: str, release: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(top-level packages, console scripts) of a release: from its wheel, else from its sdist's files."""
    files = sorted(release["urls"], key=lambda file: file["packagetype"] != "bdist_wheel")  # wheels first
    if not files:
        return set(), set()
    url = urllib.parse.urljoin(INDEX.format(name=name), files[0]["url"])  # a mirror may answer relative URLs
    with urllib.request.urlopen(url, timeout=60) as answer:  # noqa: S310 - the index's own file URL
        content = answer.read()
    if files[0]["packagetype"] == "bdist_wheel":
        return _wheel_names(zipfile.ZipFile(io.BytesIO(content)))
    return _sdist_names(tarfile.open(fileobj=io.BytesIO(content)))


def _wheel_names(wheel: zipfile.ZipFile) -> tuple[set[str], set[str]]:
    packages = {name.split("/")[0].removesuffix(".py") for name in wheel.namelist() if ".dist-info/" not in name}
    scripts: set[str] = set()
    for name in wheel.namelist():
        if name.endswith(".dist-info/entry_points.txt"):
            section = ""
            for line in wheel.read(name).decode().splitlines():
                section = line.strip("[] ") if line.startswith("[") else section
                if section == "console_scripts" and "=" in line:
                    scripts.add(line.split("=")[0].strip())
    return packages, scripts


def _sdist_names(sdist: tarfile.TarFile) -> tuple[set[str], set[str]]:
    """An sdist declares its commands in code: report ours if any build file names it."""
    members = [member.name.split("/", 1)[1] for member in sdist.getmembers() if "/" in member.name]
    packages = {path.split("/")[0] for path in members if path.endswith("/__init__.py") and path.count("/") == 1}
    packages |= {path.removesuffix(".py") for path in members if "/" not in path and path.endswith(".py")}
    packages -= {"setup"}
    scripts = set()
    for member in sdist.getmembers():
        if member.name.endswith(("/setup.py", "/setup.cfg", "/pyproject.toml")) and member.name.count("/") == 1:
            extracted = sdist.extractfile(member)
            if extracted is not None and COMMAND in extracted.read().decode(errors="replace"):
                scripts.add(COMMAND)
    return packages, scripts


def main() -> int:
    clashes = []
    if project(DISTRIBUTION) is not None:
        clashes.append(f"the distribution {DISTRIBUTION} exists on PyPI")
    for name in NAMESAKES:
        release = project(name)
        if release is None:
            print(f"{name}: not on PyPI")
            continue
        packages, scripts = shipped_names(name, release)
        version = release["info"]["version"]
        print(f"{name} {version}: packages {sorted(packages) or '-'}, commands {sorted(scripts) or '-'}")
        if PACKAGE in packages or COMMAND in scripts:
            clashes.append(f"{name} {version} ships {PACKAGE} or {COMMAND}")
    for clash in clashes:
        print(f"CLASH: {clash}")
    print("the name is ours" if not clashes else "the name is taken")
    return 1 if clashes else 0


if __name__ == "__main__":
    sys.exit(main())
