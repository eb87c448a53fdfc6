from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.dependency_mode import DependencyMode
from ..types import UNSET, Unset
from typing import Union






T = TypeVar("T", bound="DependsOn")



@_attrs_define
class DependsOn:
    """ A dependency on another job: `{"job": 12, "mode": "frame"}`.

        Attributes:
            job (int): The job waited for.
            mode (Union[Unset, DependencyMode]): How a job waits for the job it depends on.
     """

    job: int
    mode: Union[Unset, DependencyMode] = UNSET





    def to_dict(self) -> dict[str, Any]:
        job = self.job

        mode: Union[Unset, str] = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value



        field_dict: dict[str, Any] = {}

        field_dict.update({
            "job": job,
        })
        if mode is not UNSET:
            field_dict["mode"] = mode

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        job = d.pop("job")

        _mode = d.pop("mode", UNSET)
        mode: Union[Unset, DependencyMode]
        if isinstance(_mode,  Unset):
            mode = UNSET
        else:
            mode = DependencyMode(_mode)




        depends_on = cls(
            job=job,
            mode=mode,
        )

        return depends_on

