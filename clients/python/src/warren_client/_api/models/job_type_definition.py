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
  from ..models.job_type_definition_env import JobTypeDefinitionEnv
  from ..models.phase import Phase





T = TypeVar("T", bound="JobTypeDefinition")



@_attrs_define
class JobTypeDefinition:
    """ A job type definition: the body of `POST /api/v1/jobtypes` (with `name`) and of
    `PUT /api/v1/jobtypes/{name}`.

        Attributes:
            argv (Union[None, Unset, list[str]]): A single command, instead of `phases`.
            cwd (Union[None, Unset, str]): Working directory template.
            description (Union[None, Unset, str]): What the job type is for.
            env (Union[Unset, JobTypeDefinitionEnv]): Environment for every task.
            error_regexes (Union[Unset, list[str]]): Output lines that fail the task even when its process succeeds.
            limits (Union[Unset, list[str]]): Limits every task holds.
            max_batch (Union[None, Unset, int]): Most frames per task.
            name (Union[None, Unset, str]): Name (`POST` only): 1-64 letters, digits, `_` or `-`.
            phases (Union[Unset, list['Phase']]): Commands every task runs in order; a phase runs once per frame when its
                argv mentions
                `{frame}`. Placeholders: `{frame}`, `{start}`, `{end}`, `{by}`, `{tile}`, `{data.KEY}`.
            progress_regex (Union[None, Unset, str]): Progress from the output: one capture (a percentage) or two (done and
                total).
            software_requirements (Union[Unset, list[str]]): Software every job of the type needs (`blender>=4.0`).
            success_exit_codes (Union[Unset, list[int]]): Exit codes that mean success (default `[0]`).
     """

    argv: Union[None, Unset, list[str]] = UNSET
    cwd: Union[None, Unset, str] = UNSET
    description: Union[None, Unset, str] = UNSET
    env: Union[Unset, 'JobTypeDefinitionEnv'] = UNSET
    error_regexes: Union[Unset, list[str]] = UNSET
    limits: Union[Unset, list[str]] = UNSET
    max_batch: Union[None, Unset, int] = UNSET
    name: Union[None, Unset, str] = UNSET
    phases: Union[Unset, list['Phase']] = UNSET
    progress_regex: Union[None, Unset, str] = UNSET
    software_requirements: Union[Unset, list[str]] = UNSET
    success_exit_codes: Union[Unset, list[int]] = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.job_type_definition_env import JobTypeDefinitionEnv
        from ..models.phase import Phase
        argv: Union[None, Unset, list[str]]
        if isinstance(self.argv, Unset):
            argv = UNSET
        elif isinstance(self.argv, list):
            argv = self.argv


        else:
            argv = self.argv

        cwd: Union[None, Unset, str]
        if isinstance(self.cwd, Unset):
            cwd = UNSET
        else:
            cwd = self.cwd

        description: Union[None, Unset, str]
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

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

        name: Union[None, Unset, str]
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

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

        field_dict.update({
        })
        if argv is not UNSET:
            field_dict["argv"] = argv
        if cwd is not UNSET:
            field_dict["cwd"] = cwd
        if description is not UNSET:
            field_dict["description"] = description
        if env is not UNSET:
            field_dict["env"] = env
        if error_regexes is not UNSET:
            field_dict["error_regexes"] = error_regexes
        if limits is not UNSET:
            field_dict["limits"] = limits
        if max_batch is not UNSET:
            field_dict["max_batch"] = max_batch
        if name is not UNSET:
            field_dict["name"] = name
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
        from ..models.job_type_definition_env import JobTypeDefinitionEnv
        from ..models.phase import Phase
        d = dict(src_dict)
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


        def _parse_cwd(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        cwd = _parse_cwd(d.pop("cwd", UNSET))


        def _parse_description(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        description = _parse_description(d.pop("description", UNSET))


        _env = d.pop("env", UNSET)
        env: Union[Unset, JobTypeDefinitionEnv]
        if isinstance(_env,  Unset):
            env = UNSET
        else:
            env = JobTypeDefinitionEnv.from_dict(_env)




        error_regexes = cast(list[str], d.pop("error_regexes", UNSET))


        limits = cast(list[str], d.pop("limits", UNSET))


        def _parse_max_batch(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        max_batch = _parse_max_batch(d.pop("max_batch", UNSET))


        def _parse_name(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        name = _parse_name(d.pop("name", UNSET))


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


        job_type_definition = cls(
            argv=argv,
            cwd=cwd,
            description=description,
            env=env,
            error_regexes=error_regexes,
            limits=limits,
            max_batch=max_batch,
            name=name,
            phases=phases,
            progress_regex=progress_regex,
            software_requirements=software_requirements,
            success_exit_codes=success_exit_codes,
        )

        return job_type_definition

