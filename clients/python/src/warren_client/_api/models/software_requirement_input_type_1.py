from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="SoftwareRequirementInputType1")



@_attrs_define
class SoftwareRequirementInputType1:
    """ Object form.

        Attributes:
            software (str): Software name.
            max_version (Union[None, Unset, str]): Highest acceptable version.
            min_version (Union[None, Unset, str]): Lowest acceptable version.
     """

    software: str
    max_version: Union[None, Unset, str] = UNSET
    min_version: Union[None, Unset, str] = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        software = self.software

        max_version: Union[None, Unset, str]
        if isinstance(self.max_version, Unset):
            max_version = UNSET
        else:
            max_version = self.max_version

        min_version: Union[None, Unset, str]
        if isinstance(self.min_version, Unset):
            min_version = UNSET
        else:
            min_version = self.min_version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "software": software,
        })
        if max_version is not UNSET:
            field_dict["max_version"] = max_version
        if min_version is not UNSET:
            field_dict["min_version"] = min_version

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        software = d.pop("software")

        def _parse_max_version(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        max_version = _parse_max_version(d.pop("max_version", UNSET))


        def _parse_min_version(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        min_version = _parse_min_version(d.pop("min_version", UNSET))


        software_requirement_input_type_1 = cls(
            software=software,
            max_version=max_version,
            min_version=min_version,
        )


        software_requirement_input_type_1.additional_properties = d
        return software_requirement_input_type_1

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
