# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
"""Contains all the data models used in inputs/outputs"""

from .error import Error
from .show_background_task_progress_response import ShowBackgroundTaskProgressResponse
from .step_detail import StepDetail
from .step_status import StepStatus
from .sub_step_detail import SubStepDetail

__all__ = (
    "Error",
    "ShowBackgroundTaskProgressResponse",
    "StepDetail",
    "StepStatus",
    "SubStepDetail",
)
