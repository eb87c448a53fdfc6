from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="AttemptView")



@_attrs_define
class AttemptView:
    """ One attempt of a task.

        Attributes:
            attempt (int): Attempt number, from 1.
            state (str): How it ended (`done`, `failed`, `lost`, ...) or `running`.
            agent_id (Union[None, Unset, str]): The agent that held it.
            error (Union[None, Unset, str]): What went wrong.
            exit_code (Union[None, Unset, int]): The process's exit code, if it exited.
            peak_rss_mb (Union[None, Unset, int]): Peak resident memory of the task's processes, in MB.
            time_finished (Union[None, Unset, str]): RFC 3339.
            time_started (Union[None, Unset, str]): RFC 3339.
     """

    attempt: int
    state: str
    agent_id: Union[None, Unset, str] = UNSET
    error: Union[None, Unset, str] = UNSET
    exit_code: Union[None, Unset, int] = UNSET
    peak_rss_mb: Union[None, Unset, int] = UNSET
    time_finished: Union[None, Unset, str] = UNSET
    time_started: Union[None, Unset, str] = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        attempt = self.attempt

        state = self.state

        agent_id: Union[None, Unset, str]
        if isinstance(self.agent_id, Unset):
            agent_id = UNSET
        else:
            agent_id = self.agent_id

        error: Union[None, Unset, str]
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        exit_code: Union[None, Unset, int]
        if isinstance(self.exit_code, Unset):
            exit_code = UNSET
        else:
            exit_code = self.exit_code

        peak_rss_mb: Union[None, Unset, int]
        if isinstance(self.peak_rss_mb, Unset):
            peak_rss_mb = UNSET
        else:
            peak_rss_mb = self.peak_rss_mb

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
            "attempt": attempt,
            "state": state,
        })
        if agent_id is not UNSET:
            field_dict["agent_id"] = agent_id
        if error is not UNSET:
            field_dict["error"] = error
        if exit_code is not UNSET:
            field_dict["exit_code"] = exit_code
        if peak_rss_mb is not UNSET:
            field_dict["peak_rss_mb"] = peak_rss_mb
        if time_finished is not UNSET:
            field_dict["time_finished"] = time_finished
        if time_started is not UNSET:
            field_dict["time_started"] = time_started

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempt = d.pop("attempt")

        state = d.pop("state")

        def _parse_agent_id(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        agent_id = _parse_agent_id(d.pop("agent_id", UNSET))


        def _parse_error(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        error = _parse_error(d.pop("error", UNSET))


        def _parse_exit_code(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        exit_code = _parse_exit_code(d.pop("exit_code", UNSET))


        def _parse_peak_rss_mb(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        peak_rss_mb = _parse_peak_rss_mb(d.pop("peak_rss_mb", UNSET))


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


        attempt_view = cls(
            attempt=attempt,
            state=state,
            agent_id=agent_id,
            error=error,
            exit_code=exit_code,
            peak_rss_mb=peak_rss_mb,
            time_finished=time_finished,
            time_started=time_started,
        )


        attempt_view.additional_properties = d
        return attempt_view

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
