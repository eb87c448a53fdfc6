from enum import Enum

class TaskAction(str, Enum):
    FAIL = "fail"
    KILL = "kill"
    RETRY = "retry"
    SKIP = "skip"

    def __str__(self) -> str:
        return str(self.value)
