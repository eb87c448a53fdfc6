from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="LimitView")



@_attrs_define
class LimitView:
    """ A limit and how much of it is in use.

        Attributes:
            in_use (int): Units held now by dispatched and running tasks.
            max_ (int): Units available farm-wide.
            name (str): Limit name.
            per_host (bool): Counted once per host instead of once per task.
     """

    in_use: int
    max_: int
    name: str
    per_host: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        in_use = self.in_use

        max_ = self.max_

        name = self.name

        per_host = self.per_host


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "in_use": in_use,
            "max": max_,
            "name": name,
            "per_host": per_host,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        in_use = d.pop("in_use")

        max_ = d.pop("max")

        name = d.pop("name")

        per_host = d.pop("per_host")

        limit_view = cls(
            in_use=in_use,
            max_=max_,
            name=name,
            per_host=per_host,
        )


        limit_view.additional_properties = d
        return limit_view

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
