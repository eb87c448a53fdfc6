from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.queue_view import QueueView





T = TypeVar("T", bound="QueueList")



@_attrs_define
class QueueList:
    """ Every job queue.

        Attributes:
            jobqueues (list['QueueView']): Queues by name.
     """

    jobqueues: list['QueueView']
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.queue_view import QueueView
        jobqueues = []
        for jobqueues_item_data in self.jobqueues:
            jobqueues_item = jobqueues_item_data.to_dict()
            jobqueues.append(jobqueues_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "jobqueues": jobqueues,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.queue_view import QueueView
        d = dict(src_dict)
        jobqueues = []
        _jobqueues = d.pop("jobqueues")
        for jobqueues_item_data in (_jobqueues):
            jobqueues_item = QueueView.from_dict(jobqueues_item_data)



            jobqueues.append(jobqueues_item)


        queue_list = cls(
            jobqueues=jobqueues,
        )


        queue_list.additional_properties = d
        return queue_list

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
