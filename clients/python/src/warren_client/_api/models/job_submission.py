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
  from ..models.software_requirement_input_type_1 import SoftwareRequirementInputType1
  from ..models.job_submission_environ import JobSubmissionEnviron
  from ..models.tag_requirement_input_type_1 import TagRequirementInputType1
  from ..models.depends_on import DependsOn





T = TypeVar("T", bound="JobSubmission")



@_attrs_define
class JobSubmission:
    """ The body of `POST /api/v1/jobs`.

        Attributes:
            end (int): Last frame (at least `start`).
            start (int): First frame.
            title (str): 1 to 512 characters.
            autodelete_time (Union[None, Unset, int]): Delete the job this many seconds after it ends.
            batch (Union[Unset, int]): Frames per task (default 1).
            by (Union[Unset, int]): Step between frames (default 1).
            cpus (Union[Unset, int]): CPUs each task needs (default 1; -1 takes the whole host).
            data (Union[Unset, Any]): A JSON object for the job type's templates (`{data.key}`).
            depends_on (Union['DependsOn', None, Unset]):
            environ (Union[Unset, JobSubmissionEnviron]): Extra environment variables.
            gpu_ram (Union[None, Unset, int]): Memory each of those GPUs must have, MB.
            gpus (Union[Unset, int]): GPUs each task needs (the worker reserves that many and names them in `WARREN_GPUS`
                and `CUDA_VISIBLE_DEVICES`).
            group (Union[None, Unset, int]): Job group id.
            hidden (Union[Unset, bool]): Left out of job lists unless asked for.
            jobtype (Union[Unset, str]): Job type name (default `command`).
            jobtype_version (Union[None, Unset, int]): Job type version to pin (default: the newest).
            limits (Union[Unset, list[str]]): Limits (licences) each task holds while it runs.
            log_retention_days (Union[None, Unset, int]): Keep its logs this many days after it ends (default: its queue's,
                else the farm's).
            maximum_agents (Union[None, Unset, int]): Most task slots it may use.
            minimum_agents (Union[None, Unset, int]): Task slots kept for this job while it has work.
            notes (Union[Unset, str]): Free-form notes.
            notified_users (Union[Unset, list[str]]): Users or addresses emailed when the job ends.
            num_tiles (Union[None, Unset, int]): Tiles per frame (1 to 10000): one task per tile.
            parents (Union[Unset, list[int]]): Jobs that must be done before this one starts.
            priority (Union[Unset, int]): -1000 to 1000 (default 0).
            queue (Union[Unset, str]): Job queue (default `root`).
            ram (Union[Unset, int]): RAM each task needs, MB.
            ram_max (Union[None, Unset, int]): Kill a task whose memory passes this, MB.
            ram_warning (Union[None, Unset, int]): Warn when a task's memory passes this, MB.
            requeue (Union[Unset, int]): Retries of a failed task: a count, 0 never, -1 forever (default 3).
            rerun_whole_batch (Union[Unset, bool]): Run a failed batch again from its first frame, not from the frame that
                failed.
            run_as_group (Union[None, Unset, str]): OS group a root worker runs the tasks with.
            software_requirements (Union[Unset, list[Union['SoftwareRequirementInputType1', str]]]): Software with optional
                version bounds.
            tag_requirements (Union[Unset, list[Union['TagRequirementInputType1', str]]]): Tags an agent must have (`"gpu"`)
                or must not have (`"!windows"`).
            tags (Union[Unset, list[str]]): Tags shown on the job (not requirements).
            timeout (Union[None, Unset, int]): Kill a task running longer than this, seconds.
            user (Union[None, Unset, str]): Owner (default: the caller; operators may name someone else).
            weight (Union[Unset, int]): Share among jobs of the same priority (default 10).
     """

    end: int
    start: int
    title: str
    autodelete_time: Union[None, Unset, int] = UNSET
    batch: Union[Unset, int] = UNSET
    by: Union[Unset, int] = UNSET
    cpus: Union[Unset, int] = UNSET
    data: Union[Unset, Any] = UNSET
    depends_on: Union['DependsOn', None, Unset] = UNSET
    environ: Union[Unset, 'JobSubmissionEnviron'] = UNSET
    gpu_ram: Union[None, Unset, int] = UNSET
    gpus: Union[Unset, int] = UNSET
    group: Union[None, Unset, int] = UNSET
    hidden: Union[Unset, bool] = UNSET
    jobtype: Union[Unset, str] = UNSET
    jobtype_version: Union[None, Unset, int] = UNSET
    limits: Union[Unset, list[str]] = UNSET
    log_retention_days: Union[None, Unset, int] = UNSET
    maximum_agents: Union[None, Unset, int] = UNSET
    minimum_agents: Union[None, Unset, int] = UNSET
    notes: Union[Unset, str] = UNSET
    notified_users: Union[Unset, list[str]] = UNSET
    num_tiles: Union[None, Unset, int] = UNSET
    parents: Union[Unset, list[int]] = UNSET
    priority: Union[Unset, int] = UNSET
    queue: Union[Unset, str] = UNSET
    ram: Union[Unset, int] = UNSET
    ram_max: Union[None, Unset, int] = UNSET
    ram_warning: Union[None, Unset, int] = UNSET
    requeue: Union[Unset, int] = UNSET
    rerun_whole_batch: Union[Unset, bool] = UNSET
    run_as_group: Union[None, Unset, str] = UNSET
    software_requirements: Union[Unset, list[Union['SoftwareRequirementInputType1', str]]] = UNSET
    tag_requirements: Union[Unset, list[Union['TagRequirementInputType1', str]]] = UNSET
    tags: Union[Unset, list[str]] = UNSET
    timeout: Union[None, Unset, int] = UNSET
    user: Union[None, Unset, str] = UNSET
    weight: Union[Unset, int] = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.software_requirement_input_type_1 import SoftwareRequirementInputType1
        from ..models.job_submission_environ import JobSubmissionEnviron
        from ..models.tag_requirement_input_type_1 import TagRequirementInputType1
        from ..models.depends_on import DependsOn
        end = self.end

        start = self.start

        title = self.title

        autodelete_time: Union[None, Unset, int]
        if isinstance(self.autodelete_time, Unset):
            autodelete_time = UNSET
        else:
            autodelete_time = self.autodelete_time

        batch = self.batch

        by = self.by

        cpus = self.cpus

        data = self.data

        depends_on: Union[None, Unset, dict[str, Any]]
        if isinstance(self.depends_on, Unset):
            depends_on = UNSET
        elif isinstance(self.depends_on, DependsOn):
            depends_on = self.depends_on.to_dict()
        else:
            depends_on = self.depends_on

        environ: Union[Unset, dict[str, Any]] = UNSET
        if not isinstance(self.environ, Unset):
            environ = self.environ.to_dict()

        gpu_ram: Union[None, Unset, int]
        if isinstance(self.gpu_ram, Unset):
            gpu_ram = UNSET
        else:
            gpu_ram = self.gpu_ram

        gpus = self.gpus

        group: Union[None, Unset, int]
        if isinstance(self.group, Unset):
            group = UNSET
        else:
            group = self.group

        hidden = self.hidden

        jobtype = self.jobtype

        jobtype_version: Union[None, Unset, int]
        if isinstance(self.jobtype_version, Unset):
            jobtype_version = UNSET
        else:
            jobtype_version = self.jobtype_version

        limits: Union[Unset, list[str]] = UNSET
        if not isinstance(self.limits, Unset):
            limits = self.limits



        log_retention_days: Union[None, Unset, int]
        if isinstance(self.log_retention_days, Unset):
            log_retention_days = UNSET
        else:
            log_retention_days = self.log_retention_days

        maximum_agents: Union[None, Unset, int]
        if isinstance(self.maximum_agents, Unset):
            maximum_agents = UNSET
        else:
            maximum_agents = self.maximum_agents

        minimum_agents: Union[None, Unset, int]
        if isinstance(self.minimum_agents, Unset):
            minimum_agents = UNSET
        else:
            minimum_agents = self.minimum_agents

        notes = self.notes

        notified_users: Union[Unset, list[str]] = UNSET
        if not isinstance(self.notified_users, Unset):
            notified_users = self.notified_users



        num_tiles: Union[None, Unset, int]
        if isinstance(self.num_tiles, Unset):
            num_tiles = UNSET
        else:
            num_tiles = self.num_tiles

        parents: Union[Unset, list[int]] = UNSET
        if not isinstance(self.parents, Unset):
            parents = self.parents



        priority = self.priority

        queue = self.queue

        ram = self.ram

        ram_max: Union[None, Unset, int]
        if isinstance(self.ram_max, Unset):
            ram_max = UNSET
        else:
            ram_max = self.ram_max

        ram_warning: Union[None, Unset, int]
        if isinstance(self.ram_warning, Unset):
            ram_warning = UNSET
        else:
            ram_warning = self.ram_warning

        requeue = self.requeue

        rerun_whole_batch = self.rerun_whole_batch

        run_as_group: Union[None, Unset, str]
        if isinstance(self.run_as_group, Unset):
            run_as_group = UNSET
        else:
            run_as_group = self.run_as_group

        software_requirements: Union[Unset, list[Union[dict[str, Any], str]]] = UNSET
        if not isinstance(self.software_requirements, Unset):
            software_requirements = []
            for software_requirements_item_data in self.software_requirements:
                software_requirements_item: Union[dict[str, Any], str]
                if isinstance(software_requirements_item_data, SoftwareRequirementInputType1):
                    software_requirements_item = software_requirements_item_data.to_dict()
                else:
                    software_requirements_item = software_requirements_item_data
                software_requirements.append(software_requirements_item)



        tag_requirements: Union[Unset, list[Union[dict[str, Any], str]]] = UNSET
        if not isinstance(self.tag_requirements, Unset):
            tag_requirements = []
            for tag_requirements_item_data in self.tag_requirements:
                tag_requirements_item: Union[dict[str, Any], str]
                if isinstance(tag_requirements_item_data, TagRequirementInputType1):
                    tag_requirements_item = tag_requirements_item_data.to_dict()
                else:
                    tag_requirements_item = tag_requirements_item_data
                tag_requirements.append(tag_requirements_item)



        tags: Union[Unset, list[str]] = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags



        timeout: Union[None, Unset, int]
        if isinstance(self.timeout, Unset):
            timeout = UNSET
        else:
            timeout = self.timeout

        user: Union[None, Unset, str]
        if isinstance(self.user, Unset):
            user = UNSET
        else:
            user = self.user

        weight = self.weight


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "end": end,
            "start": start,
            "title": title,
        })
        if autodelete_time is not UNSET:
            field_dict["autodelete_time"] = autodelete_time
        if batch is not UNSET:
            field_dict["batch"] = batch
        if by is not UNSET:
            field_dict["by"] = by
        if cpus is not UNSET:
            field_dict["cpus"] = cpus
        if data is not UNSET:
            field_dict["data"] = data
        if depends_on is not UNSET:
            field_dict["depends_on"] = depends_on
        if environ is not UNSET:
            field_dict["environ"] = environ
        if gpu_ram is not UNSET:
            field_dict["gpu_ram"] = gpu_ram
        if gpus is not UNSET:
            field_dict["gpus"] = gpus
        if group is not UNSET:
            field_dict["group"] = group
        if hidden is not UNSET:
            field_dict["hidden"] = hidden
        if jobtype is not UNSET:
            field_dict["jobtype"] = jobtype
        if jobtype_version is not UNSET:
            field_dict["jobtype_version"] = jobtype_version
        if limits is not UNSET:
            field_dict["limits"] = limits
        if log_retention_days is not UNSET:
            field_dict["log_retention_days"] = log_retention_days
        if maximum_agents is not UNSET:
            field_dict["maximum_agents"] = maximum_agents
        if minimum_agents is not UNSET:
            field_dict["minimum_agents"] = minimum_agents
        if notes is not UNSET:
            field_dict["notes"] = notes
        if notified_users is not UNSET:
            field_dict["notified_users"] = notified_users
        if num_tiles is not UNSET:
            field_dict["num_tiles"] = num_tiles
        if parents is not UNSET:
            field_dict["parents"] = parents
        if priority is not UNSET:
            field_dict["priority"] = priority
        if queue is not UNSET:
            field_dict["queue"] = queue
        if ram is not UNSET:
            field_dict["ram"] = ram
        if ram_max is not UNSET:
            field_dict["ram_max"] = ram_max
        if ram_warning is not UNSET:
            field_dict["ram_warning"] = ram_warning
        if requeue is not UNSET:
            field_dict["requeue"] = requeue
        if rerun_whole_batch is not UNSET:
            field_dict["rerun_whole_batch"] = rerun_whole_batch
        if run_as_group is not UNSET:
            field_dict["run_as_group"] = run_as_group
        if software_requirements is not UNSET:
            field_dict["software_requirements"] = software_requirements
        if tag_requirements is not UNSET:
            field_dict["tag_requirements"] = tag_requirements
        if tags is not UNSET:
            field_dict["tags"] = tags
        if timeout is not UNSET:
            field_dict["timeout"] = timeout
        if user is not UNSET:
            field_dict["user"] = user
        if weight is not UNSET:
            field_dict["weight"] = weight

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.software_requirement_input_type_1 import SoftwareRequirementInputType1
        from ..models.job_submission_environ import JobSubmissionEnviron
        from ..models.tag_requirement_input_type_1 import TagRequirementInputType1
        from ..models.depends_on import DependsOn
        d = dict(src_dict)
        end = d.pop("end")

        start = d.pop("start")

        title = d.pop("title")

        def _parse_autodelete_time(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        autodelete_time = _parse_autodelete_time(d.pop("autodelete_time", UNSET))


        batch = d.pop("batch", UNSET)

        by = d.pop("by", UNSET)

        cpus = d.pop("cpus", UNSET)

        data = d.pop("data", UNSET)

        def _parse_depends_on(data: object) -> Union['DependsOn', None, Unset]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                depends_on_type_1 = DependsOn.from_dict(data)



                return depends_on_type_1
            except: # noqa: E722
                pass
            return cast(Union['DependsOn', None, Unset], data)

        depends_on = _parse_depends_on(d.pop("depends_on", UNSET))


        _environ = d.pop("environ", UNSET)
        environ: Union[Unset, JobSubmissionEnviron]
        if isinstance(_environ,  Unset):
            environ = UNSET
        else:
            environ = JobSubmissionEnviron.from_dict(_environ)




        def _parse_gpu_ram(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        gpu_ram = _parse_gpu_ram(d.pop("gpu_ram", UNSET))


        gpus = d.pop("gpus", UNSET)

        def _parse_group(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        group = _parse_group(d.pop("group", UNSET))


        hidden = d.pop("hidden", UNSET)

        jobtype = d.pop("jobtype", UNSET)

        def _parse_jobtype_version(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        jobtype_version = _parse_jobtype_version(d.pop("jobtype_version", UNSET))


        limits = cast(list[str], d.pop("limits", UNSET))


        def _parse_log_retention_days(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        log_retention_days = _parse_log_retention_days(d.pop("log_retention_days", UNSET))


        def _parse_maximum_agents(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        maximum_agents = _parse_maximum_agents(d.pop("maximum_agents", UNSET))


        def _parse_minimum_agents(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        minimum_agents = _parse_minimum_agents(d.pop("minimum_agents", UNSET))


        notes = d.pop("notes", UNSET)

        notified_users = cast(list[str], d.pop("notified_users", UNSET))


        def _parse_num_tiles(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        num_tiles = _parse_num_tiles(d.pop("num_tiles", UNSET))


        parents = cast(list[int], d.pop("parents", UNSET))


        priority = d.pop("priority", UNSET)

        queue = d.pop("queue", UNSET)

        ram = d.pop("ram", UNSET)

        def _parse_ram_max(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        ram_max = _parse_ram_max(d.pop("ram_max", UNSET))


        def _parse_ram_warning(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        ram_warning = _parse_ram_warning(d.pop("ram_warning", UNSET))


        requeue = d.pop("requeue", UNSET)

        rerun_whole_batch = d.pop("rerun_whole_batch", UNSET)

        def _parse_run_as_group(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        run_as_group = _parse_run_as_group(d.pop("run_as_group", UNSET))


        software_requirements = []
        _software_requirements = d.pop("software_requirements", UNSET)
        for software_requirements_item_data in (_software_requirements or []):
            def _parse_software_requirements_item(data: object) -> Union['SoftwareRequirementInputType1', str]:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_software_requirement_input_type_1 = SoftwareRequirementInputType1.from_dict(data)



                    return componentsschemas_software_requirement_input_type_1
                except: # noqa: E722
                    pass
                return cast(Union['SoftwareRequirementInputType1', str], data)

            software_requirements_item = _parse_software_requirements_item(software_requirements_item_data)

            software_requirements.append(software_requirements_item)


        tag_requirements = []
        _tag_requirements = d.pop("tag_requirements", UNSET)
        for tag_requirements_item_data in (_tag_requirements or []):
            def _parse_tag_requirements_item(data: object) -> Union['TagRequirementInputType1', str]:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_tag_requirement_input_type_1 = TagRequirementInputType1.from_dict(data)



                    return componentsschemas_tag_requirement_input_type_1
                except: # noqa: E722
                    pass
                return cast(Union['TagRequirementInputType1', str], data)

            tag_requirements_item = _parse_tag_requirements_item(tag_requirements_item_data)

            tag_requirements.append(tag_requirements_item)


        tags = cast(list[str], d.pop("tags", UNSET))


        def _parse_timeout(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        timeout = _parse_timeout(d.pop("timeout", UNSET))


        def _parse_user(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        user = _parse_user(d.pop("user", UNSET))


        weight = d.pop("weight", UNSET)

        job_submission = cls(
            end=end,
            start=start,
            title=title,
            autodelete_time=autodelete_time,
            batch=batch,
            by=by,
            cpus=cpus,
            data=data,
            depends_on=depends_on,
            environ=environ,
            gpu_ram=gpu_ram,
            gpus=gpus,
            group=group,
            hidden=hidden,
            jobtype=jobtype,
            jobtype_version=jobtype_version,
            limits=limits,
            log_retention_days=log_retention_days,
            maximum_agents=maximum_agents,
            minimum_agents=minimum_agents,
            notes=notes,
            notified_users=notified_users,
            num_tiles=num_tiles,
            parents=parents,
            priority=priority,
            queue=queue,
            ram=ram,
            ram_max=ram_max,
            ram_warning=ram_warning,
            requeue=requeue,
            rerun_whole_batch=rerun_whole_batch,
            run_as_group=run_as_group,
            software_requirements=software_requirements,
            tag_requirements=tag_requirements,
            tags=tags,
            timeout=timeout,
            user=user,
            weight=weight,
        )

        return job_submission

