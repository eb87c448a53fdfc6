"""The hand-written layer over the generated transport."""

from __future__ import annotations

import json
import os
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import httpx

from ._api import AuthenticatedClient, Client
from ._api.api.agents import list_agents
from ._api.api.jobs import get_job, list_jobs, submit_job
from ._api.api.tasks import list_tasks, task_log
from ._api.models.agent_view import AgentView
from ._api.models.error_body import ErrorBody
from ._api.models.job_submission import JobSubmission
from ._api.models.job_view import JobView
from ._api.models.task_view import TaskView
from ._api.types import UNSET, Response

DEFAULT_URL = "http://127.0.0.1:8420"
ENDED = ("done", "failed", "cancelled")


class WarrenError(Exception):
    """The master refused a request: `status` is the HTTP status, `field` the field at fault."""

    def __init__(self, status: int, message: str, field: Optional[str] = None):
        super().__init__(f"{status}: {message}" + (f" (field `{field}`)" if field else ""))
        self.status = status
        self.message = message
        self.field = field


def _config_path() -> Optional[Path]:
    if os.environ.get("WARREN_CONFIG"):
        return Path(os.environ["WARREN_CONFIG"])
    base = os.environ.get("XDG_CONFIG_HOME") or (
        os.path.join(os.environ["HOME"], ".config") if os.environ.get("HOME") else None
    )
    return Path(base, "warren", "config.toml") if base else None


def settings() -> tuple[str, Optional[str]]:
    """The master's URL and the API token, found as the `warren` CLI finds them: `WARREN_URL`,
    else `WARREN_MASTER`, else the config file's `url`; `WARREN_TOKEN`, else its `token`. The
    config file is `WARREN_CONFIG`, else `$XDG_CONFIG_HOME/warren/config.toml`, else
    `~/.config/warren/config.toml`."""
    file: dict[str, Any] = {}
    path = _config_path()
    if path is not None and path.is_file():
        with open(path, "rb") as handle:
            file = tomllib.load(handle)
    url = os.environ.get("WARREN_URL") or os.environ.get("WARREN_MASTER") or file.get("url") or DEFAULT_URL
    token = os.environ.get("WARREN_TOKEN") or file.get("token")
    return url, token


def _unset_to_none(value: Any) -> Any:
    return None if value is UNSET else value


def _call(endpoint: Callable[..., Response], *args: Any, **kwargs: Any) -> Response:
    """Call a generated endpoint; a master out of reach, or an answer the transport cannot read
    (a status it does not know, a proxy's HTML page), is a `WarrenError` too."""
    try:
        return endpoint(*args, **kwargs)
    except httpx.HTTPError as error:
        raise WarrenError(0, f"cannot reach the master: {error}") from None
    except (ValueError, KeyError, TypeError) as error:
        raise WarrenError(0, f"the master's answer could not be read: {error}") from None


def _check(response: Response) -> Any:
    """The parsed answer, or `WarrenError` for an error answer."""
    status = int(response.status_code)
    if 200 <= status < 300 and not isinstance(response.parsed, ErrorBody):
        return response.parsed
    message, field = response.content.decode("utf-8", "replace") or str(status), None
    if isinstance(response.parsed, ErrorBody):
        message, field = response.parsed.error, _unset_to_none(response.parsed.field)
    else:
        try:
            body = json.loads(response.content)
            message, field = body.get("error", message), body.get("field")
        except (ValueError, AttributeError):
            pass
    raise WarrenError(status, message, field)


@dataclass
class Agent:
    """A render node as the master knows it."""

    id: str
    hostname: str
    state: str
    cpus: int
    ram: int
    tags: list[str]

    @classmethod
    def _from(cls, view: AgentView) -> "Agent":
        data = view.to_dict()
        return cls(
            id=view.id,
            hostname=view.hostname,
            state=data.get("state", ""),
            cpus=view.cpus,
            ram=data.get("ram", 0),
            tags=list(data.get("tags") or []),
        )


class Task:
    """One task of a job (one batch of frames)."""

    def __init__(self, farm: "Farm", view: TaskView):
        self._farm = farm
        self.view = view

    id = property(lambda self: self.view.id)
    job_id = property(lambda self: self.view.job_id)
    state = property(lambda self: self.view.state)
    attempts = property(lambda self: self.view.attempts)
    frames = property(lambda self: list(self.view.frames))
    agent_id = property(lambda self: _unset_to_none(self.view.agent_id))
    exit_code = property(lambda self: _unset_to_none(self.view.exit_code))

    def log(self, follow: bool = False, attempt: Optional[int] = None):
        """The latest attempt's log as text; with `follow=True`, an iterator of its lines as they
        are printed, which ends when the attempt does."""
        if follow:
            return self._follow(attempt)
        response = _call(
            task_log.sync_detailed, self.job_id, self.id, client=self._farm.client,
            attempt=UNSET if attempt is None else attempt,
        )
        if int(response.status_code) >= 300:
            _check(response)
        return response.content.decode("utf-8", "replace")

    def _follow(self, attempt: Optional[int]) -> Iterator[str]:
        params: dict[str, Any] = {"follow": "true"}
        if attempt is not None:
            params["attempt"] = attempt
        http = self._farm.client.get_httpx_client()
        path = f"/api/v1/jobs/{self.job_id}/tasks/{self.id}/log"
        try:
            yield from self._stream(http, path, params)
        except httpx.HTTPError as error:
            raise WarrenError(0, f"the log stream broke: {error}") from None

    def _stream(self, http: httpx.Client, path: str, params: dict[str, Any]) -> Iterator[str]:
        with http.stream("GET", path, params=params, timeout=None) as response:
            if response.status_code >= 300:
                response.read()
                try:
                    body = response.json()
                except ValueError:
                    body = {}
                raise WarrenError(response.status_code, body.get("error", response.text), body.get("field"))
            event, data = "message", []
            for line in response.iter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip(" "))
                elif line == "" and data:
                    payload = json.loads("\n".join(data))
                    data = []
                    if event == "end":
                        return
                    if event == "error":
                        raise WarrenError(500, payload.get("error", "the log stream failed"))
                    if event == "line":
                        yield payload["message"]
                    event = "message"
                elif line == "":
                    event = "message"
            raise WarrenError(0, "the log stream ended before the attempt did")

    def __repr__(self) -> str:
        return f"Task(id={self.id}, job_id={self.job_id}, state={self.state!r}, frames={self.frames})"


