from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import Union






T = TypeVar("T", bound="RestartBody")



@_attrs_define
class RestartBody:
    """ Body of `POST /api/v1/agents/restart`.

        Attributes:
            agents (Union[Unset, list[str]]): The agents to restart (or `all`).
            all_ (Union[Unset, bool]): Restart every online agent.
            max_at_once (Union[Unset, int]): Most agents draining or restarting at once (default 1).
            now (Union[Unset, bool]): Hand running tasks back at once instead of letting them finish.
     """

    agents: Union[Unset, list[str]] = UNSET
    all_: Union[Unset, bool] = UNSET
    max_at_once: Union[Unset, int] = UNSET
    now: Union[Unset, bool] = UNSET





    def to_dict(self) -> dict[str, Any]:
        agents: Union[Unset, list[str]] = UNSET
        if not isinstance(self.agents, Unset):
            agents = self.agents



        all_ = self.all_

        max_at_once = self.max_at_once

        now = self.now


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if agents is not UNSET:
            field_dict["agents"] = agents
        if all_ is not UNSET:
            field_dict["all"] = all_
        if max_at_once is not UNSET:
            field_dict["max_at_once"] = max_at_once
        if now is not UNSET:
            field_dict["now"] = now

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agents = cast(list[str], d.pop("agents", UNSET))


        all_ = d.pop("all", UNSET)

        max_at_once = d.pop("max_at_once", UNSET)

        now = d.pop("now", UNSET)

        restart_body = cls(
            agents=agents,
            all_=all_,
            max_at_once=max_at_once,
            now=now,
        )

        return restart_body

