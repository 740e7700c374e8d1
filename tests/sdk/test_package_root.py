"""Everything is importable from `dcs_tasks`, and importing it loads nothing heavy."""

from __future__ import annotations

import importlib
import subprocess
import sys

import dcs_tasks
import pytest
from dcs_tasks.lib import exports as _public


def test_every_exported_name_resolves_to_its_defining_module() -> None:
    assert sorted(_public.__all__) == sorted(_public._MODULE_OF)
    for name in _public.__all__:
        module = importlib.import_module(_public._MODULE_OF[name], "dcs_tasks")
        assert getattr(dcs_tasks, name) is getattr(module, name)
    assert set(_public.__all__) <= set(dir(dcs_tasks))


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        dcs_tasks.NoSuchThing  # noqa: B018


def test_import_defers_httpx_until_a_client_is_used() -> None:
    code = (
        "import sys, dcs_tasks; before = 'httpx' in sys.modules; dcs_tasks.DcsClient;"
        "print(before, 'httpx' in sys.modules, 'asyncio' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True", "False"]


def test_every_model_of_the_spec_is_exported_from_the_root() -> None:
    from dcs_tasks import models  # noqa: PLC0415 - the test's subject is the lazy root

    assert set(models.__all__) <= set(dcs_tasks.__all__)
    for name in models.__all__:
        assert getattr(dcs_tasks, name) is getattr(models, name)
    assert not set(models.__all__) & set(_public.__all__), "the models are listed by the generated root only"
