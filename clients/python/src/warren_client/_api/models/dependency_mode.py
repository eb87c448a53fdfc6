from enum import Enum

class DependencyMode(str, Enum):
    FRAME = "frame"
    JOB = "job"

    def __str__(self) -> str:
        return str(self.value)
