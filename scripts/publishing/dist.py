"""The Python SDK as a user gets it: sdist and wheel of ``generated/``, checked by twine.

``python -m build --no-isolation`` uses the pinned ``uv_build`` from ``.venv`` (the SDK's own build
backend), so building needs no network. The wheel must carry ``py.typed`` (PEP 561).
"""

from __future__ import annotations

import os
import shutil
import sys
import zipfile
from pathlib import Path

from scripts.publishing.gate import sdk_version
from scripts.publishing.tools import ROOT, SDK_CONFIG, VENV_BIN, Command, PublishError, run, tool_env

SDK = ROOT / "generated"


def build_sdk(out_dir: Path) -> tuple[Path, Path]:
    """Build sdist and wheel into ``out_dir`` (emptied first); return (sdist, wheel)."""
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    # uv_build runs the `uv-build` binary it finds on PATH: the one installed beside this Python
    env = tool_env({"PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"})
    command: Command = [sys.executable, "-m", "build", "--no-isolation", "--outdir", out_dir, SDK]
    run(command, what="python -m build (SDK)", env=env)
    version = sdk_version(SDK_CONFIG)
    sdists, wheels = sorted(out_dir.glob("*.tar.gz")), sorted(out_dir.glob("*.whl"))
    if len(sdists) != 1 or len(wheels) != 1 or f"-{version}" not in wheels[0].name:
        raise PublishError(
            f"expected one sdist and one wheel of dcs-tasks {version} in {out_dir}, got {sdists + wheels}"
        )
    run([VENV_BIN / "twine", "check", "--strict", sdists[0], wheels[0]], what="twine check")
    with zipfile.ZipFile(wheels[0]) as wheel:
        if "dcs_tasks/py.typed" not in wheel.namelist():
            raise PublishError(
                f"{wheels[0].name} has no dcs_tasks/py.typed: type checkers would ignore the SDK's types"
            )
    return sdists[0], wheels[0]


def dist(out_dir: Path) -> list[str]:
    sdist, wheel = build_sdk(out_dir)
    return [f"built {sdist.name} and {wheel.name} in {out_dir}", "twine check --strict: PASSED", "wheel has py.typed"]
