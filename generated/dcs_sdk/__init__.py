"""A client library for accessing Huawei Cloud DCS background tasks"""

from ._public import *  # noqa: F403
from ._public import __all__ as _public_all
from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
    *_public_all,
)
