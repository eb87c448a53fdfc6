from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="AgentView")



@_attrs_define
class AgentView:
    """ An agent (a worker) as the API shows it.

        Attributes:
            addresses (Any): IP addresses.
            cpu_name (str): CPU model.
            cpus (int): CPUs it offers.
            disabled (bool): Disabled agents take no new work.
            disks (Any): Disks with free space.
            free_ram (int): RAM free at the last heartbeat, MB.
            gpus (Any): GPUs found.
            hostname (str): Host name.
            id (str): Agent id (a UUID the worker keeps in its directory).
            last_heard_from (str): Last hello or heartbeat (RFC 3339).
            load (float): Load average at the last heartbeat.
            notes (str): Notes.
            os (str): OS family.
            os_name (str): OS name and version.
            ram (int): RAM it offers, MB.
            software (Any): Software found, by name, with versions.
            state (str): online, running, offline, disabled, pending (enrolled, not joined yet) or revoked.
            tags (list[str]): Its tags (the worker's own, or set through the API).
            tags_overridden (bool): Whether the tags were set through the API.
            time_created (str): First seen.
            version (str): Worker version.
     """

    addresses: Any
    cpu_name: str
    cpus: int
    disabled: bool
    disks: Any
    free_ram: int
    gpus: Any
    hostname: str
    id: str
    last_heard_from: str
    load: float
    notes: str
    os: str
    os_name: str
    ram: int
    software: Any
    state: str
    tags: list[str]
    tags_overridden: bool
    time_created: str
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        addresses = self.addresses

        cpu_name = self.cpu_name

        cpus = self.cpus

        disabled = self.disabled

        disks = self.disks

        free_ram = self.free_ram

        gpus = self.gpus

        hostname = self.hostname

        id = self.id

        last_heard_from = self.last_heard_from

        load = self.load

        notes = self.notes

        os = self.os

        os_name = self.os_name

        ram = self.ram

        software = self.software

        state = self.state

        tags = self.tags



        tags_overridden = self.tags_overridden

        time_created = self.time_created

        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "addresses": addresses,
            "cpu_name": cpu_name,
            "cpus": cpus,
            "disabled": disabled,
            "disks": disks,
            "free_ram": free_ram,
            "gpus": gpus,
            "hostname": hostname,
            "id": id,
            "last_heard_from": last_heard_from,
            "load": load,
            "notes": notes,
            "os": os,
            "os_name": os_name,
            "ram": ram,
            "software": software,
            "state": state,
            "tags": tags,
            "tags_overridden": tags_overridden,
            "time_created": time_created,
            "version": version,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        addresses = d.pop("addresses")

        cpu_name = d.pop("cpu_name")

        cpus = d.pop("cpus")

        disabled = d.pop("disabled")

        disks = d.pop("disks")

        free_ram = d.pop("free_ram")

        gpus = d.pop("gpus")

        hostname = d.pop("hostname")

        id = d.pop("id")

        last_heard_from = d.pop("last_heard_from")

        load = d.pop("load")

        notes = d.pop("notes")

        os = d.pop("os")

        os_name = d.pop("os_name")

        ram = d.pop("ram")

        software = d.pop("software")

        state = d.pop("state")

        tags = cast(list[str], d.pop("tags"))


        tags_overridden = d.pop("tags_overridden")

        time_created = d.pop("time_created")

        version = d.pop("version")

        agent_view = cls(
            addresses=addresses,
            cpu_name=cpu_name,
            cpus=cpus,
            disabled=disabled,
            disks=disks,
            free_ram=free_ram,
            gpus=gpus,
            hostname=hostname,
            id=id,
            last_heard_from=last_heard_from,
            load=load,
            notes=notes,
            os=os,
            os_name=os_name,
            ram=ram,
            software=software,
            state=state,
            tags=tags,
            tags_overridden=tags_overridden,
            time_created=time_created,
            version=version,
        )


        agent_view.additional_properties = d
        return agent_view

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
