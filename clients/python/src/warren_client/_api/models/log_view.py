from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="LogView")



@_attrs_define
class LogView:
    """ One attempt's log.

        Attributes:
            agent_id (str): The agent that ran it.
            attempt (int): The attempt.
            chunks (int): Chunks stored.
            csv (str): The log as CSV.
            lines (int): Lines stored.
            stored_bytes (int): Bytes the log takes in the database (stored compressed).
            text (str): The log as text.
            time_started (str): When its first output arrived (RFC 3339).
     """

    agent_id: str
    attempt: int
    chunks: int
    csv: str
    lines: int
    stored_bytes: int
    text: str
    time_started: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        agent_id = self.agent_id

        attempt = self.attempt

        chunks = self.chunks

        csv = self.csv

        lines = self.lines

        stored_bytes = self.stored_bytes

        text = self.text

        time_started = self.time_started


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agent_id": agent_id,
            "attempt": attempt,
            "chunks": chunks,
            "csv": csv,
            "lines": lines,
            "stored_bytes": stored_bytes,
            "text": text,
            "time_started": time_started,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agent_id = d.pop("agent_id")

        attempt = d.pop("attempt")

        chunks = d.pop("chunks")

        csv = d.pop("csv")

        lines = d.pop("lines")

        stored_bytes = d.pop("stored_bytes")

        text = d.pop("text")

        time_started = d.pop("time_started")

        log_view = cls(
            agent_id=agent_id,
            attempt=attempt,
            chunks=chunks,
            csv=csv,
            lines=lines,
            stored_bytes=stored_bytes,
            text=text,
            time_started=time_started,
        )


        log_view.additional_properties = d
        return log_view

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
