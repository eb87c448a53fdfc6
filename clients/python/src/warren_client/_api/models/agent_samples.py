from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.agent_sample import AgentSample





T = TypeVar("T", bound="AgentSamples")



@_attrs_define
class AgentSamples:
    """ Answer of `GET /api/v1/agents/{agent_id}/statistics`.

        Attributes:
            samples (list['AgentSample']): Oldest first.
     """

    samples: list['AgentSample']
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.agent_sample import AgentSample
        samples = []
        for samples_item_data in self.samples:
            samples_item = samples_item_data.to_dict()
            samples.append(samples_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "samples": samples,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agent_sample import AgentSample
        d = dict(src_dict)
        samples = []
        _samples = d.pop("samples")
        for samples_item_data in (_samples):
            samples_item = AgentSample.from_dict(samples_item_data)



            samples.append(samples_item)


        agent_samples = cls(
            samples=samples,
        )


        agent_samples.additional_properties = d
        return agent_samples

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
