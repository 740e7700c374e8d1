"""Credentials: AK/SK (optionally temporary, with a security token) or an IAM token.

From arguments, or from the environment under the names the vendor uses: ``CLOUD_SDK_AK`` /
``CLOUD_SDK_SK`` in its API examples, ``HUAWEICLOUD_SDK_*`` in its official SDK (read first).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import CredentialsError

# (access key, secret key) variable pairs, in the order they are tried; a pair is never mixed.
KEY_PAIR_VARIABLES = (("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK"), ("CLOUD_SDK_AK", "CLOUD_SDK_SK"))
PROJECT_ID_VARIABLE = "HUAWEICLOUD_SDK_PROJECT_ID"
SECURITY_TOKEN_VARIABLE = "HUAWEICLOUD_SDK_SECURITY_TOKEN"  # noqa: S105 - a variable name, not a secret


@dataclass(frozen=True)
class Credentials:
    """An access key / secret key pair, signed with SDK-HMAC-SHA256.

    ``security_token`` (temporary credentials) is sent as ``X-Security-Token``; ``project_id`` as
    ``X-Project-Id`` and used as the default project of API calls.
    """

    access_key: str
    secret_key: str = field(repr=False)
    security_token: str | None = field(default=None, repr=False)
    project_id: str | None = None

    def __post_init__(self) -> None:
        if not self.access_key or not self.secret_key:
            raise CredentialsError("Credentials need a non-empty access_key and secret_key")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Credentials:
        """Read AK/SK, project ID and security token from the environment (see the module docstring)."""
        env = os.environ if environ is None else environ
        for ak_name, sk_name in KEY_PAIR_VARIABLES:
            access_key, secret_key = env.get(ak_name, ""), env.get(sk_name, "")
            if access_key and secret_key:
                return cls(
                    access_key,
                    secret_key,
                    security_token=env.get(SECURITY_TOKEN_VARIABLE) or None,
                    project_id=env.get(PROJECT_ID_VARIABLE) or None,
                )
            if access_key or secret_key:
                missing = sk_name if access_key else ak_name
                raise CredentialsError(f"{missing} is not set (its pair {ak_name}/{sk_name} is incomplete)")
        names = " or ".join(f"{ak}/{sk}" for ak, sk in KEY_PAIR_VARIABLES)
        raise CredentialsError(f"no credentials: pass credentials=Credentials(...) or set {names}")


@dataclass(frozen=True)
class TokenCredentials:
    """A project-scoped IAM token, sent as ``X-Auth-Token``."""

    token: str = field(repr=False)
    project_id: str | None = None

    def __post_init__(self) -> None:
        if not self.token:
            raise CredentialsError("TokenCredentials need a non-empty token")


AnyCredentials = Credentials | TokenCredentials
