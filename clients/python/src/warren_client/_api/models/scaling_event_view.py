from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="ScalingEventView")



@_attrs_define
class ScalingEventView:
    """ One scaling decision.

        Attributes:
            action (str): `start`, `drain`, `resume`, `stop`, `gone` or `error`.
            id (int): Id.
            nodes (list[str]): The nodes concerned.
            reason (str): Why.
            time (str): When (RFC 3339).
            queue (Union[None, Unset, str]): The job queue.
     """

    action: str
    id: int
    nodes: list[str]
    reason: str
    time: str
    queue: Union[None, Unset, str] = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        action = self.action

        id = self.id

        nodes = self.nodes



        reason = self.reason

        time = self.time

        queue: Union[None, Unset, str]
        if isinstance(self.queue, Unset):
            queue = UNSET
        else:
            queue = self.queue


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "action": action,
            "id": id,
            "nodes": nodes,
            "reason": reason,
            "time": time,
        })
        if queue is not UNSET:
            field_dict["queue"] = queue

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = d.pop("action")

        id = d.pop("id")

        nodes = cast(list[str], d.pop("nodes"))


        reason = d.pop("reason")

        time = d.pop("time")

        def _parse_queue(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        queue = _parse_queue(d.pop("queue", UNSET))


        scaling_event_view = cls(
            action=action,
            id=id,
            nodes=nodes,
            reason=reason,
            time=time,
            queue=queue,
        )


        scaling_event_view.additional_properties = d
        return scaling_event_view

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
