from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.log_view import LogView





T = TypeVar("T", bound="LogList")



@_attrs_define
class LogList:
    """ Answer of `GET /api/v1/jobs/{job_id}/tasks/{task_id}/logs`.

        Attributes:
            logs (list['LogView']): One log per attempt that printed something, in attempt order.
     """

    logs: list['LogView']
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.log_view import LogView
        logs = []
        for logs_item_data in self.logs:
            logs_item = logs_item_data.to_dict()
            logs.append(logs_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "logs": logs,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.log_view import LogView
        d = dict(src_dict)
        logs = []
        _logs = d.pop("logs")
        for logs_item_data in (_logs):
            logs_item = LogView.from_dict(logs_item_data)



            logs.append(logs_item)


        log_list = cls(
            logs=logs,
        )


        log_list.additional_properties = d
        return log_list

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
