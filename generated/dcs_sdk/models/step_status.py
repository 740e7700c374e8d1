from enum import StrEnum


class StepStatus(StrEnum):
    EXECUTING = "EXECUTING"
    FAILED = "FAILED"
    FINISH = "FINISH"
    WAITING = "WAITING"

    def __str__(self) -> str:
        return str(self.value)
