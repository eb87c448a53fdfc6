"""Warren's Python client: submit jobs, wait for them, read their tasks and logs.

    from warren_client import Farm
    farm = Farm()                      # URL and token as the `warren` CLI finds them
    job = farm.submit("comp", ["comp", "{frame}"], start=1, end=100)
    job.wait(progress=lambda job: print(f"{job.progress:.0%}"))
    for task in job.tasks():
        print(task.id, task.state, task.log())

The transport (`warren_client._api`) is generated from the master's OpenAPI document; this
layer reads like the CLI and raises `WarrenError` for the master's JSON errors.
"""

from .farm import Agent, Farm, Job, Task, WarrenError, settings

__all__ = ["Agent", "Farm", "Job", "Task", "WarrenError", "settings"]
