from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ScaledNodeView")



@_attrs_define
class ScaledNodeView:
    """ A node an autoscaler started.

        Attributes:
            agent_id (str): The agent it joined as.
            last_busy_at (str): When it last ran a task (RFC 3339; its start until then).
            name (str): The node's name, as its provider printed it.
            state (str): `starting` (not online yet), `running`, `draining`, `stopped` or `gone` (its provider no
                longer lists it).
            time_started (str): When it was started (RFC 3339).
     """

    agent_id: str
    last_busy_at: str
    name: str
    state: str
    time_started: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        agent_id = self.agent_id

        last_busy_at = self.last_busy_at

        name = self.name

        state = self.state

        time_started = self.time_started


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agent_id": agent_id,
            "last_busy_at": last_busy_at,
            "name": name,
            "state": state,
            "time_started": time_started,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agent_id = d.pop("agent_id")

        last_busy_at = d.pop("last_busy_at")

        name = d.pop("name")

        state = d.pop("state")

        time_started = d.pop("time_started")

        scaled_node_view = cls(
            agent_id=agent_id,
            last_busy_at=last_busy_at,
            name=name,
            state=state,
            time_started=time_started,
        )


        scaled_node_view.additional_properties = d
        return scaled_node_view

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
