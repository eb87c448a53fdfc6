from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="MeView")



@_attrs_define
class MeView:
    """ Answer of `GET /api/v1/auth/me`.

        Attributes:
            auth (str): How they authenticated: `token`, `session`, or `none` (the master runs with `--no-auth`).
            role (str): Their role.
            username (str): The caller.
            csrf_token (Union[None, Unset, str]): With a session: the token writes must echo in `X-CSRF-Token`.
     """

    auth: str
    role: str
    username: str
    csrf_token: Union[None, Unset, str] = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        auth = self.auth

        role = self.role

        username = self.username

        csrf_token: Union[None, Unset, str]
        if isinstance(self.csrf_token, Unset):
            csrf_token = UNSET
        else:
            csrf_token = self.csrf_token


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "auth": auth,
            "role": role,
            "username": username,
        })
        if csrf_token is not UNSET:
            field_dict["csrf_token"] = csrf_token

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        auth = d.pop("auth")

        role = d.pop("role")

        username = d.pop("username")

        def _parse_csrf_token(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        csrf_token = _parse_csrf_token(d.pop("csrf_token", UNSET))


        me_view = cls(
            auth=auth,
            role=role,
            username=username,
            csrf_token=csrf_token,
        )


        me_view.additional_properties = d
        return me_view

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
