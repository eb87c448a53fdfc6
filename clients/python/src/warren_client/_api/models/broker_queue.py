from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="BrokerQueue")



@_attrs_define
class BrokerQueue:
    """ One RabbitMQ queue of the farm.

        Attributes:
            consumers (int): Consumers.
            messages_ready (int): Messages waiting.
            messages_unacknowledged (int): Messages delivered and not yet acknowledged.
            name (str): Queue name.
     """

    consumers: int
    messages_ready: int
    messages_unacknowledged: int
    name: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        consumers = self.consumers

        messages_ready = self.messages_ready

        messages_unacknowledged = self.messages_unacknowledged

        name = self.name


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "consumers": consumers,
            "messages_ready": messages_ready,
            "messages_unacknowledged": messages_unacknowledged,
            "name": name,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        consumers = d.pop("consumers")

        messages_ready = d.pop("messages_ready")

        messages_unacknowledged = d.pop("messages_unacknowledged")

        name = d.pop("name")

        broker_queue = cls(
            consumers=consumers,
            messages_ready=messages_ready,
            messages_unacknowledged=messages_unacknowledged,
            name=name,
        )


        broker_queue.additional_properties = d
        return broker_queue

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
