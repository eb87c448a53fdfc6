from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="DeadLetterView")



@_attrs_define
class DeadLetterView:
    """ A message the master could not process.

        Attributes:
            id (int): Id.
            payload (str): Its body (truncated), as text.
            reason (str): Why it could not be processed.
            replayable (bool): Whether its whole body was kept, so it can be replayed.
            source (str): The queue it came from.
            time (str): When it was dead-lettered (RFC 3339).
            kind (Union[None, Unset, str]): Its AMQP `type`, when set.
            replayed_at (Union[None, Unset, str]): When it was last replayed (RFC 3339).
            user (Union[None, Unset, str]): The broker user that published it.
     """

    id: int
    payload: str
    reason: str
    replayable: bool
    source: str
    time: str
    kind: Union[None, Unset, str] = UNSET
    replayed_at: Union[None, Unset, str] = UNSET
    user: Union[None, Unset, str] = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        payload = self.payload

        reason = self.reason

        replayable = self.replayable

        source = self.source

        time = self.time

        kind: Union[None, Unset, str]
        if isinstance(self.kind, Unset):
            kind = UNSET
        else:
            kind = self.kind

        replayed_at: Union[None, Unset, str]
        if isinstance(self.replayed_at, Unset):
            replayed_at = UNSET
        else:
            replayed_at = self.replayed_at

        user: Union[None, Unset, str]
        if isinstance(self.user, Unset):
            user = UNSET
        else:
            user = self.user


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "payload": payload,
            "reason": reason,
            "replayable": replayable,
            "source": source,
            "time": time,
        })
        if kind is not UNSET:
            field_dict["kind"] = kind
        if replayed_at is not UNSET:
            field_dict["replayed_at"] = replayed_at
        if user is not UNSET:
            field_dict["user"] = user

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        payload = d.pop("payload")

        reason = d.pop("reason")

        replayable = d.pop("replayable")

        source = d.pop("source")

        time = d.pop("time")

        def _parse_kind(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        kind = _parse_kind(d.pop("kind", UNSET))


        def _parse_replayed_at(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        replayed_at = _parse_replayed_at(d.pop("replayed_at", UNSET))


        def _parse_user(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        user = _parse_user(d.pop("user", UNSET))


        dead_letter_view = cls(
            id=id,
            payload=payload,
            reason=reason,
            replayable=replayable,
            source=source,
            time=time,
            kind=kind,
            replayed_at=replayed_at,
            user=user,
        )


        dead_letter_view.additional_properties = d
        return dead_letter_view

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
