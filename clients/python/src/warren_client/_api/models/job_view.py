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
  from ..models.task_counts_view import TaskCountsView





T = TypeVar("T", bound="JobView")



@_attrs_define
class JobView:
    """ A job as the API shows it.

        Attributes:
            batch (int):
            by (int):
            class_ (str):
            cpus (int):
            data (Any):
            end (int):
            environ (Any):
            hidden (bool):
            id (int):
            jobtype (str):
            jobtype_version (int):
            limits (list[str]):
            negated_tag_requirements (Any):
            notes (str):
            notified_users (list[str]):
            parents (list[int]):
            priority (int):
            progress (float):
            queue (str):
            ram (int):
            requeue (int):
            software_requirements (Any):
            start (int):
            state (str):
            tag_requirements (Any):
            tags (list[str]):
            tasks (TaskCountsView): Per-state task counts of a job.
            time_submitted (str):
            title (str):
            weight (int):
            autodelete_time (Union[None, Unset, int]):
            blocked_reason (Union[None, Unset, str]): Why waiting tasks do not run: a paused job, a parent, a limit, a
                maximum, no eligible
                agent (and which requirement), or higher-priority work.
            children (Union[None, Unset, list[int]]): Jobs that wait for this one; only in the answer for one job.
            depends_on (Union[Unset, Any]):
            gpu_ram (Union[None, Unset, int]): Memory each of those GPUs must have, MB (`null`: any).
            gpus (Union[Unset, int]): GPUs each task needs.
            group (Union[None, Unset, int]):
            log_retention_days (Union[None, Unset, int]): Days its logs are kept after it ends (`null`: its queue's, else
                the farm's policy).
            logs_pruned_at (Union[None, Unset, str]): When its logs were removed by the retention policy (RFC 3339).
            maximum_agents (Union[None, Unset, int]):
            minimum_agents (Union[None, Unset, int]):
            num_tiles (Union[None, Unset, int]):
            ram_max (Union[None, Unset, int]):
            ram_warning (Union[None, Unset, int]):
            rerun_whole_batch (Union[Unset, bool]): Run a failed batch again from its first frame, not from the frame that
                failed.
            run_as_group (Union[None, Unset, str]):
            time_finished (Union[None, Unset, str]):
            time_started (Union[None, Unset, str]):
            timeout (Union[None, Unset, int]):
            user (Union[None, Unset, str]):
     """

    batch: int
    by: int
    class_: str
    cpus: int
    data: Any
    end: int
    environ: Any
    hidden: bool
    id: int
    jobtype: str
    jobtype_version: int
    limits: list[str]
    negated_tag_requirements: Any
    notes: str
    notified_users: list[str]
    parents: list[int]
    priority: int
    progress: float
    queue: str
    ram: int
    requeue: int
    software_requirements: Any
    start: int
    state: str
    tag_requirements: Any
    tags: list[str]
    tasks: 'TaskCountsView'
    time_submitted: str
    title: str
    weight: int
    autodelete_time: Union[None, Unset, int] = UNSET
    blocked_reason: Union[None, Unset, str] = UNSET
    children: Union[None, Unset, list[int]] = UNSET
    depends_on: Union[Unset, Any] = UNSET
    gpu_ram: Union[None, Unset, int] = UNSET
    gpus: Union[Unset, int] = UNSET
    group: Union[None, Unset, int] = UNSET
    log_retention_days: Union[None, Unset, int] = UNSET
    logs_pruned_at: Union[None, Unset, str] = UNSET
    maximum_agents: Union[None, Unset, int] = UNSET
    minimum_agents: Union[None, Unset, int] = UNSET
    num_tiles: Union[None, Unset, int] = UNSET
    ram_max: Union[None, Unset, int] = UNSET
    ram_warning: Union[None, Unset, int] = UNSET
    rerun_whole_batch: Union[Unset, bool] = UNSET
    run_as_group: Union[None, Unset, str] = UNSET
    time_finished: Union[None, Unset, str] = UNSET
    time_started: Union[None, Unset, str] = UNSET
    timeout: Union[None, Unset, int] = UNSET
    user: Union[None, Unset, str] = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.task_counts_view import TaskCountsView
        batch = self.batch

        by = self.by

        class_ = self.class_

        cpus = self.cpus

        data = self.data

        end = self.end

        environ = self.environ

        hidden = self.hidden

        id = self.id

        jobtype = self.jobtype

        jobtype_version = self.jobtype_version

        limits = self.limits



        negated_tag_requirements = self.negated_tag_requirements

        notes = self.notes

        notified_users = self.notified_users



        parents = self.parents



        priority = self.priority

        progress = self.progress

        queue = self.queue

        ram = self.ram

        requeue = self.requeue

        software_requirements = self.software_requirements

        start = self.start

        state = self.state

        tag_requirements = self.tag_requirements

        tags = self.tags



        tasks = self.tasks.to_dict()

        time_submitted = self.time_submitted

        title = self.title

        weight = self.weight

        autodelete_time: Union[None, Unset, int]
        if isinstance(self.autodelete_time, Unset):
            autodelete_time = UNSET
        else:
            autodelete_time = self.autodelete_time

        blocked_reason: Union[None, Unset, str]
        if isinstance(self.blocked_reason, Unset):
            blocked_reason = UNSET
        else:
            blocked_reason = self.blocked_reason

        children: Union[None, Unset, list[int]]
        if isinstance(self.children, Unset):
            children = UNSET
        elif isinstance(self.children, list):
            children = self.children


        else:
            children = self.children

        depends_on = self.depends_on

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

        log_retention_days: Union[None, Unset, int]
        if isinstance(self.log_retention_days, Unset):
            log_retention_days = UNSET
        else:
            log_retention_days = self.log_retention_days

        logs_pruned_at: Union[None, Unset, str]
        if isinstance(self.logs_pruned_at, Unset):
            logs_pruned_at = UNSET
        else:
            logs_pruned_at = self.logs_pruned_at

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

        num_tiles: Union[None, Unset, int]
        if isinstance(self.num_tiles, Unset):
            num_tiles = UNSET
        else:
            num_tiles = self.num_tiles

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

        rerun_whole_batch = self.rerun_whole_batch

        run_as_group: Union[None, Unset, str]
        if isinstance(self.run_as_group, Unset):
            run_as_group = UNSET
        else:
            run_as_group = self.run_as_group

        time_finished: Union[None, Unset, str]
        if isinstance(self.time_finished, Unset):
            time_finished = UNSET
        else:
            time_finished = self.time_finished

        time_started: Union[None, Unset, str]
        if isinstance(self.time_started, Unset):
            time_started = UNSET
        else:
            time_started = self.time_started

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


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "batch": batch,
            "by": by,
            "class": class_,
            "cpus": cpus,
            "data": data,
            "end": end,
            "environ": environ,
            "hidden": hidden,
            "id": id,
            "jobtype": jobtype,
            "jobtype_version": jobtype_version,
            "limits": limits,
            "negated_tag_requirements": negated_tag_requirements,
            "notes": notes,
            "notified_users": notified_users,
            "parents": parents,
            "priority": priority,
            "progress": progress,
            "queue": queue,
            "ram": ram,
            "requeue": requeue,
            "software_requirements": software_requirements,
            "start": start,
            "state": state,
            "tag_requirements": tag_requirements,
            "tags": tags,
            "tasks": tasks,
            "time_submitted": time_submitted,
            "title": title,
            "weight": weight,
        })
        if autodelete_time is not UNSET:
            field_dict["autodelete_time"] = autodelete_time
        if blocked_reason is not UNSET:
            field_dict["blocked_reason"] = blocked_reason
        if children is not UNSET:
            field_dict["children"] = children
        if depends_on is not UNSET:
            field_dict["depends_on"] = depends_on
        if gpu_ram is not UNSET:
            field_dict["gpu_ram"] = gpu_ram
        if gpus is not UNSET:
            field_dict["gpus"] = gpus
        if group is not UNSET:
            field_dict["group"] = group
        if log_retention_days is not UNSET:
            field_dict["log_retention_days"] = log_retention_days
        if logs_pruned_at is not UNSET:
            field_dict["logs_pruned_at"] = logs_pruned_at
        if maximum_agents is not UNSET:
            field_dict["maximum_agents"] = maximum_agents
        if minimum_agents is not UNSET:
            field_dict["minimum_agents"] = minimum_agents
        if num_tiles is not UNSET:
            field_dict["num_tiles"] = num_tiles
        if ram_max is not UNSET:
            field_dict["ram_max"] = ram_max
        if ram_warning is not UNSET:
            field_dict["ram_warning"] = ram_warning
        if rerun_whole_batch is not UNSET:
            field_dict["rerun_whole_batch"] = rerun_whole_batch
        if run_as_group is not UNSET:
            field_dict["run_as_group"] = run_as_group
        if time_finished is not UNSET:
            field_dict["time_finished"] = time_finished
        if time_started is not UNSET:
            field_dict["time_started"] = time_started
        if timeout is not UNSET:
            field_dict["timeout"] = timeout
        if user is not UNSET:
            field_dict["user"] = user

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.task_counts_view import TaskCountsView
        d = dict(src_dict)
        batch = d.pop("batch")

        by = d.pop("by")

        class_ = d.pop("class")

        cpus = d.pop("cpus")

        data = d.pop("data")

        end = d.pop("end")

        environ = d.pop("environ")

        hidden = d.pop("hidden")

        id = d.pop("id")

        jobtype = d.pop("jobtype")

        jobtype_version = d.pop("jobtype_version")

        limits = cast(list[str], d.pop("limits"))


        negated_tag_requirements = d.pop("negated_tag_requirements")

        notes = d.pop("notes")

        notified_users = cast(list[str], d.pop("notified_users"))


        parents = cast(list[int], d.pop("parents"))


        priority = d.pop("priority")

        progress = d.pop("progress")

        queue = d.pop("queue")

        ram = d.pop("ram")

        requeue = d.pop("requeue")

        software_requirements = d.pop("software_requirements")

        start = d.pop("start")

        state = d.pop("state")

        tag_requirements = d.pop("tag_requirements")

        tags = cast(list[str], d.pop("tags"))


        tasks = TaskCountsView.from_dict(d.pop("tasks"))




        time_submitted = d.pop("time_submitted")

        title = d.pop("title")

        weight = d.pop("weight")

        def _parse_autodelete_time(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        autodelete_time = _parse_autodelete_time(d.pop("autodelete_time", UNSET))


        def _parse_blocked_reason(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        blocked_reason = _parse_blocked_reason(d.pop("blocked_reason", UNSET))


        def _parse_children(data: object) -> Union[None, Unset, list[int]]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                children_type_0 = cast(list[int], data)

                return children_type_0
            except: # noqa: E722
                pass
            return cast(Union[None, Unset, list[int]], data)

        children = _parse_children(d.pop("children", UNSET))


        depends_on = d.pop("depends_on", UNSET)

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


        def _parse_log_retention_days(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        log_retention_days = _parse_log_retention_days(d.pop("log_retention_days", UNSET))


        def _parse_logs_pruned_at(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        logs_pruned_at = _parse_logs_pruned_at(d.pop("logs_pruned_at", UNSET))


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


        def _parse_num_tiles(data: object) -> Union[None, Unset, int]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, int], data)

        num_tiles = _parse_num_tiles(d.pop("num_tiles", UNSET))


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


        rerun_whole_batch = d.pop("rerun_whole_batch", UNSET)

        def _parse_run_as_group(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        run_as_group = _parse_run_as_group(d.pop("run_as_group", UNSET))


        def _parse_time_finished(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        time_finished = _parse_time_finished(d.pop("time_finished", UNSET))


        def _parse_time_started(data: object) -> Union[None, Unset, str]:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, Unset, str], data)

        time_started = _parse_time_started(d.pop("time_started", UNSET))


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


        job_view = cls(
            batch=batch,
            by=by,
            class_=class_,
            cpus=cpus,
            data=data,
            end=end,
            environ=environ,
            hidden=hidden,
            id=id,
            jobtype=jobtype,
            jobtype_version=jobtype_version,
            limits=limits,
            negated_tag_requirements=negated_tag_requirements,
            notes=notes,
            notified_users=notified_users,
            parents=parents,
            priority=priority,
            progress=progress,
            queue=queue,
            ram=ram,
            requeue=requeue,
            software_requirements=software_requirements,
            start=start,
            state=state,
            tag_requirements=tag_requirements,
            tags=tags,
            tasks=tasks,
            time_submitted=time_submitted,
            title=title,
            weight=weight,
            autodelete_time=autodelete_time,
            blocked_reason=blocked_reason,
            children=children,
            depends_on=depends_on,
            gpu_ram=gpu_ram,
            gpus=gpus,
            group=group,
            log_retention_days=log_retention_days,
            logs_pruned_at=logs_pruned_at,
            maximum_agents=maximum_agents,
            minimum_agents=minimum_agents,
            num_tiles=num_tiles,
            ram_max=ram_max,
            ram_warning=ram_warning,
            rerun_whole_batch=rerun_whole_batch,
            run_as_group=run_as_group,
            time_finished=time_finished,
            time_started=time_started,
            timeout=timeout,
            user=user,
        )


        job_view.additional_properties = d
        return job_view

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
