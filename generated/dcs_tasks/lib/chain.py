"""Where credentials come from when none are passed: a chain like the vendor SDK's ``CredentialProviderChain``.

1. explicit: ``credentials=`` (the CLI's ``--token-env NAME``);
2. the environment: ``HUAWEICLOUD_SDK_AK``/``_SK`` (+ ``HUAWEICLOUD_SDK_SECURITY_TOKEN``), then
   ``CLOUD_SDK_AK``/``_SK`` (+ ``CLOUD_SDK_SECURITY_TOKEN``), then ``DCS_AUTH_TOKEN`` (an IAM token);
3. the vendor's profile file, ``HUAWEICLOUD_SDK_CREDENTIALS_FILE`` or ``~/.huaweicloud/credentials``:
   INI, section ``[basic]``, keys ``ak``, ``sk``, ``security_token``, ``project_id``;
4. the metadata service's temporary credentials (``metadata.py``), only when ``DCS_METADATA_URL``
   is set: opt-in, so that a machine without the service never waits on it.

Unlike the vendor's chain, a half-set link (an AK without its SK, a security token without its
keys, a profile with ``ak`` but no ``sk``) is an error rather than skipped: it is a mistake, and
skipping it would sign with other keys. When no link has credentials, the error lists each link
and what was found there.
"""

from __future__ import annotations

import configparser
from collections.abc import Callable, Mapping
from pathlib import Path

from .credentials import Credentials, TokenCredentials
from .errors import CredentialsError, InvalidTypeError
from .metadata import MetadataCredentials
from .variables import (
    KEY_VARIABLES,
    METADATA_URL_VARIABLE,
    PROFILE_FILE_VARIABLE,
    PROJECT_VARIABLES,
    SDK,
    TOKEN_VARIABLE,
    Setting,
    Spelling,
    environment,
    first_variable,
    variable,
)

AnyCredentials = Credentials | TokenCredentials | MetadataCredentials
PROFILE_SECTION = "basic"
Link = Callable[[Mapping[str, str], list[str]], "Setting[AnyCredentials] | None"]


def resolve_credentials(
    credentials: AnyCredentials | None = None, environ: Mapping[str, str] | None = None, spelling: Spelling = SDK
) -> Setting[AnyCredentials]:
    """The first link of the chain that has credentials; ``CredentialsError`` listing every link when none has."""
    if credentials is not None:
        if not isinstance(credentials, AnyCredentials):
            kinds = "Credentials, TokenCredentials or MetadataCredentials"
            raise InvalidTypeError(f"{spelling.credentials} must be {kinds}, got {type(credentials).__name__}")
        return Setting(credentials, spelling.credentials)
    env = environment(environ)
    looked_at: list[str] = []
    links: tuple[Link, ...] = (environment_keys_link, environment_token_link, profile_link, metadata_link)
    for link in links:
        found = link(env, looked_at)
        if found is not None:
            return found
    raise CredentialsError(
        f"no credentials found. Looked at, in order: {'; '.join(looked_at)}. {spelling.no_credentials}"
    )


def environment_keys_link(env: Mapping[str, str], looked_at: list[str]) -> Setting[AnyCredentials] | None:
    """AK/SK from the first family of variables that holds both, with that family's security token."""
    for family in KEY_VARIABLES:
        access_key, secret_key = variable(env, family.access_key), variable(env, family.secret_key)
        token = variable(env, family.security_token)
        if access_key and secret_key:
            others = [other.security_token for other in KEY_VARIABLES if other != family]
            stray = next((name for name in others if variable(env, name)), None)
            if stray and not token:
                raise CredentialsError(
                    f"{stray} is set but the keys come from {family.pair}: a security token only works with its "
                    f"own keys, so set {family.security_token} (or unset {stray})"
                )
            source = family.pair + (f" + {family.security_token}" if token else "")
            return Setting(Credentials(access_key, secret_key, security_token=token), source)
        if access_key or secret_key:
            missing = family.secret_key if access_key else family.access_key
            raise CredentialsError(f"{missing} is not set (its pair {family.pair} is incomplete)")
        if token:
            raise CredentialsError(f"{family.security_token} is set but {family.pair} are not")
        looked_at.append(f"{family.pair} (not set)")
    return None


def environment_token_link(env: Mapping[str, str], looked_at: list[str]) -> Setting[AnyCredentials] | None:
    if token := variable(env, TOKEN_VARIABLE):
        return Setting(TokenCredentials(token), TOKEN_VARIABLE)
    looked_at.append(f"{TOKEN_VARIABLE} (not set)")
    return None


def profile_path(env: Mapping[str, str]) -> tuple[Path | None, str]:
    """The profile file and how it was named: ``HUAWEICLOUD_SDK_CREDENTIALS_FILE``, else under ``HOME``."""
    if named := variable(env, PROFILE_FILE_VARIABLE):
        return Path(named).expanduser(), PROFILE_FILE_VARIABLE
    home = variable(env, "HOME") or variable(env, "USERPROFILE")
    return (Path(home) / ".huaweicloud" / "credentials", "the default") if home else (None, "no HOME")


def profile_link(env: Mapping[str, str], looked_at: list[str]) -> Setting[AnyCredentials] | None:
    """``[basic]`` of the vendor's profile file; a file named by its variable must exist."""
    path, named_by = profile_path(env)
    if path is None:
        looked_at.append("the profile file (no HOME to find it in)")
        return None
    if not path.exists():
        if named_by == PROFILE_FILE_VARIABLE:
            raise CredentialsError(f"{PROFILE_FILE_VARIABLE} names {path}, which does not exist")
        looked_at.append(f"the profile file {path} (does not exist)")
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError) as error:
        raise CredentialsError(f"the profile file {path} cannot be read: {error}") from error
    if not parser.has_section(PROFILE_SECTION):
        looked_at.append(f"the profile file {path} (no [{PROFILE_SECTION}] section)")
        return None
    profile = {key: value.strip() for key, value in parser.items(PROFILE_SECTION) if value.strip()}
    if not (profile.get("ak") and profile.get("sk")):
        federated = " (federated idp_id/id_token_file profiles are not supported)" if "idp_id" in profile else ""
        raise CredentialsError(f"the profile file {path} [{PROFILE_SECTION}] needs both ak and sk{federated}")
    keys = Credentials(
        profile["ak"], profile["sk"], security_token=profile.get("security_token"), project_id=profile.get("project_id")
    )
    return Setting(keys, f"the profile file {path} [{PROFILE_SECTION}]")


def metadata_link(env: Mapping[str, str], looked_at: list[str]) -> Setting[AnyCredentials] | None:
    if variable(env, METADATA_URL_VARIABLE):
        provider = MetadataCredentials(environ=env)
        return Setting(provider, f"the metadata service at {provider.url} ({METADATA_URL_VARIABLE})")
    looked_at.append(f"the metadata service (off: {METADATA_URL_VARIABLE} is not set)")
    return None


def environment_keys(environ: Mapping[str, str] | None = None) -> Credentials:
    """AK/SK from the environment only (``Credentials.from_env``), with the project of the environment."""
    env = environment(environ)
    looked_at: list[str] = []
    found = environment_keys_link(env, looked_at)
    if found is None or not isinstance(found.value, Credentials):
        raise CredentialsError(f"no credentials found. Looked at, in order: {'; '.join(looked_at)}.")
    project = first_variable(env, PROJECT_VARIABLES)
    return found.value if project is None else found.value.with_project(project[1])
