from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="AgentTask")



@_attrs_define
class AgentTask:
    """ A task an agent holds or ran.

        Attributes:
            attempts (int): Attempts so far.
            frame_first (int): First frame.
            frame_last (int): Last frame.
            id (int): Task id.
            job_id (int): Its job.
            progress (float): 0 to 1.
            state (str): Task state.
            time_finished (Union[None, Unset, str]): When it ended (RFC 3339).
            time_started (Union[None, Unset, str]): When its latest attempt started (RFC 3339).
     """

    attempts: int
    frame_first: int
    frame_last: int
    id: int
    job_id: int
    progress: float
    state: str
    time_finished: Union[None, Unset, str] = UNSET
    time_started: Union[None, Unset, str] = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        attempts = self.attempts

        frame_first = self.frame_first

        frame_last = self.frame_last

        id = self.id

        job_id = self.job_id

        progress = self.progress

        state = self.state

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


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attempts": attempts,
            "frame_first": frame_first,
            "frame_last": frame_last,
            "id": id,
            "job_id": job_id,
            "progress": progress,
            "state": state,
        })
        if time_finished is not UNSET:
            field_dict["time_finished"] = time_finished
        if time_started is not UNSET:
            field_dict["time_started"] = time_started

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempts = d.pop("attempts")

        frame_first = d.pop("frame_first")

        frame_last = d.pop("frame_last")

        id = d.pop("id")

        job_id = d.pop("job_id")

        progress = d.pop("progress")

        state = d.pop("state")

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


        agent_task = cls(
            attempts=attempts,
            frame_first=frame_first,
            frame_last=frame_last,
            id=id,
            job_id=job_id,
            progress=progress,
            state=state,
            time_finished=time_finished,
            time_started=time_started,
        )


        agent_task.additional_properties = d
        return agent_task

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
