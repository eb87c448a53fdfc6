from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="AgentStateSample")



@_attrs_define
class AgentStateSample:
    """ Agents by state at one time.

        Attributes:
            disabled (int): Disabled.
            offline (int): Not heard from.
            online (int): Online and idle.
            running (int): Running tasks.
            time (str): When (RFC 3339).
     """

    disabled: int
    offline: int
    online: int
    running: int
    time: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        disabled = self.disabled

        offline = self.offline

        online = self.online

        running = self.running

        time = self.time


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "disabled": disabled,
            "offline": offline,
            "online": online,
            "running": running,
            "time": time,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        disabled = d.pop("disabled")

        offline = d.pop("offline")

        online = d.pop("online")

        running = d.pop("running")

        time = d.pop("time")

        agent_state_sample = cls(
            disabled=disabled,
            offline=offline,
            online=online,
            running=running,
            time=time,
        )


        agent_state_sample.additional_properties = d
        return agent_state_sample

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
