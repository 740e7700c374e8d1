"""The names of the environment variables the SDK, the CLI and the contract suite read, and how a
resolved setting says where it came from. The precedence itself is ``config.py``'s docstring.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from .errors import ConfigurationError

T = TypeVar("T")

DEFAULT_REGION = "cn-north-4"
ENDPOINT_VARIABLE, REGION_VARIABLE = "DCS_ENDPOINT", "DCS_REGION"
PROJECT_VARIABLES = ("DCS_PROJECT_ID", "HUAWEICLOUD_SDK_PROJECT_ID")


@dataclass(frozen=True)
class KeyVariables:
    """One family of AK/SK variables and the security token that goes with them."""

    access_key: str
    secret_key: str
    security_token: str

    @property
    def pair(self) -> str:
        return f"{self.access_key}/{self.secret_key}"


# The vendor SDK's names first, then the vendor API examples' names; a family is never mixed.
KEY_VARIABLES = (
    KeyVariables("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN"),
    KeyVariables("CLOUD_SDK_AK", "CLOUD_SDK_SK", "CLOUD_SDK_SECURITY_TOKEN"),
)
TOKEN_VARIABLE = "DCS_AUTH_TOKEN"  # noqa: S105 - the name of a variable, not a token
PROFILE_FILE_VARIABLE = "HUAWEICLOUD_SDK_CREDENTIALS_FILE"
METADATA_URL_VARIABLE = "DCS_METADATA_URL"
# Every variable this module reads (tests clear them so a developer's own settings never leak in).
VARIABLES = (
    ENDPOINT_VARIABLE,
    REGION_VARIABLE,
    *PROJECT_VARIABLES,
    *(name for family in KEY_VARIABLES for name in (family.access_key, family.secret_key, family.security_token)),
    TOKEN_VARIABLE,
    PROFILE_FILE_VARIABLE,
    METADATA_URL_VARIABLE,
)


@dataclass(frozen=True)
class Spelling:
    """How the caller names the explicit settings, for messages: keyword arguments or command-line flags."""

    region: str = "region="
    endpoint: str = "endpoint="
    project: str = "project_id="
    credentials: str = "credentials="
    # What to do when no credentials are found (after the list of what was looked at).
    no_credentials: str = "Pass credentials=Credentials(ak, sk) or TokenCredentials(token), or set one of them."


SDK = Spelling()
CLI = Spelling(
    "--region",
    "--endpoint",
    "--project",
    "--token-env",
    "Set one of them (or name a token's variable with --token-env).",
)
SUITE = Spelling("", "BASE_URL", "DCS_PROJECT_ID", "", "Set one of them.")


@dataclass(frozen=True)
class Setting(Generic[T]):
    """A resolved value and where it came from (an argument, a variable, a file, a default)."""

    value: T
    source: str


def environment(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def variable(env: Mapping[str, str], name: str) -> str | None:
    """A variable's value, ``None`` when it is unset or blank."""
    value = env.get(name, "").strip()
    return value or None


def first_variable(env: Mapping[str, str], names: tuple[str, ...]) -> tuple[str, str] | None:
    """The first of ``names`` that is set (not blank), with its value."""
    return next(((name, value) for name in names if (value := variable(env, name))), None)


def checked_url(url: object, name: str) -> str:
    """An endpoint URL without its trailing slash; anything but an http(s) URL with a host is refused."""
    if not isinstance(url, str):
        raise ConfigurationError(f"{name} must be a URL string, got {type(url).__name__}")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        example = "https://dcs.cn-north-4.myhuaweicloud.com"
        raise ConfigurationError(f"{name} must be an http(s) URL such as {example}, got {url!r}")
    return url.strip().rstrip("/")
