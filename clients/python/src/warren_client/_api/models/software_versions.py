from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.software_version_definition import SoftwareVersionDefinition





T = TypeVar("T", bound="SoftwareVersions")



@_attrs_define
class SoftwareVersions:
    """ Body of `PUT /api/v1/software/{name}`: the versions the catalogue defines.

        Attributes:
            versions (list['SoftwareVersionDefinition']): The versions, each with its checks.
     """

    versions: list['SoftwareVersionDefinition']





    def to_dict(self) -> dict[str, Any]:
        from ..models.software_version_definition import SoftwareVersionDefinition
        versions = []
        for versions_item_data in self.versions:
            versions_item = versions_item_data.to_dict()
            versions.append(versions_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "versions": versions,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.software_version_definition import SoftwareVersionDefinition
        d = dict(src_dict)
        versions = []
        _versions = d.pop("versions")
        for versions_item_data in (_versions):
            versions_item = SoftwareVersionDefinition.from_dict(versions_item_data)



            versions.append(versions_item)


        software_versions = cls(
            versions=versions,
        )

        return software_versions

