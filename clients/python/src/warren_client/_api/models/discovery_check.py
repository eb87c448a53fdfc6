from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="DiscoveryCheck")



@_attrs_define
class DiscoveryCheck:
    """ How an agent finds out whether it has one version of some software, on one operating
    system. The command runs without a shell; `{path}` in it stands for the version's path on
    that system. The version is there when the output (standard output and error together)
    contains `expect` and matches `regex`, whichever are given; with neither, when the command
    exits with status 0.

        Attributes:
            command (list[str]): Program and arguments, e.g. `["{path}", "--version"]`.
            expect (Union[None, Unset, str]): Text the output must contain, e.g. `Blender 4.1`.
            regex (Union[None, Unset, str]): Regular expression the output must match.
     """

    command: list[str]
    expect: Union[None, Unset, str] = UNSET
    regex: Union[None, Unset, str] = UNSET





    def to_dict(self) -> dict[str, Any]:
        command = self.command



        expect: Union[None, Unset, str]
        if isinstance(self.expect, Unset):
            expect = UNSET
        else:
            expect = self.expect

        regex: Union[None, Unset, str]
        if isinstance(self.regex, Unset):
            regex = UNSET
        else:
            regex = self.regex


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "command": command,
        })
        if expect is not UNSET:
            field_dict["expect"] = expect
        if regex is not UNSET:
            field_dict["regex"] = regex

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        command = cast(list[str], d.pop("command"))


        def _parse_expect(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        expect = _parse_expect(d.pop("expect", UNSET))


        def _parse_regex(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        regex = _parse_regex(d.pop("regex", UNSET))


        discovery_check = cls(
            command=command,
            expect=expect,
            regex=regex,
        )

        return discovery_check

