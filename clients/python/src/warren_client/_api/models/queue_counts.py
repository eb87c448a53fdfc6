from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="QueueCounts")



@_attrs_define
class QueueCounts:
    """ Task counts of one queue now.

        Attributes:
            cancelled (int): Cancelled.
            done (int): Done.
            failed (int): Failed.
            paused (int): Paused.
            queue (str): Queue name.
            queued (int): Waiting to run (queued or handed to the broker).
            running (int): Running.
     """

    cancelled: int
    done: int
    failed: int
    paused: int
    queue: str
    queued: int
    running: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        cancelled = self.cancelled

        done = self.done

        failed = self.failed

        paused = self.paused

        queue = self.queue

        queued = self.queued

        running = self.running


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "cancelled": cancelled,
            "done": done,
            "failed": failed,
            "paused": paused,
            "queue": queue,
            "queued": queued,
            "running": running,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cancelled = d.pop("cancelled")

        done = d.pop("done")

        failed = d.pop("failed")

        paused = d.pop("paused")

        queue = d.pop("queue")

        queued = d.pop("queued")

        running = d.pop("running")

        queue_counts = cls(
            cancelled=cancelled,
            done=done,
            failed=failed,
            paused=paused,
            queue=queue,
            queued=queued,
            running=running,
        )


        queue_counts.additional_properties = d
        return queue_counts

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
