"""Helpers the generated ``from_dict`` methods call when a JSON value has the wrong type.

The generated code does the cheap type test inline (``type(x) is int``) and calls these only on
the unhappy path, so parsing a valid body costs no extra function calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NoReturn

from .errors import MISSING, SchemaMismatchError

__all__ = ["MISSING", "absent_or_mismatch", "expect_object", "required_mismatch"]


def absent_or_mismatch(value: object, path: str, expected: str) -> None:
    """For an optional field of the wrong type: ``null`` counts as absent (the official SDK reads it as
    ``None``, and services often write absent fields as ``null``); anything else is an error."""
    if value is None:
        return None
    raise SchemaMismatchError(path, expected, value)


def required_mismatch(value: object, path: str, expected: str) -> NoReturn:
    """A required field that is missing, ``null`` or of the wrong type."""
    raise SchemaMismatchError(path, expected, value)


def expect_object(value: object) -> None:
    """``from_dict`` accepts any mapping; anything else (a list, a string, ``null``) is an error."""
    if not isinstance(value, Mapping):
        raise SchemaMismatchError("", "a JSON object", value)
