"""`make generate` is deterministic and `make check-generated` catches a stale or hand-edited tree."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from scripts import generate

ROOT = Path(__file__).resolve().parents[1]
GENERATE = ROOT / "scripts" / "generate.py"


def check(target: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scripts.generate", "--check", "--target", str(target)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_two_renders_are_byte_identical(tmp_path: Path) -> None:
    generate.render(tmp_path / "first")
    generate.render(tmp_path / "second")
    first, second = generate.tree(tmp_path / "first"), generate.tree(tmp_path / "second")
    assert first == second
    assert "dcs_sdk/models/step_detail.py" in first


def test_a_hand_edit_of_generated_code_fails_the_check_with_a_diff(tmp_path: Path) -> None:
    copy = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert check(copy).returncode == 0
    model = copy / "dcs_sdk" / "models" / "step_detail.py"
    model.write_text(model.read_text(encoding="utf-8") + "# patched by hand\n", encoding="utf-8")
    result = check(copy)
    assert result.returncode == 1
    assert "-# patched by hand" in result.stdout
    assert "generated/dcs_sdk/models/step_detail.py" in result.stdout
    assert "Run `make generate`" in result.stdout
