"""A remote target (a server at BASE_URL, such as staging), built from the run's settings alone (`remote_target`):
the credentials and project the SDK's own resolver found (`settings.sdk`, resolved once by `settings.reading`, so
the suite, the SDK and the CLI accept the same variables with the same precedence), the tasks it is known to
hold, another tenant's, and what the run may change there.
"""

from __future__ import annotations

from dcs_tasks import ConfigurationError, TokenCredentials

from ..settings.errors import SettingsError
from ..settings.parsers import TaskRef
from ..settings.table import Settings
from ..spec.ids import KnownTask
from .auth import AkSkSigner, IamTokenAuth, TargetAuth
from .model import Target, TaskOperations, absent_tasks


def _known(refs: tuple[TaskRef, ...], project_id: str) -> tuple[KnownTask, ...]:
    """Tasks named in a setting, in the credentials' project unless they name one."""
    return tuple(KnownTask(ref.project_id or project_id, ref.instance_id, ref.task_id) for ref in refs)


def _credentials(settings: Settings, project_id: str) -> tuple[TargetAuth, str, tuple[str, ...]]:
    """How the target is authenticated, described, and the secrets to scrub from every report."""
    assert settings.sdk is not None  # a remote target's settings carry its SDK configuration
    credentials = settings.sdk.credentials.value
    if isinstance(credentials, TokenCredentials):
        return IamTokenAuth(credentials.token), "IAM token", (credentials.token,)
    try:
        keys = credentials.current()  # temporary keys from the metadata service: fetched now, for the run
    except ConfigurationError as error:
        raise SettingsError(str(error)) from None
    auth = AkSkSigner(keys.access_key, keys.secret_key, keys.security_token, project_id)
    scheme = "AK/SK + security token" if keys.security_token else "AK/SK"
    return auth, scheme, tuple(secret for secret in (keys.secret_key, keys.security_token) if secret)


def remote_target(settings: Settings) -> Target:
    """The server at BASE_URL as the settings describe it."""
    sdk = settings.sdk
    assert sdk is not None  # `settings.reading` resolves it for a remote target, with its project
    assert sdk.project is not None
    project_id = sdk.project.value
    auth, scheme, secrets = _credentials(settings, project_id)
    single = (TaskRef("", settings.instance_id, settings.task_id),) if settings.task_id else ()
    faulty = tuple(
        TaskOperations(KnownTask(ref.project_id or project_id, ref.instance_id, ref.task_id), ref.operations)
        for ref in settings.faulty_tasks
    )
    failing = {entry.task for entry in faulty}
    readable = tuple(dict.fromkeys(_known((*single, *settings.tasks), project_id)))
    foreign = (
        (KnownTask(settings.foreign_project_id, settings.foreign_instance_id, settings.foreign_task_id),)
        if settings.foreign_task_id
        else ()
    )
    foreign_auth = None
    if settings.foreign_ak:
        foreign_project = foreign[0].project_id if foreign else None
        foreign_auth = AkSkSigner(settings.foreign_ak, settings.foreign_sk, project_id=foreign_project)
        secrets = (*secrets, settings.foreign_sk)
    changeable = _known(settings.changeable_tasks, project_id) if settings.allow_changes else ()
    known = f"{len(readable)} known tasks" + (", another tenant" if foreign else "")
    known += f", {len(faulty)} known to fail" if faulty else ""
    return Target(
        description=f"{settings.base_url} ({scheme} from {sdk.credentials.source}, project {project_id}, {known})",
        base_url=str(settings.base_url),
        auth=auth,
        readable_tasks=tuple(task for task in readable if task not in failing),
        missing_tasks=absent_tasks(project_id, readable),
        faulty=faulty,
        secrets=secrets,
        foreign_tasks=foreign,
        foreign_auth=foreign_auth,
        foreign_readable=foreign if foreign_auth is not None else (),
        temporary_auth=auth if isinstance(auth, AkSkSigner) and auth.security_token else None,
        method_rejection=settings.method_rejection,
        read_only=not settings.allow_changes,
        changeable=tuple(TaskOperations(task) for task in changeable),
        remote=True,
    )
