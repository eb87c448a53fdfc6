from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.restart_view import RestartView





T = TypeVar("T", bound="RestartList")



@_attrs_define
class RestartList:
    """ Answer of `GET /api/v1/agents/restarts`.

        Attributes:
            restarts (list['RestartView']): Newest first, at most 500.
     """

    restarts: list['RestartView']
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.restart_view import RestartView
        restarts = []
        for restarts_item_data in self.restarts:
            restarts_item = restarts_item_data.to_dict()
            restarts.append(restarts_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "restarts": restarts,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.restart_view import RestartView
        d = dict(src_dict)
        restarts = []
        _restarts = d.pop("restarts")
        for restarts_item_data in (_restarts):
            restarts_item = RestartView.from_dict(restarts_item_data)



            restarts.append(restarts_item)


        restart_list = cls(
            restarts=restarts,
        )


        restart_list.additional_properties = d
        return restart_list

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
