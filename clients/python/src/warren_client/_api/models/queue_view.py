from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="QueueView")



@_attrs_define
class QueueView:
    """ A job queue with its place in the tree and what it holds now.

        Attributes:
            active_tasks (int): Its tasks dispatched or running now.
            id (int): Id.
            jobs (int): Jobs in it.
            name (str): Name (also its part of RabbitMQ queue names).
            priority (int): Priority among its siblings.
            time_created (str): RFC 3339.
            weight (int): Share among siblings of equal priority.
            log_retention_days (Union[None, Unset, int]): Days its jobs' logs are kept after they end (`null`: its parent's,
                else the farm's).
            maximum_agents (Union[None, Unset, int]): Task slots it never exceeds.
            minimum_agents (Union[None, Unset, int]): Task slots it gets first.
            parent (Union[None, Unset, str]): Parent's name.
            parent_id (Union[None, Unset, int]): Parent's id; `null` for `root`.
     """

    active_tasks: int
    id: int
    jobs: int
    name: str
    priority: int
    time_created: str
    weight: int
    log_retention_days: Union[None, Unset, int] = UNSET
    maximum_agents: Union[None, Unset, int] = UNSET
    minimum_agents: Union[None, Unset, int] = UNSET
    parent: Union[None, Unset, str] = UNSET
    parent_id: Union[None, Unset, int] = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        active_tasks = self.active_tasks

        id = self.id

        jobs = self.jobs

        name = self.name

        priority = self.priority

        time_created = self.time_created

        weight = self.weight

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

        parent_id: Union[None, Unset, int]
        if isinstance(self.parent_id, Unset):
            parent_id = UNSET
        else:
            parent_id = self.parent_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "active_tasks": active_tasks,
            "id": id,
            "jobs": jobs,
            "name": name,
            "priority": priority,
            "time_created": time_created,
            "weight": weight,
        })
        if log_retention_days is not UNSET:
            field_dict["log_retention_days"] = log_retention_days
        if maximum_agents is not UNSET:
            field_dict["maximum_agents"] = maximum_agents
        if minimum_agents is not UNSET:
            field_dict["minimum_agents"] = minimum_agents
        if parent is not UNSET:
            field_dict["parent"] = parent
        if parent_id is not UNSET:
            field_dict["parent_id"] = parent_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active_tasks = d.pop("active_tasks")

        id = d.pop("id")

        jobs = d.pop("jobs")

        name = d.pop("name")

        priority = d.pop("priority")

        time_created = d.pop("time_created")

        weight = d.pop("weight")

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


        def _parse_parent_id(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        parent_id = _parse_parent_id(d.pop("parent_id", UNSET))


        queue_view = cls(
            active_tasks=active_tasks,
            id=id,
            jobs=jobs,
            name=name,
            priority=priority,
            time_created=time_created,
            weight=weight,
            log_retention_days=log_retention_days,
            maximum_agents=maximum_agents,
            minimum_agents=minimum_agents,
            parent=parent,
            parent_id=parent_id,
        )


        queue_view.additional_properties = d
        return queue_view

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
