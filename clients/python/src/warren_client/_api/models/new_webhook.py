from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="NewWebhook")



@_attrs_define
class NewWebhook:
    """ The body of `POST /api/v1/webhooks`.

        Attributes:
            events (list[str]): The events to send: `job.done`, `job.failed`, `job.paused`, `task.failed`,
                `agent.offline`.
            url (str): Where to POST: an `http://` or `https://` URL.
            active (Union[Unset, bool]): Whether it gets deliveries (default true).
            queue (Union[None, Unset, str]): Only job and task events of this job queue (name or id); agent events are not
                filtered.
            secret (Union[None, Unset, str]): The HMAC-SHA256 key (at least 16 bytes); one is made when omitted.
     """

    events: list[str]
    url: str
    active: Union[Unset, bool] = UNSET
    queue: Union[None, Unset, str] = UNSET
    secret: Union[None, Unset, str] = UNSET





    def to_dict(self) -> dict[str, Any]:
        events = self.events



        url = self.url

        active = self.active

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

        field_dict.update({
            "events": events,
            "url": url,
        })
        if active is not UNSET:
            field_dict["active"] = active
        if queue is not UNSET:
            field_dict["queue"] = queue
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        events = cast(list[str], d.pop("events"))


        url = d.pop("url")

        active = d.pop("active", UNSET)

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


        new_webhook = cls(
            events=events,
            url=url,
            active=active,
            queue=queue,
            secret=secret,
        )

        return new_webhook

