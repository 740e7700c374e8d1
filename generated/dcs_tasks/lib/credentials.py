"""Credentials: AK/SK (optionally temporary, with a security token) or an IAM token.

Where a client finds them when none are passed (environment, the vendor's profile file, the
metadata service) is ``chain.py``; which variables mean what is ``config.py``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import CredentialsError


@dataclass(frozen=True)
class Credentials:
    """An access key / secret key pair, signed with SDK-HMAC-SHA256.

    ``security_token`` (temporary credentials) is sent as ``X-Security-Token`` and signed;
    ``project_id`` is sent as ``X-Project-Id`` and used as the default project of API calls.
    """

    access_key: str
    secret_key: str = field(repr=False)
    security_token: str | None = field(default=None, repr=False)
    project_id: str | None = None

    def __post_init__(self) -> None:
        if not _text(self.access_key) or not _text(self.secret_key):
            raise CredentialsError("Credentials need a non-empty access_key and secret_key")

    def current(self) -> Credentials:
        """The keys to sign with now: static credentials never change (``MetadataCredentials`` do)."""
        return self

    def with_project(self, project_id: str) -> Credentials:
        return dataclasses.replace(self, project_id=project_id)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Credentials:
        """AK/SK (and security token) from the environment only (``chain.environment_keys``), with its project."""
        from .chain import environment_keys  # noqa: PLC0415 - the chain imports this module

        return environment_keys(environ)


@dataclass(frozen=True)
class TokenCredentials:
    """A project-scoped IAM token, sent as ``X-Auth-Token``."""

    token: str = field(repr=False)
    project_id: str | None = None

    def __post_init__(self) -> None:
        if not _text(self.token):
            raise CredentialsError("TokenCredentials need a non-empty token")

    def with_project(self, project_id: str) -> TokenCredentials:
        return dataclasses.replace(self, project_id=project_id)


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())
