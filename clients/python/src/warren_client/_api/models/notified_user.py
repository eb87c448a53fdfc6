from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="NotifiedUser")



@_attrs_define
class NotifiedUser:
    """ Body of `POST /api/v1/jobs/{job_id}/notified_users`.

        Attributes:
            user (str): A user name or an email address.
     """

    user: str





    def to_dict(self) -> dict[str, Any]:
        user = self.user


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "user": user,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user = d.pop("user")

        notified_user = cls(
            user=user,
        )

        return notified_user

