from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="NewUser")



@_attrs_define
class NewUser:
    """ Body of `POST /api/v1/users`.

        Attributes:
            role (str): viewer, submitter, operator or admin.
            username (str): 1-64 letters, digits, `.`, `_`, `-` or `@`.
            email (Union[None, Unset, str]): Address for job emails.
            password (Union[None, Unset, str]): At least 8 characters; without one the user signs in with tokens only.
     """

    role: str
    username: str
    email: Union[None, Unset, str] = UNSET
    password: Union[None, Unset, str] = UNSET





    def to_dict(self) -> dict[str, Any]:
        role = self.role

        username = self.username

        email: Union[None, Unset, str]
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        password: Union[None, Unset, str]
        if isinstance(self.password, Unset):
            password = UNSET
        else:
            password = self.password


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "role": role,
            "username": username,
        })
        if email is not UNSET:
            field_dict["email"] = email
        if password is not UNSET:
            field_dict["password"] = password

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        role = d.pop("role")

        username = d.pop("username")

        def _parse_email(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        email = _parse_email(d.pop("email", UNSET))


        def _parse_password(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        password = _parse_password(d.pop("password", UNSET))


        new_user = cls(
            role=role,
            username=username,
            email=email,
            password=password,
        )

        return new_user

