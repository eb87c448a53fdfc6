from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="EnrollView")



@_attrs_define
class EnrollView:
    """ Answer of `POST /api/v1/agents/enroll`: the join token, shown only this once.

        Attributes:
            agent_id (str): The agent made for the node.
            expires_at (str): When the token stops working (RFC 3339).
            join_command (str): The command to run on the node.
            token (str): The join token: give it to `warren-worker join` on the node.
     """

    agent_id: str
    expires_at: str
    join_command: str
    token: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        agent_id = self.agent_id

        expires_at = self.expires_at

        join_command = self.join_command

        token = self.token


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agent_id": agent_id,
            "expires_at": expires_at,
            "join_command": join_command,
            "token": token,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agent_id = d.pop("agent_id")

        expires_at = d.pop("expires_at")

        join_command = d.pop("join_command")

        token = d.pop("token")

        enroll_view = cls(
            agent_id=agent_id,
            expires_at=expires_at,
            join_command=join_command,
            token=token,
        )


        enroll_view.additional_properties = d
        return enroll_view

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
