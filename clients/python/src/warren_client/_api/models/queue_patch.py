from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="QueuePatch")



@_attrs_define
class QueuePatch:
    """ The body of `PATCH /api/v1/jobqueues/{queue}`; `null` clears a minimum or maximum.

        Attributes:
            log_retention_days (Union[None, Unset, int]): New log retention in days (`null`: the parent's, else the farm's).
            maximum_agents (Union[None, Unset, int]): New maximum (`null` for none).
            minimum_agents (Union[None, Unset, int]): New minimum (`null` for none).
            parent (Union[None, Unset, str]): New parent queue.
            priority (Union[None, Unset, int]): New priority.
            weight (Union[None, Unset, int]): New weight.
     """

    log_retention_days: Union[None, Unset, int] = UNSET
    maximum_agents: Union[None, Unset, int] = UNSET
    minimum_agents: Union[None, Unset, int] = UNSET
    parent: Union[None, Unset, str] = UNSET
    priority: Union[None, Unset, int] = UNSET
    weight: Union[None, Unset, int] = UNSET





    def to_dict(self) -> dict[str, Any]:
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

        priority: Union[None, Unset, int]
        if isinstance(self.priority, Unset):
            priority = UNSET
        else:
            priority = self.priority

        weight: Union[None, Unset, int]
        if isinstance(self.weight, Unset):
            weight = UNSET
        else:
            weight = self.weight


        field_dict: dict[str, Any] = {}

        field_dict.update({
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


        def _parse_priority(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        priority = _parse_priority(d.pop("priority", UNSET))


        def _parse_weight(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        weight = _parse_weight(d.pop("weight", UNSET))


        queue_patch = cls(
            log_retention_days=log_retention_days,
            maximum_agents=maximum_agents,
            minimum_agents=minimum_agents,
            parent=parent,
            priority=priority,
            weight=weight,
        )

        return queue_patch

