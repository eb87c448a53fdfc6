from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="RestartView")



@_attrs_define
class RestartView:
    """ One agent's restart.

        Attributes:
            agent_id (str): The agent.
            batch (int): The request it belongs to.
            now (bool): Running tasks handed back instead of finishing.
            requested_at (str): RFC 3339.
            requested_by (str): Who asked.
            state (str): `pending`, `restarting`, `done` or `failed` (it went offline; the rest of its batch waits).
            done_at (Union[None, Unset, str]): When it came back, or was found gone (RFC 3339).
            sent_at (Union[None, Unset, str]): When the agent was told (RFC 3339).
            version_after (Union[None, Unset, str]): The version it reported after.
            version_before (Union[None, Unset, str]): The version it reported before.
     """

    agent_id: str
    batch: int
    now: bool
    requested_at: str
    requested_by: str
    state: str
    done_at: Union[None, Unset, str] = UNSET
    sent_at: Union[None, Unset, str] = UNSET
    version_after: Union[None, Unset, str] = UNSET
    version_before: Union[None, Unset, str] = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        agent_id = self.agent_id

        batch = self.batch

        now = self.now

        requested_at = self.requested_at

        requested_by = self.requested_by

        state = self.state

        done_at: Union[None, Unset, str]
        if isinstance(self.done_at, Unset):
            done_at = UNSET
        else:
            done_at = self.done_at

        sent_at: Union[None, Unset, str]
        if isinstance(self.sent_at, Unset):
            sent_at = UNSET
        else:
            sent_at = self.sent_at

        version_after: Union[None, Unset, str]
        if isinstance(self.version_after, Unset):
            version_after = UNSET
        else:
            version_after = self.version_after

        version_before: Union[None, Unset, str]
        if isinstance(self.version_before, Unset):
            version_before = UNSET
        else:
            version_before = self.version_before


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agent_id": agent_id,
            "batch": batch,
            "now": now,
            "requested_at": requested_at,
            "requested_by": requested_by,
            "state": state,
        })
        if done_at is not UNSET:
            field_dict["done_at"] = done_at
        if sent_at is not UNSET:
            field_dict["sent_at"] = sent_at
        if version_after is not UNSET:
            field_dict["version_after"] = version_after
        if version_before is not UNSET:
            field_dict["version_before"] = version_before

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agent_id = d.pop("agent_id")

        batch = d.pop("batch")

        now = d.pop("now")

        requested_at = d.pop("requested_at")

        requested_by = d.pop("requested_by")

        state = d.pop("state")

        def _parse_done_at(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        done_at = _parse_done_at(d.pop("done_at", UNSET))


        def _parse_sent_at(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        sent_at = _parse_sent_at(d.pop("sent_at", UNSET))


        def _parse_version_after(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        version_after = _parse_version_after(d.pop("version_after", UNSET))


        def _parse_version_before(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        version_before = _parse_version_before(d.pop("version_before", UNSET))


        restart_view = cls(
            agent_id=agent_id,
            batch=batch,
            now=now,
            requested_at=requested_at,
            requested_by=requested_by,
            state=state,
            done_at=done_at,
            sent_at=sent_at,
            version_after=version_after,
            version_before=version_before,
        )


        restart_view.additional_properties = d
        return restart_view

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
