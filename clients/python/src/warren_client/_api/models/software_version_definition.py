from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import Union

if TYPE_CHECKING:
  from ..models.software_version_definition_paths import SoftwareVersionDefinitionPaths
  from ..models.software_version_definition_checks import SoftwareVersionDefinitionChecks





T = TypeVar("T", bound="SoftwareVersionDefinition")



@_attrs_define
class SoftwareVersionDefinition:
    """ One version of some software in the farm's catalogue.

        Attributes:
            checks (SoftwareVersionDefinitionChecks): The discovery check per operating system (`linux`, `macos`,
                `windows`); an agent on a
                system without a check does not have this version.
            version (str): The version, dot-separated numbers (`4.1`, `2024.1.2`).
            paths (Union[Unset, SoftwareVersionDefinitionPaths]): Where the version is installed, per operating system; when
                given, an agent has the
                version only if the path exists.
     """

    checks: 'SoftwareVersionDefinitionChecks'
    version: str
    paths: Union[Unset, 'SoftwareVersionDefinitionPaths'] = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.software_version_definition_paths import SoftwareVersionDefinitionPaths
        from ..models.software_version_definition_checks import SoftwareVersionDefinitionChecks
        checks = self.checks.to_dict()

        version = self.version

        paths: Union[Unset, dict[str, Any]] = UNSET
        if not isinstance(self.paths, Unset):
            paths = self.paths.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "checks": checks,
            "version": version,
        })
        if paths is not UNSET:
            field_dict["paths"] = paths

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.software_version_definition_paths import SoftwareVersionDefinitionPaths
        from ..models.software_version_definition_checks import SoftwareVersionDefinitionChecks
        d = dict(src_dict)
        checks = SoftwareVersionDefinitionChecks.from_dict(d.pop("checks"))




        version = d.pop("version")

        _paths = d.pop("paths", UNSET)
        paths: Union[Unset, SoftwareVersionDefinitionPaths]
        if isinstance(_paths,  Unset):
            paths = UNSET
        else:
            paths = SoftwareVersionDefinitionPaths.from_dict(_paths)




        software_version_definition = cls(
            checks=checks,
            version=version,
            paths=paths,
        )

        return software_version_definition

