from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.path_map_view import PathMapView





T = TypeVar("T", bound="PathMapList")



@_attrs_define
class PathMapList:
    """ Every path map.

        Attributes:
            pathmaps (list['PathMapView']): Path maps, oldest first.
     """

    pathmaps: list['PathMapView']
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.path_map_view import PathMapView
        pathmaps = []
        for pathmaps_item_data in self.pathmaps:
            pathmaps_item = pathmaps_item_data.to_dict()
            pathmaps.append(pathmaps_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "pathmaps": pathmaps,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.path_map_view import PathMapView
        d = dict(src_dict)
        pathmaps = []
        _pathmaps = d.pop("pathmaps")
        for pathmaps_item_data in (_pathmaps):
            pathmaps_item = PathMapView.from_dict(pathmaps_item_data)



            pathmaps.append(pathmaps_item)


        path_map_list = cls(
            pathmaps=pathmaps,
        )


        path_map_list.additional_properties = d
        return path_map_list

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
