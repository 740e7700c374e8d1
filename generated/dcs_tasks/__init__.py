# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
"""A client library for accessing Huawei Cloud DCS background tasks"""

from typing import TYPE_CHECKING

__version__ = "1.2.0"

from .lib.exports import __all__ as _lib_all
from .lib.exports import load as _load

# The spec's models and enums.
_MODELS = (
    "BackgroundTask",
    "BackgroundTaskDetails",
    "DeleteBackgroundTaskResponse",
    "Error",
    "ListBackgroundTaskResponse",
    "ShowBackgroundTaskProgressResponse",
    "StepDetail",
    "StepStatus",
    "SubStepDetail",
    "TaskStatus",
)

if TYPE_CHECKING:
    from .lib.exports import *  # noqa: F403
    from .models import BackgroundTask as BackgroundTask
    from .models import BackgroundTaskDetails as BackgroundTaskDetails
    from .models import DeleteBackgroundTaskResponse as DeleteBackgroundTaskResponse
    from .models import Error as Error
    from .models import ListBackgroundTaskResponse as ListBackgroundTaskResponse
    from .models import ShowBackgroundTaskProgressResponse as ShowBackgroundTaskProgressResponse
    from .models import StepDetail as StepDetail
    from .models import StepStatus as StepStatus
    from .models import SubStepDetail as SubStepDetail
    from .models import TaskStatus as TaskStatus

__all__ = ("__version__", *_lib_all, *_MODELS)


def __getattr__(name: str) -> object:
    if name in _MODELS:
        from . import models  # noqa: PLC0415 - the models load on first use too

        value = getattr(models, name)
    else:
        value = _load(name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
