from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from typing import cast, Union

if TYPE_CHECKING:
  from ..models.limit_setting_type_1 import LimitSettingType1





T = TypeVar("T", bound="PutLimitsBody")



@_attrs_define
class PutLimitsBody:
    """ 
     """

    additional_properties: dict[str, Union['LimitSettingType1', int]] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.limit_setting_type_1 import LimitSettingType1
        
        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            
            if isinstance(prop, LimitSettingType1):
                field_dict[prop_name] = prop.to_dict()
            else:
                field_dict[prop_name] = prop


        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.limit_setting_type_1 import LimitSettingType1
        d = dict(src_dict)
        put_limits_body = cls(
        )


        additional_properties = {}
        for prop_name, prop_dict in d.items():
            def _parse_additional_property(data: object) -> Union['LimitSettingType1', int]:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_limit_setting_type_1 = LimitSettingType1.from_dict(data)



                    return componentsschemas_limit_setting_type_1
                except: # noqa: E722
                    pass
                return cast(Union['LimitSettingType1', int], data)

            additional_property = _parse_additional_property(prop_dict)

            additional_properties[prop_name] = additional_property

        put_limits_body.additional_properties = additional_properties
        return put_limits_body

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Union['LimitSettingType1', int]:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Union['LimitSettingType1', int]) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
