from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="TokenView")



@_attrs_define
class TokenView:
    """ An API token as listed (never its secret).

        Attributes:
            id (int): Id, for revoking.
            name (str): What it is for.
            time_created (str): RFC 3339.
            time_last_used (Union[None, Unset, str]): Last use, to the minute.
            token (Union[None, Unset, str]): The secret: only in the answer that made the token.
     """

    id: int
    name: str
    time_created: str
    time_last_used: Union[None, Unset, str] = UNSET
    token: Union[None, Unset, str] = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        time_created = self.time_created

        time_last_used: Union[None, Unset, str]
        if isinstance(self.time_last_used, Unset):
            time_last_used = UNSET
        else:
            time_last_used = self.time_last_used

        token: Union[None, Unset, str]
        if isinstance(self.token, Unset):
            token = UNSET
        else:
            token = self.token


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "name": name,
            "time_created": time_created,
        })
        if time_last_used is not UNSET:
            field_dict["time_last_used"] = time_last_used
        if token is not UNSET:
            field_dict["token"] = token

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        time_created = d.pop("time_created")

        def _parse_time_last_used(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        time_last_used = _parse_time_last_used(d.pop("time_last_used", UNSET))


        def _parse_token(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        token = _parse_token(d.pop("token", UNSET))


        token_view = cls(
            id=id,
            name=name,
            time_created=time_created,
            time_last_used=time_last_used,
            token=token,
        )


        token_view.additional_properties = d
        return token_view

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
