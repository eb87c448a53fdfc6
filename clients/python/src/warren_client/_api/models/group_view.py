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
  from ..models.group_job import GroupJob





T = TypeVar("T", bound="GroupView")



@_attrs_define
class GroupView:
    """ A job group.

        Attributes:
            id (int): Group id.
            jobs (list['GroupJob']): Its jobs, oldest first.
            time_created (str): RFC 3339.
            title (str): Its title.
            user (Union[None, Unset, str]): Who owns it (a submitter may change only their own).
     """

    id: int
    jobs: list['GroupJob']
    time_created: str
    title: str
    user: Union[None, Unset, str] = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.group_job import GroupJob
        id = self.id

        jobs = []
        for jobs_item_data in self.jobs:
            jobs_item = jobs_item_data.to_dict()
            jobs.append(jobs_item)



        time_created = self.time_created

        title = self.title

        user: Union[None, Unset, str]
        if isinstance(self.user, Unset):
            user = UNSET
        else:
            user = self.user


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "jobs": jobs,
            "time_created": time_created,
            "title": title,
        })
        if user is not UNSET:
            field_dict["user"] = user

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.group_job import GroupJob
        d = dict(src_dict)
        id = d.pop("id")

        jobs = []
        _jobs = d.pop("jobs")
        for jobs_item_data in (_jobs):
            jobs_item = GroupJob.from_dict(jobs_item_data)



            jobs.append(jobs_item)


        time_created = d.pop("time_created")

        title = d.pop("title")

        def _parse_user(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        user = _parse_user(d.pop("user", UNSET))


        group_view = cls(
            id=id,
            jobs=jobs,
            time_created=time_created,
            title=title,
            user=user,
        )


        group_view.additional_properties = d
        return group_view

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
