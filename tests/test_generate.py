"""`make generate` is deterministic and `make check-generated` catches a stale or hand-edited tree."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from contract_tests.spec.document import SPEC_PATH
from scripts import generate

pytestmark = pytest.mark.slow  # renders the SDK with openapi-python-client

ROOT = Path(__file__).resolve().parents[1]


def check(target: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scripts.generate", "--check", "--target", str(target)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_two_renders_are_byte_identical(tmp_path: Path) -> None:
    generate.render(tmp_path / "first")
    generate.render(tmp_path / "second")
    first, second = generate.tree(tmp_path / "first"), generate.tree(tmp_path / "second")
    assert first == second
    assert "dcs_tasks/models/step_detail.py" in first


def test_a_hand_edit_of_generated_code_fails_the_check_with_a_diff(tmp_path: Path) -> None:
    copy = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert check(copy).returncode == 0
    model = copy / "dcs_tasks" / "models" / "step_detail.py"
    model.write_text(model.read_text(encoding="utf-8") + "# patched by hand\n", encoding="utf-8")
    result = check(copy)
    assert result.returncode == 1
    assert "-# patched by hand" in result.stdout
    assert "generated/dcs_tasks/models/step_detail.py" in result.stdout
    assert "Run `make generate`" in result.stdout


def test_the_check_covers_exactly_the_owned_paths(tmp_path: Path) -> None:
    copy = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", copy, ignore=shutil.ignore_patterns("__pycache__"))
    hand_written = copy / "dcs_tasks" / "lib" / "base.py"
    hand_written.write_text(hand_written.read_text(encoding="utf-8") + "# a hand-written change\n", encoding="utf-8")
    assert check(copy).returncode == 0, "lib/ is hand-written: the check must not judge it"
    (copy / "dcs_tasks" / "stray.py").write_text("x = 1\n", encoding="utf-8")
    result = check(copy)
    assert result.returncode == 1
    assert "generated/dcs_tasks/stray.py: neither generator-owned nor hand-written" in result.stdout


def test_every_owned_file_carries_the_banner_and_the_manifest_lists_them() -> None:
    owned = generate.owned_paths(ROOT / "generated")
    assert "dcs_tasks/api/__init__.py" in owned
    assert not [name for name in owned if name.startswith(generate.HAND_WRITTEN)]
    for name in owned:
        if Path(name).suffix in {".py", ".toml", ".md"}:
            head = (ROOT / "generated" / name).read_text(encoding="utf-8").splitlines()[0]
            assert generate.BANNER_TEXT in head, name


def test_generate_removes_what_it_no_longer_owns_and_keeps_lib(tmp_path: Path) -> None:
    copy = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", copy, ignore=shutil.ignore_patterns("__pycache__"))
    stale = copy / "dcs_tasks" / "models" / "retired_model.py"
    stale.write_text("# rendered by an older spec\n", encoding="utf-8")
    manifest = copy / generate.MANIFEST
    manifest.write_text(manifest.read_text(encoding="utf-8") + "dcs_tasks/models/retired_model.py\n", encoding="utf-8")
    lib_before = generate.tree(copy / "dcs_tasks" / "lib")
    assert generate.generate(copy) == 0
    assert not stale.exists()
    assert generate.tree(copy / "dcs_tasks" / "lib") == lib_before
    assert check(copy).returncode == 0


def test_ruff_lints_the_hand_written_package_code_and_skips_the_owned_files() -> None:
    listed = subprocess.run(
        [str(Path(sys.executable).parent / "ruff"), "check", "--config", "pyproject.toml", "--show-files", "."],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.split()
    package = (ROOT / "generated").resolve()
    linted = {str(Path(name).relative_to(package)) for name in listed if name.startswith(str(package))}
    python = {name for name in linted if name.endswith(".py")}
    # rglob: hand-written subpackages (lib/cli/) are linted too.
    hand_written = {str(path.relative_to(package)) for path in (package / generate.HAND_WRITTEN).rglob("*.py")}
    assert python == hand_written


def test_the_package_version_is_the_spec_version_and_kept_nowhere_else(tmp_path: Path) -> None:
    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    document["info"]["version"] = "7.8.9"
    spec = tmp_path / "dcs.yaml"
    spec.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    rendered = generate.render(tmp_path / "out", spec)
    assert 'version = "7.8.9"' in rendered["pyproject.toml"].decode()
    assert '__version__ = "7.8.9"' in rendered["dcs_tasks/__init__.py"].decode()
    config = yaml.safe_load((generate.GENERATOR_DIR / "config.yaml").read_text(encoding="utf-8"))
    assert "package_version_override" not in config
