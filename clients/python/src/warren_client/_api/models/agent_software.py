from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.agent_software_software import AgentSoftwareSoftware





T = TypeVar("T", bound="AgentSoftware")



@_attrs_define
class AgentSoftware:
    """ Answer of `GET /api/v1/agents/{id}/software`.

        Attributes:
            software (AgentSoftwareSoftware): Each piece of software the agent's checks found, with its versions.
     """

    software: 'AgentSoftwareSoftware'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.agent_software_software import AgentSoftwareSoftware
        software = self.software.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "software": software,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agent_software_software import AgentSoftwareSoftware
        d = dict(src_dict)
        software = AgentSoftwareSoftware.from_dict(d.pop("software"))




        agent_software = cls(
            software=software,
        )


        agent_software.additional_properties = d
        return agent_software

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
