# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
from enum import StrEnum


class StepStatus(StrEnum):
    EXECUTING = "EXECUTING"
    FAILED = "FAILED"
    FINISH = "FINISH"
    WAITING = "WAITING"

    def __str__(self) -> str:
        return str(self.value)
