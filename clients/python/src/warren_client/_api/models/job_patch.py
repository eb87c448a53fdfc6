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
  from ..models.tag_requirement_input_type_1 import TagRequirementInputType1
  from ..models.job_patch_environ_type_0 import JobPatchEnvironType0





T = TypeVar("T", bound="JobPatch")



@_attrs_define
class JobPatch:
    """ The body of `PATCH /api/v1/jobs/{id}`.

        Attributes:
            autodelete_time (Union[None, Unset, int]): Delete the job this many seconds after it ends.
            batch (Union[None, Unset, int]): New frames per task (only while no task has run).
            by (Union[None, Unset, int]): New step (only while no task has run).
            cpus (Union[None, Unset, int]): CPUs each task needs (-1: the whole host).
            data (Union[Unset, Any]): New job type data (a JSON object).
            end (Union[None, Unset, int]): New last frame (only while no task has run).
            environ (Union['JobPatchEnvironType0', None, Unset]): Extra environment variables; replaces the old ones.
            gpu_ram (Union[None, Unset, int]): Memory each of those GPUs must have, MB (0: any).
            gpus (Union[None, Unset, int]): GPUs each task needs.
            hidden (Union[None, Unset, bool]): Left out of job lists unless asked for.
            jobtype_version (Union[None, Unset, int]): Pin this version of the job's job type.
            limits (Union[None, Unset, list[str]]): Limits (licences) each task holds while it runs; replaces the old ones.
            log_retention_days (Union[None, Unset, int]): Keep its logs this many days after it ends (`null`: its queue's,
                else the farm's).
            maximum_agents (Union[None, Unset, int]): Most task slots it may use.
            minimum_agents (Union[None, Unset, int]): Task slots kept for the job.
            notes (Union[None, Unset, str]): Free-form notes.
            parents (Union[None, Unset, list[int]]): New parent jobs.
            priority (Union[None, Unset, int]): -1000 to 1000.
            queue (Union[None, Unset, str]): Move to this job queue.
            ram (Union[None, Unset, int]): RAM each task needs, MB (-1: the whole host).
            ram_max (Union[None, Unset, int]): Kill a task whose memory passes this, MB; `null` removes it.
            ram_warning (Union[None, Unset, int]): Warn when a task's memory passes this, MB; `null` removes it.
            requeue (Union[None, Unset, int]): Retries of a failed task: a count, 0 never, -1 forever.
            rerun_whole_batch (Union[None, Unset, bool]): Run failed batches again from their first frame (`true`) or from
                the frame that
                failed (`false`).
            restart_running (Union[Unset, bool]): Stop the job's running tasks and run them again with the change (not
                counted as a
                failure); without it they finish with what they started with.
            software_requirements (Union[None, Unset, list[Union['SoftwareRequirementInputType1', str]]]): Software with
                optional version bounds; replaces the old ones.
            start (Union[None, Unset, int]): New first frame (only while no task has run).
            tag_requirements (Union[None, Unset, list[Union['TagRequirementInputType1', str]]]): Tags an agent must have
                (`"gpu"`) or must not have (`"!windows"`); replaces the old ones.
            tags (Union[None, Unset, list[str]]): Tags shown on the job (not requirements).
            timeout (Union[None, Unset, int]): Kill a task running longer than this, seconds; `null` removes the timeout.
            title (Union[None, Unset, str]): New title, 1 to 512 characters.
            weight (Union[None, Unset, int]): At least 1.
     """

    autodelete_time: Union[None, Unset, int] = UNSET
    batch: Union[None, Unset, int] = UNSET
    by: Union[None, Unset, int] = UNSET
    cpus: Union[None, Unset, int] = UNSET
    data: Union[Unset, Any] = UNSET
    end: Union[None, Unset, int] = UNSET
    environ: Union['JobPatchEnvironType0', None, Unset] = UNSET
    gpu_ram: Union[None, Unset, int] = UNSET
    gpus: Union[None, Unset, int] = UNSET
    hidden: Union[None, Unset, bool] = UNSET
    jobtype_version: Union[None, Unset, int] = UNSET
    limits: Union[None, Unset, list[str]] = UNSET
    log_retention_days: Union[None, Unset, int] = UNSET
    maximum_agents: Union[None, Unset, int] = UNSET
    minimum_agents: Union[None, Unset, int] = UNSET
    notes: Union[None, Unset, str] = UNSET
    parents: Union[None, Unset, list[int]] = UNSET
    priority: Union[None, Unset, int] = UNSET
    queue: Union[None, Unset, str] = UNSET
    ram: Union[None, Unset, int] = UNSET
    ram_max: Union[None, Unset, int] = UNSET
    ram_warning: Union[None, Unset, int] = UNSET
    requeue: Union[None, Unset, int] = UNSET
    rerun_whole_batch: Union[None, Unset, bool] = UNSET
    restart_running: Union[Unset, bool] = UNSET
    software_requirements: Union[None, Unset, list[Union['SoftwareRequirementInputType1', str]]] = UNSET
    start: Union[None, Unset, int] = UNSET
    tag_requirements: Union[None, Unset, list[Union['TagRequirementInputType1', str]]] = UNSET
    tags: Union[None, Unset, list[str]] = UNSET
    timeout: Union[None, Unset, int] = UNSET
    title: Union[None, Unset, str] = UNSET
    weight: Union[None, Unset, int] = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.software_requirement_input_type_1 import SoftwareRequirementInputType1
        from ..models.tag_requirement_input_type_1 import TagRequirementInputType1
        from ..models.job_patch_environ_type_0 import JobPatchEnvironType0
        autodelete_time: Union[None, Unset, int]
        if isinstance(self.autodelete_time, Unset):
            autodelete_time = UNSET
        else:
            autodelete_time = self.autodelete_time

        batch: Union[None, Unset, int]
        if isinstance(self.batch, Unset):
            batch = UNSET
        else:
            batch = self.batch

        by: Union[None, Unset, int]
        if isinstance(self.by, Unset):
            by = UNSET
        else:
            by = self.by

        cpus: Union[None, Unset, int]
        if isinstance(self.cpus, Unset):
            cpus = UNSET
        else:
            cpus = self.cpus

        data = self.data

        end: Union[None, Unset, int]
        if isinstance(self.end, Unset):
            end = UNSET
        else:
            end = self.end

        environ: Union[None, Unset, dict[str, Any]]
        if isinstance(self.environ, Unset):
            environ = UNSET
        elif isinstance(self.environ, JobPatchEnvironType0):
            environ = self.environ.to_dict()
        else:
            environ = self.environ

        gpu_ram: Union[None, Unset, int]
        if isinstance(self.gpu_ram, Unset):
            gpu_ram = UNSET
        else:
            gpu_ram = self.gpu_ram

        gpus: Union[None, Unset, int]
        if isinstance(self.gpus, Unset):
            gpus = UNSET
        else:
            gpus = self.gpus

        hidden: Union[None, Unset, bool]
        if isinstance(self.hidden, Unset):
            hidden = UNSET
        else:
            hidden = self.hidden

        jobtype_version: Union[None, Unset, int]
        if isinstance(self.jobtype_version, Unset):
            jobtype_version = UNSET
        else:
            jobtype_version = self.jobtype_version

        limits: Union[None, Unset, list[str]]
        if isinstance(self.limits, Unset):
            limits = UNSET
        elif isinstance(self.limits, list):
            limits = self.limits


        else:
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

        notes: Union[None, Unset, str]
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        parents: Union[None, Unset, list[int]]
        if isinstance(self.parents, Unset):
            parents = UNSET
        elif isinstance(self.parents, list):
            parents = self.parents


        else:
            parents = self.parents

        priority: Union[None, Unset, int]
        if isinstance(self.priority, Unset):
            priority = UNSET
        else:
            priority = self.priority

        queue: Union[None, Unset, str]
        if isinstance(self.queue, Unset):
            queue = UNSET
        else:
            queue = self.queue

        ram: Union[None, Unset, int]
        if isinstance(self.ram, Unset):
            ram = UNSET
        else:
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

        requeue: Union[None, Unset, int]
        if isinstance(self.requeue, Unset):
            requeue = UNSET
        else:
            requeue = self.requeue

        rerun_whole_batch: Union[None, Unset, bool]
        if isinstance(self.rerun_whole_batch, Unset):
            rerun_whole_batch = UNSET
        else:
            rerun_whole_batch = self.rerun_whole_batch

        restart_running = self.restart_running

        software_requirements: Union[None, Unset, list[Union[dict[str, Any], str]]]
        if isinstance(self.software_requirements, Unset):
            software_requirements = UNSET
        elif isinstance(self.software_requirements, list):
            software_requirements = []
            for software_requirements_type_0_item_data in self.software_requirements:
                software_requirements_type_0_item: Union[dict[str, Any], str]
                if isinstance(software_requirements_type_0_item_data, SoftwareRequirementInputType1):
                    software_requirements_type_0_item = software_requirements_type_0_item_data.to_dict()
                else:
                    software_requirements_type_0_item = software_requirements_type_0_item_data
                software_requirements.append(software_requirements_type_0_item)


        else:
            software_requirements = self.software_requirements

        start: Union[None, Unset, int]
        if isinstance(self.start, Unset):
            start = UNSET
        else:
            start = self.start

        tag_requirements: Union[None, Unset, list[Union[dict[str, Any], str]]]
        if isinstance(self.tag_requirements, Unset):
            tag_requirements = UNSET
        elif isinstance(self.tag_requirements, list):
            tag_requirements = []
            for tag_requirements_type_0_item_data in self.tag_requirements:
                tag_requirements_type_0_item: Union[dict[str, Any], str]
                if isinstance(tag_requirements_type_0_item_data, TagRequirementInputType1):
                    tag_requirements_type_0_item = tag_requirements_type_0_item_data.to_dict()
                else:
                    tag_requirements_type_0_item = tag_requirements_type_0_item_data
                tag_requirements.append(tag_requirements_type_0_item)


        else:
            tag_requirements = self.tag_requirements

        tags: Union[None, Unset, list[str]]
        if isinstance(self.tags, Unset):
            tags = UNSET
        elif isinstance(self.tags, list):
            tags = self.tags


        else:
            tags = self.tags

        timeout: Union[None, Unset, int]
        if isinstance(self.timeout, Unset):
            timeout = UNSET
        else:
            timeout = self.timeout

        title: Union[None, Unset, str]
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        weight: Union[None, Unset, int]
        if isinstance(self.weight, Unset):
            weight = UNSET
        else:
            weight = self.weight


        field_dict: dict[str, Any] = {}

        field_dict.update({
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
        if end is not UNSET:
            field_dict["end"] = end
        if environ is not UNSET:
            field_dict["environ"] = environ
        if gpu_ram is not UNSET:
            field_dict["gpu_ram"] = gpu_ram
        if gpus is not UNSET:
            field_dict["gpus"] = gpus
        if hidden is not UNSET:
            field_dict["hidden"] = hidden
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
        if restart_running is not UNSET:
            field_dict["restart_running"] = restart_running
        if software_requirements is not UNSET:
            field_dict["software_requirements"] = software_requirements
        if start is not UNSET:
            field_dict["start"] = start
        if tag_requirements is not UNSET:
            field_dict["tag_requirements"] = tag_requirements
        if tags is not UNSET:
            field_dict["tags"] = tags
        if timeout is not UNSET:
            field_dict["timeout"] = timeout
        if title is not UNSET:
            field_dict["title"] = title
        if weight is not UNSET:
            field_dict["weight"] = weight

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.software_requirement_input_type_1 import SoftwareRequirementInputType1
        from ..models.tag_requirement_input_type_1 import TagRequirementInputType1
        from ..models.job_patch_environ_type_0 import JobPatchEnvironType0
        d = dict(src_dict)
        def _parse_autodelete_time(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        autodelete_time = _parse_autodelete_time(d.pop("autodelete_time", UNSET))


        def _parse_batch(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        batch = _parse_batch(d.pop("batch", UNSET))


        def _parse_by(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        by = _parse_by(d.pop("by", UNSET))


        def _parse_cpus(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        cpus = _parse_cpus(d.pop("cpus", UNSET))


        data = d.pop("data", UNSET)

        def _parse_end(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        end = _parse_end(d.pop("end", UNSET))


        def _parse_environ(data: object) -> Union['JobPatchEnvironType0', None, Unset]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                environ_type_0 = JobPatchEnvironType0.from_dict(data)



                return environ_type_0
            except: # noqa: E722
                pass
            return cast(Union['JobPatchEnvironType0', None, Unset], data)

        environ = _parse_environ(d.pop("environ", UNSET))


        def _parse_gpu_ram(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        gpu_ram = _parse_gpu_ram(d.pop("gpu_ram", UNSET))


        def _parse_gpus(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        gpus = _parse_gpus(d.pop("gpus", UNSET))


        def _parse_hidden(data: object) -> Union[None, Unset, bool]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, bool], data)

        hidden = _parse_hidden(d.pop("hidden", UNSET))


        def _parse_jobtype_version(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        jobtype_version = _parse_jobtype_version(d.pop("jobtype_version", UNSET))


        def _parse_limits(data: object) -> Union[None, Unset, list[str]]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                limits_type_0 = cast(list[str], data)

                return limits_type_0
            except: # noqa: E722
                pass
            return cast(Union[None, Unset, list[str]], data)

        limits = _parse_limits(d.pop("limits", UNSET))


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


        def _parse_notes(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        notes = _parse_notes(d.pop("notes", UNSET))


        def _parse_parents(data: object) -> Union[None, Unset, list[int]]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                parents_type_0 = cast(list[int], data)

                return parents_type_0
            except: # noqa: E722
                pass
            return cast(Union[None, Unset, list[int]], data)

        parents = _parse_parents(d.pop("parents", UNSET))


        def _parse_priority(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        priority = _parse_priority(d.pop("priority", UNSET))


        def _parse_queue(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        queue = _parse_queue(d.pop("queue", UNSET))


        def _parse_ram(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        ram = _parse_ram(d.pop("ram", UNSET))


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


        def _parse_requeue(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        requeue = _parse_requeue(d.pop("requeue", UNSET))


        def _parse_rerun_whole_batch(data: object) -> Union[None, Unset, bool]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, bool], data)

        rerun_whole_batch = _parse_rerun_whole_batch(d.pop("rerun_whole_batch", UNSET))


        restart_running = d.pop("restart_running", UNSET)

        def _parse_software_requirements(data: object) -> Union[None, Unset, list[Union['SoftwareRequirementInputType1', str]]]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                software_requirements_type_0 = []
                _software_requirements_type_0 = data
                for software_requirements_type_0_item_data in (_software_requirements_type_0):
                    def _parse_software_requirements_type_0_item(data: object) -> Union['SoftwareRequirementInputType1', str]:
                        try:
                            if not isinstance(data, dict):
                                raise TypeError()
                            componentsschemas_software_requirement_input_type_1 = SoftwareRequirementInputType1.from_dict(data)



                            return componentsschemas_software_requirement_input_type_1
                        except: # noqa: E722
                            pass
                        return cast(Union['SoftwareRequirementInputType1', str], data)

                    software_requirements_type_0_item = _parse_software_requirements_type_0_item(software_requirements_type_0_item_data)

                    software_requirements_type_0.append(software_requirements_type_0_item)

                return software_requirements_type_0
            except: # noqa: E722
                pass
            return cast(Union[None, Unset, list[Union['SoftwareRequirementInputType1', str]]], data)

        software_requirements = _parse_software_requirements(d.pop("software_requirements", UNSET))


        def _parse_start(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        start = _parse_start(d.pop("start", UNSET))


        def _parse_tag_requirements(data: object) -> Union[None, Unset, list[Union['TagRequirementInputType1', str]]]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                tag_requirements_type_0 = []
                _tag_requirements_type_0 = data
                for tag_requirements_type_0_item_data in (_tag_requirements_type_0):
                    def _parse_tag_requirements_type_0_item(data: object) -> Union['TagRequirementInputType1', str]:
                        try:
                            if not isinstance(data, dict):
                                raise TypeError()
                            componentsschemas_tag_requirement_input_type_1 = TagRequirementInputType1.from_dict(data)



                            return componentsschemas_tag_requirement_input_type_1
                        except: # noqa: E722
                            pass
                        return cast(Union['TagRequirementInputType1', str], data)

                    tag_requirements_type_0_item = _parse_tag_requirements_type_0_item(tag_requirements_type_0_item_data)

                    tag_requirements_type_0.append(tag_requirements_type_0_item)

                return tag_requirements_type_0
            except: # noqa: E722
                pass
            return cast(Union[None, Unset, list[Union['TagRequirementInputType1', str]]], data)

        tag_requirements = _parse_tag_requirements(d.pop("tag_requirements", UNSET))


        def _parse_tags(data: object) -> Union[None, Unset, list[str]]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                tags_type_0 = cast(list[str], data)

                return tags_type_0
            except: # noqa: E722
                pass
            return cast(Union[None, Unset, list[str]], data)

        tags = _parse_tags(d.pop("tags", UNSET))


        def _parse_timeout(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        timeout = _parse_timeout(d.pop("timeout", UNSET))


        def _parse_title(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        title = _parse_title(d.pop("title", UNSET))


        def _parse_weight(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        weight = _parse_weight(d.pop("weight", UNSET))


        job_patch = cls(
            autodelete_time=autodelete_time,
            batch=batch,
            by=by,
            cpus=cpus,
            data=data,
            end=end,
            environ=environ,
            gpu_ram=gpu_ram,
            gpus=gpus,
            hidden=hidden,
            jobtype_version=jobtype_version,
            limits=limits,
            log_retention_days=log_retention_days,
            maximum_agents=maximum_agents,
            minimum_agents=minimum_agents,
            notes=notes,
            parents=parents,
            priority=priority,
            queue=queue,
            ram=ram,
            ram_max=ram_max,
            ram_warning=ram_warning,
            requeue=requeue,
            rerun_whole_batch=rerun_whole_batch,
            restart_running=restart_running,
            software_requirements=software_requirements,
            start=start,
            tag_requirements=tag_requirements,
            tags=tags,
            timeout=timeout,
            title=title,
            weight=weight,
        )

        return job_patch

