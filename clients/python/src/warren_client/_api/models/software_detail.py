from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import cast, Union
from typing import Union

if TYPE_CHECKING:
  from ..models.software_definition import SoftwareDefinition
  from ..models.version_agents import VersionAgents





T = TypeVar("T", bound="SoftwareDetail")



@_attrs_define
class SoftwareDetail:
    """ Answer of `GET /api/v1/software/{name}`.

        Attributes:
            name (str): Software name.
            versions (list['VersionAgents']): Versions defined or found, with their agents.
            definition (Union['SoftwareDefinition', None, Unset]):
     """

    name: str
    versions: list['VersionAgents']
    definition: Union['SoftwareDefinition', None, Unset] = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.software_definition import SoftwareDefinition
        from ..models.version_agents import VersionAgents
        name = self.name

        versions = []
        for versions_item_data in self.versions:
            versions_item = versions_item_data.to_dict()
            versions.append(versions_item)



        definition: Union[None, Unset, dict[str, Any]]
        if isinstance(self.definition, Unset):
            definition = UNSET
        elif isinstance(self.definition, SoftwareDefinition):
            definition = self.definition.to_dict()
        else:
            definition = self.definition


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "versions": versions,
        })
        if definition is not UNSET:
            field_dict["definition"] = definition

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.software_definition import SoftwareDefinition
        from ..models.version_agents import VersionAgents
        d = dict(src_dict)
        name = d.pop("name")

        versions = []
        _versions = d.pop("versions")
        for versions_item_data in (_versions):
            versions_item = VersionAgents.from_dict(versions_item_data)



            versions.append(versions_item)


        def _parse_definition(data: object) -> Union['SoftwareDefinition', None, Unset]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                definition_type_1 = SoftwareDefinition.from_dict(data)



                return definition_type_1
            except: # noqa: E722
                pass
            return cast(Union['SoftwareDefinition', None, Unset], data)

        definition = _parse_definition(d.pop("definition", UNSET))


        software_detail = cls(
            name=name,
            versions=versions,
            definition=definition,
        )


        software_detail.additional_properties = d
        return software_detail

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
