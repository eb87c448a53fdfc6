from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.agent_view import AgentView





T = TypeVar("T", bound="RevokeView")



@_attrs_define
class RevokeView:
    """ Answer of `POST /api/v1/agents/{id}/revoke`.

        Attributes:
            agent (AgentView): An agent (a worker) as the API shows it.
            closed_connections (int): Its broker connections closed.
            released_tasks (int): Tasks it was running, queued again to run elsewhere.
     """

    agent: 'AgentView'
    closed_connections: int
    released_tasks: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.agent_view import AgentView
        agent = self.agent.to_dict()

        closed_connections = self.closed_connections

        released_tasks = self.released_tasks


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agent": agent,
            "closed_connections": closed_connections,
            "released_tasks": released_tasks,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agent_view import AgentView
        d = dict(src_dict)
        agent = AgentView.from_dict(d.pop("agent"))




        closed_connections = d.pop("closed_connections")

        released_tasks = d.pop("released_tasks")

        revoke_view = cls(
            agent=agent,
            closed_connections=closed_connections,
            released_tasks=released_tasks,
        )


        revoke_view.additional_properties = d
        return revoke_view

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
