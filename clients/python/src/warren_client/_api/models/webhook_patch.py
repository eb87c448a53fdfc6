from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import cast, Union
from typing import Union






T = TypeVar("T", bound="WebhookPatch")



@_attrs_define
class WebhookPatch:
    """ The body of `PATCH /api/v1/webhooks/{webhook_id}`; `queue: null` removes the filter.

        Attributes:
            active (Union[None, Unset, bool]): Pause or resume deliveries.
            events (Union[None, Unset, list[str]]): New events.
            queue (Union[None, Unset, str]): New queue filter (`null`: none).
            url (Union[None, Unset, str]): New URL.
     """

    active: Union[None, Unset, bool] = UNSET
    events: Union[None, Unset, list[str]] = UNSET
    queue: Union[None, Unset, str] = UNSET
    url: Union[None, Unset, str] = UNSET





    def to_dict(self) -> dict[str, Any]:
        active: Union[None, Unset, bool]
        if isinstance(self.active, Unset):
            active = UNSET
        else:
            active = self.active

        events: Union[None, Unset, list[str]]
        if isinstance(self.events, Unset):
            events = UNSET
        elif isinstance(self.events, list):
            events = self.events


        else:
            events = self.events

        queue: Union[None, Unset, str]
        if isinstance(self.queue, Unset):
            queue = UNSET
        else:
            queue = self.queue

        url: Union[None, Unset, str]
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if active is not UNSET:
            field_dict["active"] = active
        if events is not UNSET:
            field_dict["events"] = events
        if queue is not UNSET:
            field_dict["queue"] = queue
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_active(data: object) -> Union[None, Unset, bool]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, bool], data)

        active = _parse_active(d.pop("active", UNSET))


        def _parse_events(data: object) -> Union[None, Unset, list[str]]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                events_type_0 = cast(list[str], data)

                return events_type_0
            except: # noqa: E722
                pass
            return cast(Union[None, Unset, list[str]], data)

        events = _parse_events(d.pop("events", UNSET))


        def _parse_queue(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        queue = _parse_queue(d.pop("queue", UNSET))


        def _parse_url(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        url = _parse_url(d.pop("url", UNSET))


        webhook_patch = cls(
            active=active,
            events=events,
            queue=queue,
            url=url,
        )

        return webhook_patch

