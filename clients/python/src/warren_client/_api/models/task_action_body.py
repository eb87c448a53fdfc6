from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.task_action import TaskAction
from ..types import UNSET, Unset
from typing import cast
from typing import cast, Union
from typing import Union
from uuid import UUID






T = TypeVar("T", bound="TaskActionBody")



@_attrs_define
class TaskActionBody:
    """ Body of `POST /api/v1/jobs/{job_id}/tasks/actions`.

        Attributes:
            action (TaskAction): What someone does to single tasks.
            tasks (list[int]): The tasks, by id (1 to 10000).
            avoid_agent (Union[None, UUID, Unset]): With `retry`: an agent the tasks must not run on again.
            note (Union[Unset, str]): Why, kept in each task's history (at most 1000 characters).
     """

    action: TaskAction
    tasks: list[int]
    avoid_agent: Union[None, UUID, Unset] = UNSET
    note: Union[Unset, str] = UNSET





    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        tasks = self.tasks



        avoid_agent: Union[None, Unset, str]
        if isinstance(self.avoid_agent, Unset):
            avoid_agent = UNSET
        elif isinstance(self.avoid_agent, UUID):
            avoid_agent = str(self.avoid_agent)
        else:
            avoid_agent = self.avoid_agent

        note = self.note


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "action": action,
            "tasks": tasks,
        })
        if avoid_agent is not UNSET:
            field_dict["avoid_agent"] = avoid_agent
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = TaskAction(d.pop("action"))




        tasks = cast(list[int], d.pop("tasks"))


        def _parse_avoid_agent(data: object) -> Union[None, UUID, Unset]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                avoid_agent_type_0 = UUID(data)



                return avoid_agent_type_0
            except: # noqa: E722
                pass
            return cast(Union[None, UUID, Unset], data)

        avoid_agent = _parse_avoid_agent(d.pop("avoid_agent", UNSET))


        note = d.pop("note", UNSET)

        task_action_body = cls(
            action=action,
            tasks=tasks,
            avoid_agent=avoid_agent,
            note=note,
        )

        return task_action_body

