from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="PathMapBody")



@_attrs_define
class PathMapBody:
    r""" A path map as the API takes it.

        Attributes:
            path_linux (Union[None, Unset, str]): The root on Linux, e.g. `/mnt/projects`.
            path_macos (Union[None, Unset, str]): The root on macOS, e.g. `/Volumes/projects`.
            path_windows (Union[None, Unset, str]): The root on Windows, e.g. `P:\projects` or `\\server\projects`.
            tag (Union[None, Unset, str]): Only agents with this tag use the map.
     """

    path_linux: Union[None, Unset, str] = UNSET
    path_macos: Union[None, Unset, str] = UNSET
    path_windows: Union[None, Unset, str] = UNSET
    tag: Union[None, Unset, str] = UNSET





    def to_dict(self) -> dict[str, Any]:
        path_linux: Union[None, Unset, str]
        if isinstance(self.path_linux, Unset):
            path_linux = UNSET
        else:
            path_linux = self.path_linux

        path_macos: Union[None, Unset, str]
        if isinstance(self.path_macos, Unset):
            path_macos = UNSET
        else:
            path_macos = self.path_macos

        path_windows: Union[None, Unset, str]
        if isinstance(self.path_windows, Unset):
            path_windows = UNSET
        else:
            path_windows = self.path_windows

        tag: Union[None, Unset, str]
        if isinstance(self.tag, Unset):
            tag = UNSET
        else:
            tag = self.tag


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if path_linux is not UNSET:
            field_dict["path_linux"] = path_linux
        if path_macos is not UNSET:
            field_dict["path_macos"] = path_macos
        if path_windows is not UNSET:
            field_dict["path_windows"] = path_windows
        if tag is not UNSET:
            field_dict["tag"] = tag

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_path_linux(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        path_linux = _parse_path_linux(d.pop("path_linux", UNSET))


        def _parse_path_macos(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        path_macos = _parse_path_macos(d.pop("path_macos", UNSET))


        def _parse_path_windows(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        path_windows = _parse_path_windows(d.pop("path_windows", UNSET))


        def _parse_tag(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        tag = _parse_tag(d.pop("tag", UNSET))


        path_map_body = cls(
            path_linux=path_linux,
            path_macos=path_macos,
            path_windows=path_windows,
            tag=tag,
        )

        return path_map_body

