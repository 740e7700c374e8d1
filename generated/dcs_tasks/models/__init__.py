# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
"""Contains all the data models used in inputs/outputs"""

from .background_task import BackgroundTask
from .background_task_details import BackgroundTaskDetails
from .delete_background_task_response import DeleteBackgroundTaskResponse
from .error import Error
from .list_background_task_response import ListBackgroundTaskResponse
from .show_background_task_progress_response import ShowBackgroundTaskProgressResponse
from .step_detail import StepDetail
from .step_status import StepStatus
from .sub_step_detail import SubStepDetail
from .task_status import TaskStatus

__all__ = (
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
