from collections.abc import Mapping
from typing import Any, TypeVar, Optional, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="JobTypeUpgrade")



@_attrs_define
class JobTypeUpgrade:
    """ Answer of `POST /api/v1/jobs/{job_id}/upgrade_jobtype`.

        Attributes:
            from_version (int): The version it was pinned to.
            job_id (int): The job.
            jobtype_version (int): The version it is pinned to now.
     """

    from_version: int
    job_id: int
    jobtype_version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from_version = self.from_version

        job_id = self.job_id

        jobtype_version = self.jobtype_version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "from_version": from_version,
            "job_id": job_id,
            "jobtype_version": jobtype_version,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        from_version = d.pop("from_version")

        job_id = d.pop("job_id")

        jobtype_version = d.pop("jobtype_version")

        job_type_upgrade = cls(
            from_version=from_version,
            job_id=job_id,
            jobtype_version=jobtype_version,
        )


        job_type_upgrade.additional_properties = d
        return job_type_upgrade

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