class Job:
    """A submitted job; `refresh()` reads it again."""

    def __init__(self, farm: "Farm", view: JobView):
        self._farm = farm
        self.view = view

    id = property(lambda self: self.view.id)
    title = property(lambda self: self.view.title)
    state = property(lambda self: self.view.state)
    progress = property(lambda self: self.view.progress)
    queue = property(lambda self: self.view.queue)

    @property
    def ended(self) -> bool:
        """Whether the job is done, failed or cancelled."""
        return self.state in ENDED

    def refresh(self) -> "Job":
        self.view = self._farm.job(self.id).view
        return self

    def wait(self, progress: Optional[Callable[["Job"], None]] = None, poll: float = 0.5,
             timeout: Optional[float] = None) -> "Job":
        """Wait until the job ends (done, failed or cancelled), calling `progress(job)` whenever
        its progress or state changes; `TimeoutError` after `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        seen = None
        while True:
            self.refresh()
            if progress is not None and (self.state, self.progress) != seen:
                seen = (self.state, self.progress)
                progress(self)
            if self.ended:
                return self
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"job {self.id} is still {self.state} after {timeout} s")
            time.sleep(poll)

    def tasks(self, state: Optional[str] = None) -> list[Task]:
        """Every task, in frame order (all pages)."""
        found: list[Task] = []
        cursor = UNSET
        while True:
            page = _check(_call(
                list_tasks.sync_detailed, self.id, client=self._farm.client, state=UNSET if state is None else state,
                limit=1000, cursor=cursor,
            ))
            found.extend(Task(self._farm, view) for view in page.tasks)
            cursor = _unset_to_none(page.next_cursor)
            if not cursor:
                return found

    def __repr__(self) -> str:
        return f"Job(id={self.id}, title={self.title!r}, state={self.state!r}, progress={self.progress:.2f})"


class Farm:
    """A Warren master. `url` and `token` default to what the `warren` CLI uses (`settings()`)."""

    def __init__(self, url: Optional[str] = None, token: Optional[str] = None, timeout: float = 30.0):
        found_url, found_token = settings()
        self.url = (url or found_url).rstrip("/")
        token = token if token is not None else found_token
        if token:
            self.client: Client = AuthenticatedClient(base_url=self.url, token=token, timeout=timeout)
        else:
            self.client = Client(base_url=self.url, timeout=timeout)

    def submit(self, title: str, command: Optional[list[str]] = None, *, start: int = 1, end: int = 1,
               batch: int = 1, jobtype: str = "command", data: Optional[dict[str, Any]] = None,
               **fields: Any) -> Job:
        """Submit a job: `command` (argv, `{frame}` and friends replaced per task) for the
        `command` job type, or `data` for another job type; other job fields (`priority`, `queue`,
        `tags`, `tag_requirements`, `cpus`, `ram`, `parents`, ...) as keywords."""
        body: dict[str, Any] = {"title": title, "jobtype": jobtype, "start": start, "end": end, "batch": batch}
        body["data"] = dict(data or {})
        if command is not None:
            body["data"]["argv"] = list(command)
        body.update(fields)
        try:
            submission = JobSubmission.from_dict(body)
        except (ValueError, KeyError, TypeError) as error:
            raise TypeError(f"not a job: {error}") from None
        unknown = sorted(set(body) - set(submission.to_dict()))
        if unknown:
            raise TypeError(f"unknown job field(s): {', '.join(unknown)}")
        return Job(self, _check(_call(submit_job.sync_detailed, client=self.client, body=submission)))

    def job(self, job_id: int) -> Job:
        """One job, by id."""
        return Job(self, _check(_call(get_job.sync_detailed, job_id, client=self.client)))

    def jobs(self, state: Optional[str] = None, title: Optional[str] = None, limit: int = 100) -> list[Job]:
        """The newest jobs, optionally in these states (comma-separated) or with a title containing
        `title`."""
        page = _check(_call(
            list_jobs.sync_detailed, client=self.client, state=UNSET if state is None else state,
            title=UNSET if title is None else title, limit=limit,
        ))
        return [Job(self, view) for view in page.jobs]

    def agents(self) -> list[Agent]:
        """Every agent."""
        page = _check(_call(list_agents.sync_detailed, client=self.client, limit=10000))
        return [Agent._from(view) for view in page.agents]
