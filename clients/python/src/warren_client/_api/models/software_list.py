from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.software_view import SoftwareView





T = TypeVar("T", bound="SoftwareList")



@_attrs_define
class SoftwareList:
    """ Answer of `GET /api/v1/software`.

        Attributes:
            software (list['SoftwareView']): Every piece of software the catalogue defines or some agent has, by name.
     """

    software: list['SoftwareView']
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.software_view import SoftwareView
        software = []
        for software_item_data in self.software:
            software_item = software_item_data.to_dict()
            software.append(software_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "software": software,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.software_view import SoftwareView
        d = dict(src_dict)
        software = []
        _software = d.pop("software")
        for software_item_data in (_software):
            software_item = SoftwareView.from_dict(software_item_data)



            software.append(software_item)


        software_list = cls(
            software=software,
        )


        software_list.additional_properties = d
        return software_list

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
