from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="TaskCountsView")



@_attrs_define
class TaskCountsView:
    """ Per-state task counts of a job.

        Attributes:
            cancelled (int):
            dispatched (int):
            done (int):
            failed (int):
            paused (int):
            queued (int):
            running (int):
            total (int):
     """

    cancelled: int
    dispatched: int
    done: int
    failed: int
    paused: int
    queued: int
    running: int
    total: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        cancelled = self.cancelled

        dispatched = self.dispatched

        done = self.done

        failed = self.failed

        paused = self.paused

        queued = self.queued

        running = self.running

        total = self.total


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "cancelled": cancelled,
            "dispatched": dispatched,
            "done": done,
            "failed": failed,
            "paused": paused,
            "queued": queued,
            "running": running,
            "total": total,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cancelled = d.pop("cancelled")

        dispatched = d.pop("dispatched")

        done = d.pop("done")

        failed = d.pop("failed")

        paused = d.pop("paused")

        queued = d.pop("queued")

        running = d.pop("running")

        total = d.pop("total")

        task_counts_view = cls(
            cancelled=cancelled,
            dispatched=dispatched,
            done=done,
            failed=failed,
            paused=paused,
            queued=queued,
            running=running,
            total=total,
        )


        task_counts_view.additional_properties = d
        return task_counts_view

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
