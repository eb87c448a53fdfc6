from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import cast, Union
from typing import Union

if TYPE_CHECKING:
  from ..models.delivery_view_body import DeliveryViewBody





T = TypeVar("T", bound="DeliveryView")



@_attrs_define
class DeliveryView:
    """ One delivery of an event to a webhook.

        Attributes:
            attempts (int): Attempts made.
            body (DeliveryViewBody): The JSON body sent.
            delivery_id (str): The id receivers see in `X-Warren-Delivery` and the body, the same on every attempt.
            event (str): The event.
            state (str): `pending`, `delivered` or `failed` (every attempt failed).
            time_created (str): RFC 3339.
            last_error (Union[None, Unset, str]): Why the last attempt failed.
            last_status (Union[None, Unset, int]): The last answer's HTTP status.
            next_attempt (Union[None, Unset, str]): When the next attempt is due, while pending (RFC 3339).
            time_delivered (Union[None, Unset, str]): When the endpoint took it (RFC 3339).
     """

    attempts: int
    body: 'DeliveryViewBody'
    delivery_id: str
    event: str
    state: str
    time_created: str
    last_error: Union[None, Unset, str] = UNSET
    last_status: Union[None, Unset, int] = UNSET
    next_attempt: Union[None, Unset, str] = UNSET
    time_delivered: Union[None, Unset, str] = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.delivery_view_body import DeliveryViewBody
        attempts = self.attempts

        body = self.body.to_dict()

        delivery_id = self.delivery_id

        event = self.event

        state = self.state

        time_created = self.time_created

        last_error: Union[None, Unset, str]
        if isinstance(self.last_error, Unset):
            last_error = UNSET
        else:
            last_error = self.last_error

        last_status: Union[None, Unset, int]
        if isinstance(self.last_status, Unset):
            last_status = UNSET
        else:
            last_status = self.last_status

        next_attempt: Union[None, Unset, str]
        if isinstance(self.next_attempt, Unset):
            next_attempt = UNSET
        else:
            next_attempt = self.next_attempt

        time_delivered: Union[None, Unset, str]
        if isinstance(self.time_delivered, Unset):
            time_delivered = UNSET
        else:
            time_delivered = self.time_delivered


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attempts": attempts,
            "body": body,
            "delivery_id": delivery_id,
            "event": event,
            "state": state,
            "time_created": time_created,
        })
        if last_error is not UNSET:
            field_dict["last_error"] = last_error
        if last_status is not UNSET:
            field_dict["last_status"] = last_status
        if next_attempt is not UNSET:
            field_dict["next_attempt"] = next_attempt
        if time_delivered is not UNSET:
            field_dict["time_delivered"] = time_delivered

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.delivery_view_body import DeliveryViewBody
        d = dict(src_dict)
        attempts = d.pop("attempts")

        body = DeliveryViewBody.from_dict(d.pop("body"))




        delivery_id = d.pop("delivery_id")

        event = d.pop("event")

        state = d.pop("state")

        time_created = d.pop("time_created")

        def _parse_last_error(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        last_error = _parse_last_error(d.pop("last_error", UNSET))


        def _parse_last_status(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        last_status = _parse_last_status(d.pop("last_status", UNSET))


        def _parse_next_attempt(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        next_attempt = _parse_next_attempt(d.pop("next_attempt", UNSET))


        def _parse_time_delivered(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        time_delivered = _parse_time_delivered(d.pop("time_delivered", UNSET))


        delivery_view = cls(
            attempts=attempts,
            body=body,
            delivery_id=delivery_id,
            event=event,
            state=state,
            time_created=time_created,
            last_error=last_error,
            last_status=last_status,
            next_attempt=next_attempt,
            time_delivered=time_delivered,
        )


        delivery_view.additional_properties = d
        return delivery_view

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
