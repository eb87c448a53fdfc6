from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from typing import cast, Union

if TYPE_CHECKING:
  from ..models.arg_template_type_1 import ArgTemplateType1





T = TypeVar("T", bound="Phase")



@_attrs_define
class Phase:
    """ One step of a job type's tasks.

        Attributes:
            argv (list[Union['ArgTemplateType1', str]]): Argv template.
            name (str): What the step is, e.g. `render`.
     """

    argv: list[Union['ArgTemplateType1', str]]
    name: str





    def to_dict(self) -> dict[str, Any]:
        from ..models.arg_template_type_1 import ArgTemplateType1
        argv = []
        for argv_item_data in self.argv:
            argv_item: Union[dict[str, Any], str]
            if isinstance(argv_item_data, ArgTemplateType1):
                argv_item = argv_item_data.to_dict()
            else:
                argv_item = argv_item_data
            argv.append(argv_item)



        name = self.name


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "argv": argv,
            "name": name,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.arg_template_type_1 import ArgTemplateType1
        d = dict(src_dict)
        argv = []
        _argv = d.pop("argv")
        for argv_item_data in (_argv):
            def _parse_argv_item(data: object) -> Union['ArgTemplateType1', str]:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_arg_template_type_1 = ArgTemplateType1.from_dict(data)



                    return componentsschemas_arg_template_type_1
                except: # noqa: E722
                    pass
                return cast(Union['ArgTemplateType1', str], data)

            argv_item = _parse_argv_item(argv_item_data)

            argv.append(argv_item)


        name = d.pop("name")

        phase = cls(
            argv=argv,
            name=name,
        )

        return phase

