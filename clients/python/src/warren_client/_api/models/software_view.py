from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.version_count import VersionCount





T = TypeVar("T", bound="SoftwareView")



@_attrs_define
class SoftwareView:
    """ A piece of software with its versions.

        Attributes:
            catalogued (bool): Whether the farm's software catalogue defines it (otherwise only agents' own checks
                found it).
            name (str): Software name.
            versions (list['VersionCount']): Versions defined or found, in order.
     """

    catalogued: bool
    name: str
    versions: list['VersionCount']
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.version_count import VersionCount
        catalogued = self.catalogued

        name = self.name

        versions = []
        for versions_item_data in self.versions:
            versions_item = versions_item_data.to_dict()
            versions.append(versions_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "catalogued": catalogued,
            "name": name,
            "versions": versions,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.version_count import VersionCount
        d = dict(src_dict)
        catalogued = d.pop("catalogued")

        name = d.pop("name")

        versions = []
        _versions = d.pop("versions")
        for versions_item_data in (_versions):
            versions_item = VersionCount.from_dict(versions_item_data)



            versions.append(versions_item)


        software_view = cls(
            catalogued=catalogued,
            name=name,
            versions=versions,
        )


        software_view.additional_properties = d
        return software_view

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
