from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.unchanged_task import UnchangedTask





T = TypeVar("T", bound="TaskActionAnswer")



@_attrs_define
class TaskActionAnswer:
    """ Answer of `POST /api/v1/jobs/{job_id}/tasks/actions`.

        Attributes:
            action (str): `kill`, `skip`, `fail` or `retry`.
            changed (list[int]): Tasks changed.
            unchanged (list['UnchangedTask']): Tasks left alone, with why.
     """

    action: str
    changed: list[int]
    unchanged: list['UnchangedTask']
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.unchanged_task import UnchangedTask
        action = self.action

        changed = self.changed



        unchanged = []
        for unchanged_item_data in self.unchanged:
            unchanged_item = unchanged_item_data.to_dict()
            unchanged.append(unchanged_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "action": action,
            "changed": changed,
            "unchanged": unchanged,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.unchanged_task import UnchangedTask
        d = dict(src_dict)
        action = d.pop("action")

        changed = cast(list[int], d.pop("changed"))


        unchanged = []
        _unchanged = d.pop("unchanged")
        for unchanged_item_data in (_unchanged):
            unchanged_item = UnchangedTask.from_dict(unchanged_item_data)



            unchanged.append(unchanged_item)


        task_action_answer = cls(
            action=action,
            changed=changed,
            unchanged=unchanged,
        )


        task_action_answer.additional_properties = d
        return task_action_answer

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
