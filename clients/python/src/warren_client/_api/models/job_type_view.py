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
  from ..models.job_type_spec_env import JobTypeSpecEnv
  from ..models.phase import Phase





T = TypeVar("T", bound="JobTypeView")



@_attrs_define
class JobTypeView:
    """ One version of a job type: its definition with its name and version numbers.

        Attributes:
            description (str): What it is for.
            name (str): Name.
            time_created (str): When this version was made (RFC 3339).
            version (int): This version.
            versions (list[int]): Every version, oldest first.
            argv (Union[None, Unset, list[str]]): Argv template, for declarative job types.
            builtin (Union[None, Unset, str]): Built-in behaviour; `command` takes its argv from `data.argv`.
            cwd (Union[None, Unset, str]): Working directory template.
            env (Union[Unset, JobTypeSpecEnv]): Extra environment.
            error_regexes (Union[Unset, list[str]]): Regular expressions over the task's output: a matching line fails the
                task even if its
                process exits successfully.
            limits (Union[Unset, list[str]]): Limits (licences) every task of the job type holds while it runs.
            max_batch (Union[None, Unset, int]): Largest batch the job type accepts.
            phases (Union[Unset, list['Phase']]): Commands run in sequence by every task (e.g. prepare, render, post); each
                phase runs
                once per frame when its argv mentions `{frame}`. Replaces `argv` when given.
            progress_regex (Union[None, Unset, str]): A regular expression over the task's output: one capture is a
                percentage, two are
                "done" and "total"; the worker reports the task's progress from it.
            software_requirements (Union[Unset, list[str]]): Software every job of the type needs, in the compact form
                (`blender>=4.0`).
            success_exit_codes (Union[Unset, list[int]]): Exit codes that mean success; `[0]` when empty.
     """

    description: str
    name: str
    time_created: str
    version: int
    versions: list[int]
    argv: Union[None, Unset, list[str]] = UNSET
    builtin: Union[None, Unset, str] = UNSET
    cwd: Union[None, Unset, str] = UNSET
    env: Union[Unset, 'JobTypeSpecEnv'] = UNSET
    error_regexes: Union[Unset, list[str]] = UNSET
    limits: Union[Unset, list[str]] = UNSET
    max_batch: Union[None, Unset, int] = UNSET
    phases: Union[Unset, list['Phase']] = UNSET
    progress_regex: Union[None, Unset, str] = UNSET
    software_requirements: Union[Unset, list[str]] = UNSET
    success_exit_codes: Union[Unset, list[int]] = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.job_type_spec_env import JobTypeSpecEnv
        from ..models.phase import Phase
        description = self.description

        name = self.name

        time_created = self.time_created

        version = self.version

        versions = self.versions



        argv: Union[None, Unset, list[str]]
        if isinstance(self.argv, Unset):
            argv = UNSET
        elif isinstance(self.argv, list):
            argv = self.argv


        else:
            argv = self.argv

        builtin: Union[None, Unset, str]
        if isinstance(self.builtin, Unset):
            builtin = UNSET
        else:
            builtin = self.builtin

        cwd: Union[None, Unset, str]
        if isinstance(self.cwd, Unset):
            cwd = UNSET
        else:
            cwd = self.cwd

        env: Union[Unset, dict[str, Any]] = UNSET
        if not isinstance(self.env, Unset):
            env = self.env.to_dict()

        error_regexes: Union[Unset, list[str]] = UNSET
        if not isinstance(self.error_regexes, Unset):
            error_regexes = self.error_regexes



        limits: Union[Unset, list[str]] = UNSET
        if not isinstance(self.limits, Unset):
            limits = self.limits



        max_batch: Union[None, Unset, int]
        if isinstance(self.max_batch, Unset):
            max_batch = UNSET
        else:
            max_batch = self.max_batch

        phases: Union[Unset, list[dict[str, Any]]] = UNSET
        if not isinstance(self.phases, Unset):
            phases = []
            for phases_item_data in self.phases:
                phases_item = phases_item_data.to_dict()
                phases.append(phases_item)



        progress_regex: Union[None, Unset, str]
        if isinstance(self.progress_regex, Unset):
            progress_regex = UNSET
        else:
            progress_regex = self.progress_regex

        software_requirements: Union[Unset, list[str]] = UNSET
        if not isinstance(self.software_requirements, Unset):
            software_requirements = self.software_requirements



        success_exit_codes: Union[Unset, list[int]] = UNSET
        if not isinstance(self.success_exit_codes, Unset):
            success_exit_codes = self.success_exit_codes




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "description": description,
            "name": name,
            "time_created": time_created,
            "version": version,
            "versions": versions,
        })
        if argv is not UNSET:
            field_dict["argv"] = argv
        if builtin is not UNSET:
            field_dict["builtin"] = builtin
        if cwd is not UNSET:
            field_dict["cwd"] = cwd
        if env is not UNSET:
            field_dict["env"] = env
        if error_regexes is not UNSET:
            field_dict["error_regexes"] = error_regexes
        if limits is not UNSET:
            field_dict["limits"] = limits
        if max_batch is not UNSET:
            field_dict["max_batch"] = max_batch
        if phases is not UNSET:
            field_dict["phases"] = phases
        if progress_regex is not UNSET:
            field_dict["progress_regex"] = progress_regex
        if software_requirements is not UNSET:
            field_dict["software_requirements"] = software_requirements
        if success_exit_codes is not UNSET:
            field_dict["success_exit_codes"] = success_exit_codes

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_type_spec_env import JobTypeSpecEnv
        from ..models.phase import Phase
        d = dict(src_dict)
        description = d.pop("description")

        name = d.pop("name")

        time_created = d.pop("time_created")

        version = d.pop("version")

        versions = cast(list[int], d.pop("versions"))


        def _parse_argv(data: object) -> Union[None, Unset, list[str]]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                argv_type_0 = cast(list[str], data)

                return argv_type_0
            except: # noqa: E722
                pass
            return cast(Union[None, Unset, list[str]], data)

        argv = _parse_argv(d.pop("argv", UNSET))


        def _parse_builtin(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        builtin = _parse_builtin(d.pop("builtin", UNSET))


        def _parse_cwd(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        cwd = _parse_cwd(d.pop("cwd", UNSET))


        _env = d.pop("env", UNSET)
        env: Union[Unset, JobTypeSpecEnv]
        if isinstance(_env,  Unset):
            env = UNSET
        else:
            env = JobTypeSpecEnv.from_dict(_env)




        error_regexes = cast(list[str], d.pop("error_regexes", UNSET))


        limits = cast(list[str], d.pop("limits", UNSET))


        def _parse_max_batch(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        max_batch = _parse_max_batch(d.pop("max_batch", UNSET))


        phases = []
        _phases = d.pop("phases", UNSET)
        for phases_item_data in (_phases or []):
            phases_item = Phase.from_dict(phases_item_data)



            phases.append(phases_item)


        def _parse_progress_regex(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        progress_regex = _parse_progress_regex(d.pop("progress_regex", UNSET))


        software_requirements = cast(list[str], d.pop("software_requirements", UNSET))


        success_exit_codes = cast(list[int], d.pop("success_exit_codes", UNSET))


        job_type_view = cls(
            description=description,
            name=name,
            time_created=time_created,
            version=version,
            versions=versions,
            argv=argv,
            builtin=builtin,
            cwd=cwd,
            env=env,
            error_regexes=error_regexes,
            limits=limits,
            max_batch=max_batch,
            phases=phases,
            progress_regex=progress_regex,
            software_requirements=software_requirements,
            success_exit_codes=success_exit_codes,
        )


        job_type_view.additional_properties = d
        return job_type_view

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
