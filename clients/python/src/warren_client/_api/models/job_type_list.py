from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.job_type_view import JobTypeView





T = TypeVar("T", bound="JobTypeList")



@_attrs_define
class JobTypeList:
    """ Every job type at its newest version.

        Attributes:
            jobtypes (list['JobTypeView']): Job types by name.
     """

    jobtypes: list['JobTypeView']
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.job_type_view import JobTypeView
        jobtypes = []
        for jobtypes_item_data in self.jobtypes:
            jobtypes_item = jobtypes_item_data.to_dict()
            jobtypes.append(jobtypes_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "jobtypes": jobtypes,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_type_view import JobTypeView
        d = dict(src_dict)
        jobtypes = []
        _jobtypes = d.pop("jobtypes")
        for jobtypes_item_data in (_jobtypes):
            jobtypes_item = JobTypeView.from_dict(jobtypes_item_data)



            jobtypes.append(jobtypes_item)


        job_type_list = cls(
            jobtypes=jobtypes,
        )


        job_type_list.additional_properties = d
        return job_type_list

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
