from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="VersionCount")



@_attrs_define
class VersionCount:
    """ A version of some software and how many agents have it.

        Attributes:
            agents (int): Agents that have it.
            catalogued (bool): Whether the farm's software catalogue defines this version.
            version (str): The version.
     """

    agents: int
    catalogued: bool
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        agents = self.agents

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
        d = dict(src_dict)
        agents = d.pop("agents")

        catalogued = d.pop("catalogued")

        version = d.pop("version")

        version_count = cls(
            agents=agents,
            catalogued=catalogued,
            version=version,
        )


        version_count.additional_properties = d
        return version_count

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
