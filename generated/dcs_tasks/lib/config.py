"""The one place the SDK, the ``dcs-tasks`` CLI and the contract suite read their settings from.

Each setting is looked for in this order; the first one set wins (an empty variable is unset):

============  ==================================  ================================================
setting       explicit (SDK / CLI)                then
============  ==================================  ================================================
endpoint      ``endpoint=`` or ``region=`` /      ``DCS_ENDPOINT``, ``DCS_REGION``, else the region
              ``--endpoint`` or ``--region``      ``cn-north-4``
credentials   ``credentials=`` /                  ``HUAWEICLOUD_SDK_AK`` + ``_SK`` (+ ``_SECURITY_TOKEN``),
              ``--token-env NAME``                ``CLOUD_SDK_AK`` + ``_SK`` (+ ``_SECURITY_TOKEN``),
                                                  ``DCS_AUTH_TOKEN`` (an IAM token), the profile file
                                                  (``HUAWEICLOUD_SDK_CREDENTIALS_FILE``, else
                                                  ``~/.huaweicloud/credentials``, section ``[basic]``),
                                                  the metadata service (only when ``DCS_METADATA_URL``
                                                  is set): see ``chain.py``
project       ``project_id=`` / ``--project``,    ``DCS_PROJECT_ID``, ``HUAWEICLOUD_SDK_PROJECT_ID``
              then the credentials' own
              ``project_id`` (the profile file's)
============  ==================================  ================================================

A security token is read only beside the keys of its own family (``CLOUD_SDK_SECURITY_TOKEN`` with
``CLOUD_SDK_AK``/``_SK``): a token is bound to its keys. Every ``Setting`` says where it came from,
and every error says what was looked at, in the caller's own words (``variables.Spelling``: the
SDK's keyword arguments, the CLI's flags or the suite's variables).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .chain import AnyCredentials, resolve_credentials
from .errors import ConfigurationError, InvalidArgumentError
from .regions import endpoint_for_region
from .variables import (
    DEFAULT_REGION,
    ENDPOINT_VARIABLE,
    PROJECT_VARIABLES,
    REGION_VARIABLE,
    SDK,
    Setting,
    Spelling,
    checked_url,
    environment,
    first_variable,
    variable,
)


@dataclass(frozen=True)
class Configuration:
    """Where to send, how to sign, and which project: each with where it came from.

    ``project`` is ``None`` when no project was found; ``no_project`` then says why (the message of
    the ``CredentialsError`` a call that needs one raises).
    """

    endpoint: Setting[str]
    credentials: Setting[AnyCredentials]
    project: Setting[str] | None
    no_project: str = ""


def resolve(
    *,
    region: str | None = None,
    endpoint: str | None = None,
    credentials: AnyCredentials | None = None,
    project_id: str | None = None,
    environ: Mapping[str, str] | None = None,
    spelling: Spelling = SDK,
) -> Configuration:
    """Every setting, explicit values first, then ``environ`` (default ``os.environ``), as the table above says.

    Credentials that name no project get the resolved one (sent as ``X-Project-Id``, as the
    vendor SDK sends the project of its environment credentials).
    """
    env = environment(environ)
    where = resolve_endpoint(region, endpoint, env, spelling)
    keys = resolve_credentials(credentials, env, spelling)
    project = resolve_project(project_id, keys, env, spelling)
    if isinstance(project, str):
        return Configuration(where, keys, None, project)
    if keys.value.project_id is None:
        keys = Setting(keys.value.with_project(project.value), keys.source)
    return Configuration(where, keys, project)


def resolve_endpoint(
    region: str | None, endpoint: str | None, environ: Mapping[str, str] | None = None, spelling: Spelling = SDK
) -> Setting[str]:
    """The base URL: ``endpoint``, ``region``, ``DCS_ENDPOINT``, ``DCS_REGION``, else ``cn-north-4``'s."""
    if region and endpoint:
        raise ConfigurationError(f"pass {spelling.region} or {spelling.endpoint}, not both")
    if endpoint:
        return Setting(checked_url(endpoint, spelling.endpoint), spelling.endpoint)
    if region:
        return Setting(endpoint_for_region(region, spelling.region, spelling.endpoint), spelling.region)
    env = environment(environ)
    if found := variable(env, ENDPOINT_VARIABLE):
        return Setting(checked_url(found, ENDPOINT_VARIABLE), ENDPOINT_VARIABLE)
    if found := variable(env, REGION_VARIABLE):
        return Setting(endpoint_for_region(found, REGION_VARIABLE, ENDPOINT_VARIABLE), REGION_VARIABLE)
    return Setting(endpoint_for_region(DEFAULT_REGION), f"the default region {DEFAULT_REGION}")


def resolve_project(
    project_id: str | None,
    credentials: Setting[AnyCredentials],
    environ: Mapping[str, str] | None = None,
    spelling: Spelling = SDK,
) -> Setting[str] | str:
    """The default project of calls, or (a string) why there is none."""
    if project_id is not None:
        if not isinstance(project_id, str) or not project_id.strip():
            raise InvalidArgumentError(f"{spelling.project} must be a non-empty project ID, got {project_id!r}")
        return Setting(project_id, spelling.project)
    if own := credentials.value.project_id:
        return Setting(own, f"the credentials from {credentials.source}")
    if found := first_variable(environment(environ), PROJECT_VARIABLES):
        name, value = found
        return Setting(value, name)
    explicit = f"pass {spelling.project} or " if spelling.project not in PROJECT_VARIABLES else ""
    return (
        f"no project ID: {explicit}set {' or '.join(PROJECT_VARIABLES)} "
        f"(neither is set, and the credentials from {credentials.source} name no project)"
    )
