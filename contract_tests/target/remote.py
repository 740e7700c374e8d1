"""A remote target (a server at BASE_URL, such as staging): its credentials and project as the SDK's own resolver
finds them (`dcs_tasks.lib.config`), so the suite, the SDK and the CLI accept the same variables with the same
precedence; plus the tasks it is known to hold, another tenant's, and the run's safety knobs.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping

from dcs_tasks import ConfigurationError, TokenCredentials
from dcs_tasks.lib.config import Configuration, resolve
from dcs_tasks.lib.variables import SUITE

from ..settings.errors import SettingsError
from ..settings.knobs import RunKnobs, parse_faulty, parse_tasks
from ..spec.ids import KnownTask
from .auth import AkSkSigner, IamTokenAuth, TargetAuth
from .model import Target, TaskOperations, absent_tasks


def remote_configuration(base_url: str, environ: Mapping[str, str] | None = None) -> tuple[Configuration, str]:
    """The SDK's configuration of a server at BASE_URL (credentials and project required) and its project."""
    try:
        found = resolve(endpoint=base_url, environ=os.environ if environ is None else environ, spelling=SUITE)
    except ConfigurationError as error:
        raise SettingsError(f"{error} (to test a server at BASE_URL)") from None
    if found.project is None:
        raise SettingsError(f"{found.no_project} (to test a server at BASE_URL)")
    return found, found.project.value


def target_from_env(base_url: str, environ: Mapping[str, str] | None = None) -> Target:
    """A remote target whose credentials and project come as the SDK finds them (`dcs_tasks.lib.config`:
    `HUAWEICLOUD_SDK_AK`/`_SK` or `CLOUD_SDK_AK`/`_SK` with their security token, `DCS_AUTH_TOKEN`,
    the profile file, `DCS_PROJECT_ID` or `HUAWEICLOUD_SDK_PROJECT_ID` …), plus one known task."""
    env = os.environ if environ is None else environ
    found, project_id = remote_configuration(base_url, env)
    credentials = found.credentials.value
    auth: TargetAuth
    secrets: tuple[str, ...]
    if isinstance(credentials, TokenCredentials):
        auth, scheme, secrets = IamTokenAuth(credentials.token), "IAM token", (credentials.token,)
    else:
        try:
            keys = credentials.current()  # temporary keys from the metadata service: fetched now, for the run
        except ConfigurationError as error:
            raise SettingsError(str(error)) from None
        auth = AkSkSigner(keys.access_key, keys.secret_key, keys.security_token, project_id)
        scheme = "AK/SK + security token" if keys.security_token else "AK/SK"
        secrets = tuple(secret for secret in (keys.secret_key, keys.security_token) if secret)
    instance_id, task_id = env.get("DCS_INSTANCE_ID", ""), env.get("DCS_TASK_ID", "")
    if bool(instance_id) != bool(task_id):
        raise SettingsError("set both DCS_INSTANCE_ID and DCS_TASK_ID, or neither")
    readable = (KnownTask(project_id, instance_id, task_id),) if task_id else ()
    return Target(
        description=f"{base_url} ({scheme} from {found.credentials.source}, project {project_id})",
        base_url=base_url.rstrip("/"),
        auth=auth,
        readable_tasks=readable,
        missing_tasks=absent_tasks(project_id, readable),
        secrets=secrets,
    )


def _foreign(env: Mapping[str, str]) -> tuple[KnownTask, ...]:
    names = ("DCS_FOREIGN_PROJECT_ID", "DCS_FOREIGN_INSTANCE_ID", "DCS_FOREIGN_TASK_ID")
    values = [env.get(name, "") for name in names]
    if not any(values):
        return ()
    if not all(values):
        raise SettingsError(f"set all of {', '.join(names)}, or none")
    return (KnownTask(*values),)


def staging_target(base_url: str, knobs: RunKnobs, environ: Mapping[str, str] | None = None) -> Target:
    """`target_from_env` plus DCS_TASKS, another tenant (DCS_FOREIGN_*) and the safety knobs."""
    env = os.environ if environ is None else environ
    target = target_from_env(base_url, env)
    project_id = remote_configuration(base_url, env)[1]
    readable = tuple(
        dict.fromkeys((*target.readable_tasks, *parse_tasks("DCS_TASKS", env.get("DCS_TASKS", ""), project_id)))
    )
    foreign = _foreign(env)
    foreign_auth = None
    if env.get("DCS_FOREIGN_AK") or env.get("DCS_FOREIGN_SK"):
        if not (env.get("DCS_FOREIGN_AK") and env.get("DCS_FOREIGN_SK")):
            raise SettingsError("set both DCS_FOREIGN_AK and DCS_FOREIGN_SK, or neither")
        foreign_project = foreign[0].project_id if foreign else None
        foreign_auth = AkSkSigner(env["DCS_FOREIGN_AK"], env["DCS_FOREIGN_SK"], project_id=foreign_project)
    destructive = parse_tasks("DCS_DESTRUCTIVE_TASKS", env.get("DCS_DESTRUCTIVE_TASKS", ""), project_id)
    faulty = tuple(TaskOperations(*entry) for entry in parse_faulty(env.get("DCS_FAULTY_TASKS", ""), project_id))
    if knobs.allow_destructive and not destructive:
        raise SettingsError("ALLOW_DESTRUCTIVE=1 needs DCS_DESTRUCTIVE_TASKS: the tasks it may change or delete")
    auth = target.auth
    secrets = (*target.secrets, *(value for value in (env.get("DCS_FOREIGN_SK"),) if value))
    extra = f", {len(readable)} known tasks" + (", another tenant" if foreign else "")
    extra += f", {len(faulty)} known to fail" if faulty else ""
    return dataclasses.replace(
        target,
        description=target.description.removesuffix(")") + extra + ")",
        readable_tasks=tuple(task for task in readable if task not in {entry.task for entry in faulty}),
        faulty=faulty,
        foreign_tasks=foreign,
        foreign_auth=foreign_auth,
        foreign_readable=foreign if foreign_auth is not None else (),
        temporary_auth=auth if isinstance(auth, AkSkSigner) and auth.security_token else None,
        method_rejection=knobs.method_rejection or "any",
        read_only=not knobs.allow_destructive,
        changeable=tuple(TaskOperations(task) for task in destructive) if knobs.allow_destructive else (),
        missing_tasks=absent_tasks(project_id, readable),
        remote=True,
        secrets=secrets,
    )
