from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.autoscaler_view import AutoscalerView





T = TypeVar("T", bound="AutoscalerList")



@_attrs_define
class AutoscalerList:
    """ Answer of `GET /api/v1/autoscalers`.

        Attributes:
            autoscalers (list['AutoscalerView']): Every autoscaler.
            providers (list[str]): The providers the master was started with.
     """

    autoscalers: list['AutoscalerView']
    providers: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.autoscaler_view import AutoscalerView
        autoscalers = []
        for autoscalers_item_data in self.autoscalers:
            autoscalers_item = autoscalers_item_data.to_dict()
            autoscalers.append(autoscalers_item)



        providers = self.providers




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "autoscalers": autoscalers,
            "providers": providers,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.autoscaler_view import AutoscalerView
        d = dict(src_dict)
        autoscalers = []
        _autoscalers = d.pop("autoscalers")
        for autoscalers_item_data in (_autoscalers):
            autoscalers_item = AutoscalerView.from_dict(autoscalers_item_data)



            autoscalers.append(autoscalers_item)


        providers = cast(list[str], d.pop("providers"))


        autoscaler_list = cls(
            autoscalers=autoscalers,
            providers=providers,
        )


        autoscaler_list.additional_properties = d
        return autoscaler_list

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
