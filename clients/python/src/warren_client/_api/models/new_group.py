from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="NewGroup")



@_attrs_define
class NewGroup:
    """ The body of `POST /api/v1/jobgroups`.

        Attributes:
            title (str): Group title.
            user (Union[None, Unset, str]): Owner (default: the caller).
     """

    title: str
    user: Union[None, Unset, str] = UNSET





    def to_dict(self) -> dict[str, Any]:
        title = self.title

        user: Union[None, Unset, str]
        if isinstance(self.user, Unset):
            user = UNSET
        else:
            user = self.user


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "title": title,
        })
        if user is not UNSET:
            field_dict["user"] = user

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        title = d.pop("title")

        def _parse_user(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        user = _parse_user(d.pop("user", UNSET))


        new_group = cls(
            title=title,
            user=user,
        )

        return new_group

