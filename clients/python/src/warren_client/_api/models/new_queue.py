from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="NewQueue")



@_attrs_define
class NewQueue:
    """ The body of `POST /api/v1/jobqueues`.

        Attributes:
            name (str): Queue name.
            log_retention_days (Union[None, Unset, int]): Days its jobs' logs are kept after they end (default: the
                parent's, else the farm's).
            maximum_agents (Union[None, Unset, int]): Most task slots it may use.
            minimum_agents (Union[None, Unset, int]): Task slots kept for this queue while it has work.
            parent (Union[None, Unset, str]): Parent queue (default `root`).
            priority (Union[Unset, int]): Shares go to higher priorities first.
            weight (Union[Unset, int]): Share among siblings of the same priority (default 10).
     """

    name: str
    log_retention_days: Union[None, Unset, int] = UNSET
    maximum_agents: Union[None, Unset, int] = UNSET
    minimum_agents: Union[None, Unset, int] = UNSET
    parent: Union[None, Unset, str] = UNSET
    priority: Union[Unset, int] = UNSET
    weight: Union[Unset, int] = UNSET





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        log_retention_days: Union[None, Unset, int]
        if isinstance(self.log_retention_days, Unset):
            log_retention_days = UNSET
        else:
            log_retention_days = self.log_retention_days

        maximum_agents: Union[None, Unset, int]
        if isinstance(self.maximum_agents, Unset):
            maximum_agents = UNSET
        else:
            maximum_agents = self.maximum_agents

        minimum_agents: Union[None, Unset, int]
        if isinstance(self.minimum_agents, Unset):
            minimum_agents = UNSET
        else:
            minimum_agents = self.minimum_agents

        parent: Union[None, Unset, str]
        if isinstance(self.parent, Unset):
            parent = UNSET
        else:
            parent = self.parent

        priority = self.priority

        weight = self.weight


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
        })
        if log_retention_days is not UNSET:
            field_dict["log_retention_days"] = log_retention_days
        if maximum_agents is not UNSET:
            field_dict["maximum_agents"] = maximum_agents
        if minimum_agents is not UNSET:
            field_dict["minimum_agents"] = minimum_agents
        if parent is not UNSET:
            field_dict["parent"] = parent
        if priority is not UNSET:
            field_dict["priority"] = priority
        if weight is not UNSET:
            field_dict["weight"] = weight

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_log_retention_days(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        log_retention_days = _parse_log_retention_days(d.pop("log_retention_days", UNSET))


        def _parse_maximum_agents(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        maximum_agents = _parse_maximum_agents(d.pop("maximum_agents", UNSET))


        def _parse_minimum_agents(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        minimum_agents = _parse_minimum_agents(d.pop("minimum_agents", UNSET))


        def _parse_parent(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        parent = _parse_parent(d.pop("parent", UNSET))


        priority = d.pop("priority", UNSET)

        weight = d.pop("weight", UNSET)

        new_queue = cls(
            name=name,
            log_retention_days=log_retention_days,
            maximum_agents=maximum_agents,
            minimum_agents=minimum_agents,
            parent=parent,
            priority=priority,
            weight=weight,
        )

        return new_queue

