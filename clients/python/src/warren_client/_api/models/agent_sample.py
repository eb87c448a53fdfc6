from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="AgentSample")



@_attrs_define
class AgentSample:
    """ One agent's figures at one time.

        Attributes:
            free_ram (int): Free RAM, MB.
            load (float): Load average.
            running_tasks (int): Tasks it was running.
            time (str): When (RFC 3339).
     """

    free_ram: int
    load: float
    running_tasks: int
    time: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        free_ram = self.free_ram

        load = self.load

        running_tasks = self.running_tasks

        time = self.time


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "free_ram": free_ram,
            "load": load,
            "running_tasks": running_tasks,
            "time": time,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        free_ram = d.pop("free_ram")

        load = d.pop("load")

        running_tasks = d.pop("running_tasks")

        time = d.pop("time")

        agent_sample = cls(
            free_ram=free_ram,
            load=load,
            running_tasks=running_tasks,
            time=time,
        )


        agent_sample.additional_properties = d
        return agent_sample

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
