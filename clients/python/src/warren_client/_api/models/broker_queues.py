from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.broker_queue import BrokerQueue





T = TypeVar("T", bound="BrokerQueues")



@_attrs_define
class BrokerQueues:
    """ Answer of `GET /api/v1/broker/queues`.

        Attributes:
            management_url (str): RabbitMQ's management UI.
            queues (list['BrokerQueue']): The farm's queues, by name.
     """

    management_url: str
    queues: list['BrokerQueue']
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.broker_queue import BrokerQueue
        management_url = self.management_url

        queues = []
        for queues_item_data in self.queues:
            queues_item = queues_item_data.to_dict()
            queues.append(queues_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "management_url": management_url,
            "queues": queues,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.broker_queue import BrokerQueue
        d = dict(src_dict)
        management_url = d.pop("management_url")

        queues = []
        _queues = d.pop("queues")
        for queues_item_data in (_queues):
            queues_item = BrokerQueue.from_dict(queues_item_data)



            queues.append(queues_item)


        broker_queues = cls(
            management_url=management_url,
            queues=queues,
        )


        broker_queues.additional_properties = d
        return broker_queues

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
