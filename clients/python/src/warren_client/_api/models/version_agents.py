from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.software_agent import SoftwareAgent





T = TypeVar("T", bound="VersionAgents")



@_attrs_define
class VersionAgents:
    """ A version of some software with its agents.

        Attributes:
            agents (list['SoftwareAgent']): Agents that have it.
            catalogued (bool): Whether the farm's software catalogue defines this version.
            version (str): The version.
     """

    agents: list['SoftwareAgent']
    catalogued: bool
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.software_agent import SoftwareAgent
        agents = []
        for agents_item_data in self.agents:
            agents_item = agents_item_data.to_dict()
            agents.append(agents_item)



        catalogued = self.catalogued

        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agents": agents,
            "catalogued": catalogued,
            "version": version,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.software_agent import SoftwareAgent
        d = dict(src_dict)
        agents = []
        _agents = d.pop("agents")
        for agents_item_data in (_agents):
            agents_item = SoftwareAgent.from_dict(agents_item_data)



            agents.append(agents_item)


        catalogued = d.pop("catalogued")

        version = d.pop("version")

        version_agents = cls(
            agents=agents,
            catalogued=catalogued,
            version=version,
        )


        version_agents.additional_properties = d
        return version_agents

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
