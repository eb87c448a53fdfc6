from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="WebhookView")



@_attrs_define
class WebhookView:
    """ A registered webhook (its secret is shown only when it is made).

        Attributes:
            active (bool): Whether it gets deliveries.
            events (list[str]): The events it gets: `job.done`, `job.failed`, `job.paused`, `task.failed`,
                `agent.offline`.
            id (int): Id.
            time_created (str): RFC 3339.
            url (str): Where deliveries are POSTed.
            created_by (Union[None, Unset, str]): Who registered it.
            queue (Union[None, Unset, str]): Only job and task events of this job queue.
            secret (Union[None, Unset, str]): The HMAC-SHA256 key of `X-Warren-Signature`; only in the answer that made it.
     """

    active: bool
    events: list[str]
    id: int
    time_created: str
    url: str
    created_by: Union[None, Unset, str] = UNSET
    queue: Union[None, Unset, str] = UNSET
    secret: Union[None, Unset, str] = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        active = self.active

        events = self.events



        id = self.id

        time_created = self.time_created

        url = self.url

        created_by: Union[None, Unset, str]
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        else:
            created_by = self.created_by

        queue: Union[None, Unset, str]
        if isinstance(self.queue, Unset):
            queue = UNSET
        else:
            queue = self.queue

        secret: Union[None, Unset, str]
        if isinstance(self.secret, Unset):
            secret = UNSET
        else:
            secret = self.secret


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "active": active,
            "events": events,
            "id": id,
            "time_created": time_created,
            "url": url,
        })
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if queue is not UNSET:
            field_dict["queue"] = queue
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active")

        events = cast(list[str], d.pop("events"))


        id = d.pop("id")

        time_created = d.pop("time_created")

        url = d.pop("url")

        def _parse_created_by(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        created_by = _parse_created_by(d.pop("created_by", UNSET))


        def _parse_queue(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        queue = _parse_queue(d.pop("queue", UNSET))


        def _parse_secret(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        secret = _parse_secret(d.pop("secret", UNSET))


        webhook_view = cls(
            active=active,
            events=events,
            id=id,
            time_created=time_created,
            url=url,
            created_by=created_by,
            queue=queue,
            secret=secret,
        )


        webhook_view.additional_properties = d
        return webhook_view

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
