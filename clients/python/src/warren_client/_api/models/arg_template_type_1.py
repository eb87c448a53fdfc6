from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="ArgTemplateType1")



@_attrs_define
class ArgTemplateType1:
    """ Arguments given only when `data` has `if_data`, e.g.
    `{"if_data": "engine", "argv": ["-E", "{data.engine}"]}`.

        Attributes:
            argv (list[str]): The arguments, with placeholders.
            if_data (str): The `data` key that must be present.
     """

    argv: list[str]
    if_data: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        argv = self.argv



        if_data = self.if_data


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "argv": argv,
            "if_data": if_data,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        argv = cast(list[str], d.pop("argv"))


        if_data = d.pop("if_data")

        arg_template_type_1 = cls(
            argv=argv,
            if_data=if_data,
        )


        arg_template_type_1.additional_properties = d
        return arg_template_type_1

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
