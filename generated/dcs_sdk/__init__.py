# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
"""A client library for accessing Huawei Cloud DCS background tasks"""

from typing import TYPE_CHECKING

__version__ = "1.2.0"

from .lib.exports import __all__ as _public_all
from .lib.exports import load as _load

if TYPE_CHECKING:
    from .lib.exports import *  # noqa: F403

__all__ = ("__version__", *_public_all)


def __getattr__(name: str) -> object:
    value = _load(name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_public_all})
