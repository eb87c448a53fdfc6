from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="QueueSample")



@_attrs_define
class QueueSample:
    """ One queue's sample.

        Attributes:
            cancelled (int): Cancelled.
            done (int): Done.
            failed (int): Failed.
            finished_done (int): Tasks that finished successfully since the sample before.
            finished_failed (int): Tasks that failed for good since the sample before.
            paused (int): Paused.
            queue (str): Queue name.
            queued (int): Waiting to run.
            running (int): Running.
            time (str): When (RFC 3339).
     """

    cancelled: int
    done: int
    failed: int
    finished_done: int
    finished_failed: int
    paused: int
    queue: str
    queued: int
    running: int
    time: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        cancelled = self.cancelled

        done = self.done

        failed = self.failed

        finished_done = self.finished_done

        finished_failed = self.finished_failed

        paused = self.paused

        queue = self.queue

        queued = self.queued

        running = self.running

        time = self.time


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "cancelled": cancelled,
            "done": done,
            "failed": failed,
            "finished_done": finished_done,
            "finished_failed": finished_failed,
            "paused": paused,
            "queue": queue,
            "queued": queued,
            "running": running,
            "time": time,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cancelled = d.pop("cancelled")

        done = d.pop("done")

        failed = d.pop("failed")

        finished_done = d.pop("finished_done")

        finished_failed = d.pop("finished_failed")

        paused = d.pop("paused")

        queue = d.pop("queue")

        queued = d.pop("queued")

        running = d.pop("running")

        time = d.pop("time")

        queue_sample = cls(
            cancelled=cancelled,
            done=done,
            failed=failed,
            finished_done=finished_done,
            finished_failed=finished_failed,
            paused=paused,
            queue=queue,
            queued=queued,
            running=running,
            time=time,
        )


        queue_sample.additional_properties = d
        return queue_sample

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
