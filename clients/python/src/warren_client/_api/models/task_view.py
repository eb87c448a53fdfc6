from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="TaskView")



@_attrs_define
class TaskView:
    """ A task as the API shows it.

        Attributes:
            attempts (int): Attempts so far: the number of the latest (each dispatch is one).
            declines (int): Dispatches given back unstarted by agents that must avoid the task (it failed there);
                `attempts - declines` reached an agent.
            failures (int): Failed attempts so far.
            frame_first (int): First frame.
            frame_last (int): Last frame.
            frames (list[int]): The frames it renders.
            id (int): Task id.
            index (int): Position in the job, from 0.
            job_id (int): Its job.
            progress (float): 0.0 to 1.0.
            ram_warning (bool): Whether it went over the job's `ram_warning`.
            state (str): queued, dispatched, running, done, failed, paused or cancelled.
            agent_id (Union[None, Unset, str]): The agent that holds or last ran it.
            done_through (Union[None, Unset, int]): The last frame done in a row, if any.
            exit_code (Union[None, Unset, int]): The last attempt's exit code.
            frame_states (Union[Unset, list[str]]): Each frame's state, in the order of `frames`: `done` for the frames
                finished (also by an
                earlier attempt: a failed batch resumes after them), the task's state for the frame it is
                on, and `pending` for the frames after that.
            last_error (Union[None, Unset, str]): Why the last failed attempt failed.
            peak_rss_mb (Union[None, Unset, int]): Peak resident memory of its processes, MB.
            tile (Union[None, Unset, int]): Tile number, for tiled jobs.
            time_dispatched (Union[None, Unset, str]): RFC 3339 times.
            time_finished (Union[None, Unset, str]): When it ended.
            time_started (Union[None, Unset, str]): When its process started (the worker's clock).
            waiting_reason (Union[None, Unset, str]): Why a task that has not started is not running (paused; a parent job
                or parent frames;
                a full limit; a maximum reached; a requirement no online agent meets; every eligible
                agent busy). Given by `GET /api/v1/jobs/{job_id}/tasks/{task_id}` only.
     """

    attempts: int
    declines: int
    failures: int
    frame_first: int
    frame_last: int
    frames: list[int]
    id: int
    index: int
    job_id: int
    progress: float
    ram_warning: bool
    state: str
    agent_id: Union[None, Unset, str] = UNSET
    done_through: Union[None, Unset, int] = UNSET
    exit_code: Union[None, Unset, int] = UNSET
    frame_states: Union[Unset, list[str]] = UNSET
    last_error: Union[None, Unset, str] = UNSET
    peak_rss_mb: Union[None, Unset, int] = UNSET
    tile: Union[None, Unset, int] = UNSET
    time_dispatched: Union[None, Unset, str] = UNSET
    time_finished: Union[None, Unset, str] = UNSET
    time_started: Union[None, Unset, str] = UNSET
    waiting_reason: Union[None, Unset, str] = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        attempts = self.attempts

        declines = self.declines

        failures = self.failures

        frame_first = self.frame_first

        frame_last = self.frame_last

        frames = self.frames



        id = self.id

        index = self.index

        job_id = self.job_id

        progress = self.progress

        ram_warning = self.ram_warning

        state = self.state

        agent_id: Union[None, Unset, str]
        if isinstance(self.agent_id, Unset):
            agent_id = UNSET
        else:
            agent_id = self.agent_id

        done_through: Union[None, Unset, int]
        if isinstance(self.done_through, Unset):
            done_through = UNSET
        else:
            done_through = self.done_through

        exit_code: Union[None, Unset, int]
        if isinstance(self.exit_code, Unset):
            exit_code = UNSET
        else:
            exit_code = self.exit_code

        frame_states: Union[Unset, list[str]] = UNSET
        if not isinstance(self.frame_states, Unset):
            frame_states = self.frame_states



        last_error: Union[None, Unset, str]
        if isinstance(self.last_error, Unset):
            last_error = UNSET
        else:
            last_error = self.last_error

        peak_rss_mb: Union[None, Unset, int]
        if isinstance(self.peak_rss_mb, Unset):
            peak_rss_mb = UNSET
        else:
            peak_rss_mb = self.peak_rss_mb

        tile: Union[None, Unset, int]
        if isinstance(self.tile, Unset):
            tile = UNSET
        else:
            tile = self.tile

        time_dispatched: Union[None, Unset, str]
        if isinstance(self.time_dispatched, Unset):
            time_dispatched = UNSET
        else:
            time_dispatched = self.time_dispatched

        time_finished: Union[None, Unset, str]
        if isinstance(self.time_finished, Unset):
            time_finished = UNSET
        else:
            time_finished = self.time_finished

        time_started: Union[None, Unset, str]
        if isinstance(self.time_started, Unset):
            time_started = UNSET
        else:
            time_started = self.time_started

        waiting_reason: Union[None, Unset, str]
        if isinstance(self.waiting_reason, Unset):
            waiting_reason = UNSET
        else:
            waiting_reason = self.waiting_reason


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attempts": attempts,
            "declines": declines,
            "failures": failures,
            "frame_first": frame_first,
            "frame_last": frame_last,
            "frames": frames,
            "id": id,
            "index": index,
            "job_id": job_id,
            "progress": progress,
            "ram_warning": ram_warning,
            "state": state,
        })
        if agent_id is not UNSET:
            field_dict["agent_id"] = agent_id
        if done_through is not UNSET:
            field_dict["done_through"] = done_through
        if exit_code is not UNSET:
            field_dict["exit_code"] = exit_code
        if frame_states is not UNSET:
            field_dict["frame_states"] = frame_states
        if last_error is not UNSET:
            field_dict["last_error"] = last_error
        if peak_rss_mb is not UNSET:
            field_dict["peak_rss_mb"] = peak_rss_mb
        if tile is not UNSET:
            field_dict["tile"] = tile
        if time_dispatched is not UNSET:
            field_dict["time_dispatched"] = time_dispatched
        if time_finished is not UNSET:
            field_dict["time_finished"] = time_finished
        if time_started is not UNSET:
            field_dict["time_started"] = time_started
        if waiting_reason is not UNSET:
            field_dict["waiting_reason"] = waiting_reason

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempts = d.pop("attempts")

        declines = d.pop("declines")

        failures = d.pop("failures")

        frame_first = d.pop("frame_first")

        frame_last = d.pop("frame_last")

        frames = cast(list[int], d.pop("frames"))


        id = d.pop("id")

        index = d.pop("index")

        job_id = d.pop("job_id")

        progress = d.pop("progress")

        ram_warning = d.pop("ram_warning")

        state = d.pop("state")

        def _parse_agent_id(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        agent_id = _parse_agent_id(d.pop("agent_id", UNSET))


        def _parse_done_through(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        done_through = _parse_done_through(d.pop("done_through", UNSET))


        def _parse_exit_code(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        exit_code = _parse_exit_code(d.pop("exit_code", UNSET))


        frame_states = cast(list[str], d.pop("frame_states", UNSET))


        def _parse_last_error(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        last_error = _parse_last_error(d.pop("last_error", UNSET))


        def _parse_peak_rss_mb(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        peak_rss_mb = _parse_peak_rss_mb(d.pop("peak_rss_mb", UNSET))


        def _parse_tile(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        tile = _parse_tile(d.pop("tile", UNSET))


        def _parse_time_dispatched(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        time_dispatched = _parse_time_dispatched(d.pop("time_dispatched", UNSET))


        def _parse_time_finished(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        time_finished = _parse_time_finished(d.pop("time_finished", UNSET))


        def _parse_time_started(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        time_started = _parse_time_started(d.pop("time_started", UNSET))


        def _parse_waiting_reason(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        waiting_reason = _parse_waiting_reason(d.pop("waiting_reason", UNSET))


        task_view = cls(
            attempts=attempts,
            declines=declines,
            failures=failures,
            frame_first=frame_first,
            frame_last=frame_last,
            frames=frames,
            id=id,
            index=index,
            job_id=job_id,
            progress=progress,
            ram_warning=ram_warning,
            state=state,
            agent_id=agent_id,
            done_through=done_through,
            exit_code=exit_code,
            frame_states=frame_states,
            last_error=last_error,
            peak_rss_mb=peak_rss_mb,
            tile=tile,
            time_dispatched=time_dispatched,
            time_finished=time_finished,
            time_started=time_started,
            waiting_reason=waiting_reason,
        )


        task_view.additional_properties = d
        return task_view

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
