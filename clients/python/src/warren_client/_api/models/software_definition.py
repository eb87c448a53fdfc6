from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.software_version_definition import SoftwareVersionDefinition





T = TypeVar("T", bound="SoftwareDefinition")



@_attrs_define
class SoftwareDefinition:
    """ A piece of software as the farm's catalogue defines it; agents receive the catalogue and run
    its checks.

        Attributes:
            name (str): Software name, as jobs require it.
            versions (list['SoftwareVersionDefinition']): Its versions.
     """

    name: str
    versions: list['SoftwareVersionDefinition']
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.software_version_definition import SoftwareVersionDefinition
        name = self.name

        versions = []
        for versions_item_data in self.versions:
            versions_item = versions_item_data.to_dict()
            versions.append(versions_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "versions": versions,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.software_version_definition import SoftwareVersionDefinition
        d = dict(src_dict)
        name = d.pop("name")

        versions = []
        _versions = d.pop("versions")
        for versions_item_data in (_versions):
            versions_item = SoftwareVersionDefinition.from_dict(versions_item_data)



            versions.append(versions_item)


        software_definition = cls(
            name=name,
            versions=versions,
        )


        software_definition.additional_properties = d
        return software_definition

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
