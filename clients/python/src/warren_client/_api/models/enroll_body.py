from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="EnrollBody")



@_attrs_define
class EnrollBody:
    """ The body of `POST /api/v1/agents/enroll`.

        Attributes:
            discover (Union[Unset, bool]): Leave the broker's address out of the token: the node finds the farm by broadcast
                (the
                master must answer with `--discovery-listen`).
            expires_in_secs (Union[None, Unset, int]): Seconds the join token works: 60 to 2,592,000 (30 days); a day when
                omitted.
            name (Union[None, Unset, str]): A name shown for the agent until its node says hello (then its host name is
                shown).
            tags (Union[None, Unset, list[str]]): The agent's tags, as `PATCH /api/v1/agents/{id}` sets them; the node's own
                when omitted.
     """

    discover: Union[Unset, bool] = UNSET
    expires_in_secs: Union[None, Unset, int] = UNSET
    name: Union[None, Unset, str] = UNSET
    tags: Union[None, Unset, list[str]] = UNSET





    def to_dict(self) -> dict[str, Any]:
        discover = self.discover

        expires_in_secs: Union[None, Unset, int]
        if isinstance(self.expires_in_secs, Unset):
            expires_in_secs = UNSET
        else:
            expires_in_secs = self.expires_in_secs

        name: Union[None, Unset, str]
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        tags: Union[None, Unset, list[str]]
        if isinstance(self.tags, Unset):
            tags = UNSET
        elif isinstance(self.tags, list):
            tags = self.tags


        else:
            tags = self.tags


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if discover is not UNSET:
            field_dict["discover"] = discover
        if expires_in_secs is not UNSET:
            field_dict["expires_in_secs"] = expires_in_secs
        if name is not UNSET:
            field_dict["name"] = name
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        discover = d.pop("discover", UNSET)

        def _parse_expires_in_secs(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        expires_in_secs = _parse_expires_in_secs(d.pop("expires_in_secs", UNSET))


        def _parse_name(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        name = _parse_name(d.pop("name", UNSET))


        def _parse_tags(data: object) -> Union[None, Unset, list[str]]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                tags_type_0 = cast(list[str], data)

                return tags_type_0
            except: # noqa: E722
                pass
            return cast(Union[None, Unset, list[str]], data)

        tags = _parse_tags(d.pop("tags", UNSET))


        enroll_body = cls(
            discover=discover,
            expires_in_secs=expires_in_secs,
            name=name,
            tags=tags,
        )

        return enroll_body

