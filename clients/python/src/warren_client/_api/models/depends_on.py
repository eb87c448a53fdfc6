from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import Union






T = TypeVar("T", bound="DependsOn")



@_attrs_define
class DependsOn:
    """ A frame-on-frame dependency: `{"job": 12, "mode": "frame"}`.

        Attributes:
            job (int): The job waited for.
            mode (Union[Unset, str]): `frame`: each frame waits for the same frame of that job (the only mode).
     """

    job: int
    mode: Union[Unset, str] = UNSET





    def to_dict(self) -> dict[str, Any]:
        job = self.job

        mode = self.mode


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

        mode = d.pop("mode", UNSET)

        depends_on = cls(
            job=job,
            mode=mode,
        )

        return depends_on

