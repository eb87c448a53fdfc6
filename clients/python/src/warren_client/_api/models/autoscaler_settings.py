from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import Union






T = TypeVar("T", bound="AutoscalerSettings")



@_attrs_define
class AutoscalerSettings:
    """ Body of `PUT /api/v1/autoscalers/{queue}`: how a job queue's autoscaler grows and shrinks the
    farm.

        Attributes:
            max_nodes (int): Most nodes at once.
            provider (str): The provider, by the name the master was started with (`--autoscale-provider NAME=COMMAND`).
            cpus (Union[Unset, int]): CPUs per node, passed to the provider (0: its default).
            enabled (Union[Unset, bool]): Whether it acts; a disabled autoscaler keeps its nodes as they are.
            idle_secs (Union[Unset, int]): Drain and stop a node that ran nothing for this long (seconds) while nothing
                waits.
            min_nodes (Union[Unset, int]): Nodes kept even when idle.
            ram_mb (Union[Unset, int]): RAM per node in MB, passed to the provider (0: its default).
            scale_up_after_secs (Union[Unset, int]): Start nodes when tasks have waited this long (seconds), even if some
                agent could take
                them; tasks that no online agent can take start nodes at once.
            tags (Union[Unset, list[str]]): Tags the started nodes' agents carry (and the provider is told of).
            tasks_per_node (Union[Unset, int]): Waiting tasks per node wanted (default 1): 30 waiting tasks at 10 per node
                ask for 3.
     """

    max_nodes: int
    provider: str
    cpus: Union[Unset, int] = UNSET
    enabled: Union[Unset, bool] = UNSET
    idle_secs: Union[Unset, int] = UNSET
    min_nodes: Union[Unset, int] = UNSET
    ram_mb: Union[Unset, int] = UNSET
    scale_up_after_secs: Union[Unset, int] = UNSET
    tags: Union[Unset, list[str]] = UNSET
    tasks_per_node: Union[Unset, int] = UNSET





    def to_dict(self) -> dict[str, Any]:
        max_nodes = self.max_nodes

        provider = self.provider

        cpus = self.cpus

        enabled = self.enabled

        idle_secs = self.idle_secs

        min_nodes = self.min_nodes

        ram_mb = self.ram_mb

        scale_up_after_secs = self.scale_up_after_secs

        tags: Union[Unset, list[str]] = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags



        tasks_per_node = self.tasks_per_node


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "max_nodes": max_nodes,
            "provider": provider,
        })
        if cpus is not UNSET:
            field_dict["cpus"] = cpus
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if idle_secs is not UNSET:
            field_dict["idle_secs"] = idle_secs
        if min_nodes is not UNSET:
            field_dict["min_nodes"] = min_nodes
        if ram_mb is not UNSET:
            field_dict["ram_mb"] = ram_mb
        if scale_up_after_secs is not UNSET:
            field_dict["scale_up_after_secs"] = scale_up_after_secs
        if tags is not UNSET:
            field_dict["tags"] = tags
        if tasks_per_node is not UNSET:
            field_dict["tasks_per_node"] = tasks_per_node

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        max_nodes = d.pop("max_nodes")

        provider = d.pop("provider")

        cpus = d.pop("cpus", UNSET)

        enabled = d.pop("enabled", UNSET)

        idle_secs = d.pop("idle_secs", UNSET)

        min_nodes = d.pop("min_nodes", UNSET)

        ram_mb = d.pop("ram_mb", UNSET)

        scale_up_after_secs = d.pop("scale_up_after_secs", UNSET)

        tags = cast(list[str], d.pop("tags", UNSET))


        tasks_per_node = d.pop("tasks_per_node", UNSET)

        autoscaler_settings = cls(
            max_nodes=max_nodes,
            provider=provider,
            cpus=cpus,
            enabled=enabled,
            idle_secs=idle_secs,
            min_nodes=min_nodes,
            ram_mb=ram_mb,
            scale_up_after_secs=scale_up_after_secs,
            tags=tags,
            tasks_per_node=tasks_per_node,
        )

        return autoscaler_settings

