from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="UserView")



@_attrs_define
class UserView:
    """ A user as the API shows it (never the password).

        Attributes:
            disabled (bool): Disabled users' credentials are refused.
            has_password (bool): Whether the user can log in with a password (else tokens only).
            id (int): Id.
            role (str): viewer, submitter, operator or admin.
            time_created (str): RFC 3339.
            username (str): User name.
            email (Union[None, Unset, str]): Email address for job notifications.
     """

    disabled: bool
    has_password: bool
    id: int
    role: str
    time_created: str
    username: str
    email: Union[None, Unset, str] = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        disabled = self.disabled

        has_password = self.has_password

        id = self.id

        role = self.role

        time_created = self.time_created

        username = self.username

        email: Union[None, Unset, str]
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "disabled": disabled,
            "has_password": has_password,
            "id": id,
            "role": role,
            "time_created": time_created,
            "username": username,
        })
        if email is not UNSET:
            field_dict["email"] = email

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        disabled = d.pop("disabled")

        has_password = d.pop("has_password")

        id = d.pop("id")

        role = d.pop("role")

        time_created = d.pop("time_created")

        username = d.pop("username")

        def _parse_email(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        email = _parse_email(d.pop("email", UNSET))


        user_view = cls(
            disabled=disabled,
            has_password=has_password,
            id=id,
            role=role,
            time_created=time_created,
            username=username,
            email=email,
        )


        user_view.additional_properties = d
        return user_view

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
