from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.agent_ref import AgentRef





T = TypeVar("T", bound="TagUses")



@_attrs_define
class TagUses:
    """ Answer of `GET /api/v1/tags/{tag}`.

        Attributes:
            agents (list['AgentRef']): Agents that carry it.
            jobs (list[int]): Ids of the newest 1,000 jobs that require it.
            name (str): Tag name.
     """

    agents: list['AgentRef']
    jobs: list[int]
    name: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.agent_ref import AgentRef
        agents = []
        for agents_item_data in self.agents:
            agents_item = agents_item_data.to_dict()
            agents.append(agents_item)



        jobs = self.jobs



        name = self.name


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agents": agents,
            "jobs": jobs,
            "name": name,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agent_ref import AgentRef
        d = dict(src_dict)
        agents = []
        _agents = d.pop("agents")
        for agents_item_data in (_agents):
            agents_item = AgentRef.from_dict(agents_item_data)



            agents.append(agents_item)


        jobs = cast(list[int], d.pop("jobs"))


        name = d.pop("name")

        tag_uses = cls(
            agents=agents,
            jobs=jobs,
            name=name,
        )


        tag_uses.additional_properties = d
        return tag_uses

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
