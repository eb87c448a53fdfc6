from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.failed_agent import FailedAgent





T = TypeVar("T", bound="FailedAgents")



@_attrs_define
class FailedAgents:
    """ Answer of `GET /api/v1/jobs/{id}/tasks/{task_id}/failed_on_agents`.

        Attributes:
            failed_on_agents (list['FailedAgent']): By agent id.
     """

    failed_on_agents: list['FailedAgent']
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.failed_agent import FailedAgent
        failed_on_agents = []
        for failed_on_agents_item_data in self.failed_on_agents:
            failed_on_agents_item = failed_on_agents_item_data.to_dict()
            failed_on_agents.append(failed_on_agents_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "failed_on_agents": failed_on_agents,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.failed_agent import FailedAgent
        d = dict(src_dict)
        failed_on_agents = []
        _failed_on_agents = d.pop("failed_on_agents")
        for failed_on_agents_item_data in (_failed_on_agents):
            failed_on_agents_item = FailedAgent.from_dict(failed_on_agents_item_data)



            failed_on_agents.append(failed_on_agents_item)


        failed_agents = cls(
            failed_on_agents=failed_on_agents,
        )


        failed_agents.additional_properties = d
        return failed_agents

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
