//! The shapes of Warren's REST API that both the master (which serves them) and the `warren`
//! client (which reads them) use, so the two cannot disagree. Only serde here: with the
//! `openapi` feature the types also describe themselves for the OpenAPI document.
//! [`requests`] holds the bodies clients send, [`domain`] the checked values inside them; the
//! answers are at the top level.

pub mod domain;
pub mod requests;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Per-state task counts of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskCountsView {
    pub total: i64,
    pub queued: i64,
    pub dispatched: i64,
    pub running: i64,
    pub done: i64,
    pub failed: i64,
    pub paused: i64,
    pub cancelled: i64,
}

/// A job as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobView {
    pub id: i64,
    pub title: String,
    pub jobtype: String,
    pub jobtype_version: i32,
    pub queue: String,
    pub state: String,
    pub priority: i32,
    pub weight: i32,
    pub requeue: i32,
    pub start: i64,
    pub end: i64,
    pub by: i64,
    pub batch: i64,
    pub data: Value,
    pub environ: Value,
    pub cpus: i32,
    pub ram: i64,
    /// Run a failed batch again from its first frame, not from the frame that failed.
    #[serde(default)]
    pub rerun_whole_batch: bool,
    /// GPUs each task needs.
    #[serde(default)]
    pub gpus: i64,
    /// Memory each of those GPUs must have, MB (`null`: any).
    #[serde(default)]
    pub gpu_ram: Option<i64>,
    pub ram_warning: Option<i64>,
    pub ram_max: Option<i64>,
    pub timeout: Option<i64>,
    pub tags: Vec<String>,
    pub tag_requirements: Value,
    pub negated_tag_requirements: Value,
    pub software_requirements: Value,
    pub class: String,
    pub user: Option<String>,
    pub notes: String,
    pub notified_users: Vec<String>,
    pub hidden: bool,
    pub minimum_agents: Option<i32>,
    pub maximum_agents: Option<i32>,
    pub autodelete_time: Option<i64>,
    /// Days its logs are kept after it ends (`null`: its queue's, else the farm's policy).
    #[serde(default)]
    pub log_retention_days: Option<i32>,
    /// When its logs were removed by the retention policy (RFC 3339).
    #[serde(default)]
    pub logs_pruned_at: Option<String>,
    pub time_submitted: String,
    pub time_started: Option<String>,
    pub time_finished: Option<String>,
    pub progress: f64,
    pub tasks: TaskCountsView,
    pub parents: Vec<i64>,
    /// Jobs that wait for this one; only in the answer for one job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<i64>>,
    pub depends_on: Option<Value>,
    pub num_tiles: Option<i32>,
    pub run_as_group: Option<String>,
    pub group: Option<i64>,
    pub limits: Vec<String>,
    /// Why waiting tasks do not run: a paused job, a parent, a limit, a maximum, no eligible
    /// agent (and which requirement), or higher-priority work.
    pub blocked_reason: Option<String>,
}

/// A page of jobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobPage {
    /// Jobs in the order asked for (newest first by default).
    pub jobs: Vec<JobView>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// An agent (a worker) as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentView {
    /// Agent id (a UUID the worker keeps in its directory).
    pub id: String,
    /// Host name.
    pub hostname: String,
    /// IP addresses.
    pub addresses: Value,
    /// OS family.
    pub os: String,
    /// OS name and version.
    pub os_name: String,
    /// CPU model.
    pub cpu_name: String,
    /// online, running, offline, disabled, pending (enrolled, not joined yet) or revoked.
    pub state: String,
    /// Disabled agents take no new work.
    pub disabled: bool,
    /// Its tags (the worker's own, or set through the API).
    pub tags: Vec<String>,
    /// Whether the tags were set through the API.
    pub tags_overridden: bool,
    /// CPUs it offers.
    pub cpus: i32,
    /// RAM it offers, MB.
    pub ram: i64,
    /// RAM free at the last heartbeat, MB.
    pub free_ram: i64,
    /// Load average at the last heartbeat.
    pub load: f64,
    /// GPUs found.
    pub gpus: Value,
    /// Disks with free space.
    pub disks: Value,
    /// Software found, by name, with versions.
    pub software: Value,
    /// Worker version.
    pub version: String,
    /// Notes.
    pub notes: String,
    /// Last hello or heartbeat (RFC 3339).
    pub last_heard_from: String,
    /// First seen.
    pub time_created: String,
}

/// A list of agents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentList {
    /// Agents by host name.
    pub agents: Vec<AgentView>,
    /// With `limit`: pass as `cursor` for the next page; `null` on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// One agent's restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RestartView {
    /// The agent.
    pub agent_id: String,
    /// The request it belongs to.
    pub batch: i64,
    /// `pending`, `restarting`, `done` or `failed` (it went offline; the rest of its batch waits).
    pub state: String,
    /// Running tasks handed back instead of finishing.
    pub now: bool,
    /// Who asked.
    pub requested_by: String,
    /// RFC 3339.
    pub requested_at: String,
    /// When the agent was told (RFC 3339).
    pub sent_at: Option<String>,
    /// When it came back, or was found gone (RFC 3339).
    pub done_at: Option<String>,
    /// The version it reported before.
    pub version_before: Option<String>,
    /// The version it reported after.
    pub version_after: Option<String>,
}

/// Answer of `GET /api/v1/agents/restarts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RestartList {
    /// Newest first, at most 500.
    pub restarts: Vec<RestartView>,
}

/// A task an action on tasks left alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnchangedTask {
    /// The task.
    pub task_id: i64,
    /// Why the action does not apply to it.
    pub reason: String,
}

/// Answer of `POST /api/v1/jobs/{job_id}/tasks/actions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskActionAnswer {
    /// `kill`, `skip`, `fail` or `retry`.
    pub action: String,
    /// Tasks changed.
    pub changed: Vec<i64>,
    /// Tasks left alone, with why.
    pub unchanged: Vec<UnchangedTask>,
}

/// Answer of `GET /api/v1/auth/me`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeView {
    /// The caller.
    pub username: String,
    /// Their role.
    pub role: String,
    /// How they authenticated: `token`, `session`, or `none` (the master runs with `--no-auth`).
    pub auth: String,
    /// With a session: the token writes must echo in `X-CSRF-Token`.
    pub csrf_token: Option<String>,
}

/// A task as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskView {
    /// Task id.
    pub id: i64,
    /// Its job.
    pub job_id: i64,
    /// Position in the job, from 0.
    pub index: i64,
    /// The frames it renders.
    pub frames: Vec<i64>,
    /// Each frame's state, in the order of `frames`: `done` for the frames finished (also by an
    /// earlier attempt: a failed batch resumes after them), the task's state for the frame it is
    /// on, and `pending` for the frames after that.
    #[serde(default)]
    pub frame_states: Vec<String>,
    /// The last frame done in a row, if any.
    #[serde(default)]
    pub done_through: Option<i64>,
    /// First frame.
    pub frame_first: i64,
    /// Last frame.
    pub frame_last: i64,
    /// queued, dispatched, running, done, failed, paused or cancelled.
    pub state: String,
    /// Attempts so far: the number of the latest (each dispatch is one).
    pub attempts: i32,
    /// Failed attempts so far.
    pub failures: i32,
    /// Dispatches given back unstarted by agents that must avoid the task (it failed there);
    /// `attempts - declines` reached an agent.
    pub declines: i32,
    /// The agent that holds or last ran it.
    pub agent_id: Option<String>,
    /// 0.0 to 1.0.
    pub progress: f64,
    /// Why the last failed attempt failed.
    pub last_error: Option<String>,
    /// The last attempt's exit code.
    pub exit_code: Option<i32>,
    /// RFC 3339 times.
    pub time_dispatched: Option<String>,
    /// When its process started (the worker's clock).
    pub time_started: Option<String>,
    /// When it ended.
    pub time_finished: Option<String>,
    /// Tile number, for tiled jobs.
    pub tile: Option<i32>,
    /// Whether it went over the job's `ram_warning`.
    pub ram_warning: bool,
    /// Peak resident memory of its processes, MB.
    pub peak_rss_mb: Option<i64>,
    /// Why a task that has not started is not running (paused; a parent job or parent frames;
    /// a full limit; a maximum reached; a requirement no online agent meets; every eligible
    /// agent busy). Given by `GET /api/v1/jobs/{job_id}/tasks/{task_id}` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_reason: Option<String>,
}

/// A page of tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskPage {
    /// Tasks in frame order.
    pub tasks: Vec<TaskView>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// A job queue with its place in the tree and what it holds now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueView {
    /// Id.
    pub id: i64,
    /// Name (also its part of RabbitMQ queue names).
    pub name: String,
    /// Parent's id; `null` for `root`.
    pub parent_id: Option<i64>,
    /// Parent's name.
    pub parent: Option<String>,
    /// Priority among its siblings.
    pub priority: i32,
    /// Share among siblings of equal priority.
    pub weight: i32,
    /// Task slots it gets first.
    pub minimum_agents: Option<i32>,
    /// Task slots it never exceeds.
    pub maximum_agents: Option<i32>,
    /// Days its jobs' logs are kept after they end (`null`: its parent's, else the farm's).
    #[serde(default)]
    pub log_retention_days: Option<i32>,
    /// Jobs in it.
    pub jobs: i64,
    /// Its tasks dispatched or running now.
    pub active_tasks: i64,
    /// RFC 3339.
    pub time_created: String,
}

/// Every job queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueList {
    /// Queues by name.
    pub jobqueues: Vec<QueueView>,
}

/// A job named in a group's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupJob {
    /// Job id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Its state.
    pub state: String,
}

/// A job group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupView {
    /// Group id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Who owns it (a submitter may change only their own).
    pub user: Option<String>,
    /// RFC 3339.
    pub time_created: String,
    /// Its jobs, oldest first.
    pub jobs: Vec<GroupJob>,
}

/// Answer of `GET /api/v1/jobgroups`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupList {
    /// Groups, newest first.
    pub jobgroups: Vec<GroupView>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// An agent named in another resource's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentRef {
    /// Agent id.
    pub id: String,
    /// Its host name.
    pub hostname: String,
}

/// A tag with how many agents and jobs carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagView {
    /// Tag name.
    pub name: String,
    /// Agents that carry it.
    pub agents: i64,
    /// Jobs that require it.
    pub jobs: i64,
}

/// Answer of `GET /api/v1/tags`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagList {
    /// Every tag, by name.
    pub tags: Vec<TagView>,
}

/// Answer of `GET /api/v1/tags/{tag}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagUses {
    /// Tag name.
    pub name: String,
    /// Agents that carry it.
    pub agents: Vec<AgentRef>,
    /// Ids of the newest 1,000 jobs that require it.
    pub jobs: Vec<i64>,
}

/// An agent that has a version of some software.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SoftwareAgent {
    /// Agent id.
    pub id: String,
    /// Its host name.
    pub hostname: String,
    /// Its state.
    pub state: String,
}

/// A version of some software and how many agents have it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionCount {
    /// The version.
    pub version: String,
    /// Agents that have it.
    pub agents: usize,
    /// Whether the farm's software catalogue defines this version.
    pub catalogued: bool,
}

/// A piece of software with its versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SoftwareView {
    /// Software name.
    pub name: String,
    /// Whether the farm's software catalogue defines it (otherwise only agents' own checks
    /// found it).
    pub catalogued: bool,
    /// Versions defined or found, in order.
    pub versions: Vec<VersionCount>,
}

/// Answer of `GET /api/v1/software`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SoftwareList {
    /// Every piece of software the catalogue defines or some agent has, by name.
    pub software: Vec<SoftwareView>,
}

/// A version of some software with its agents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionAgents {
    /// The version.
    pub version: String,
    /// Whether the farm's software catalogue defines this version.
    pub catalogued: bool,
    /// Agents that have it.
    pub agents: Vec<SoftwareAgent>,
}

/// Answer of `GET /api/v1/software/{name}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SoftwareDetail {
    /// Software name.
    pub name: String,
    /// Versions defined or found, with their agents.
    pub versions: Vec<VersionAgents>,
    /// The catalogue's definition, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<SoftwareDefinition>,
}

/// How an agent finds out whether it has one version of some software, on one operating
/// system. The command runs without a shell; `{path}` in it stands for the version's path on
/// that system. The version is there when the output (standard output and error together)
/// contains `expect` and matches `regex`, whichever are given; with neither, when the command
/// exits with status 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DiscoveryCheck {
    /// Program and arguments, e.g. `["{path}", "--version"]`.
    pub command: Vec<String>,
    /// Text the output must contain, e.g. `Blender 4.1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<String>,
    /// Regular expression the output must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
}

/// One version of some software in the farm's catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SoftwareVersionDefinition {
    /// The version, dot-separated numbers (`4.1`, `2024.1.2`).
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[0-9]{1,4}(\.[0-9]{1,4}){0,5}$")
    )]
    pub version: String,
    /// The discovery check per operating system (`linux`, `macos`, `windows`); an agent on a
    /// system without a check does not have this version.
    pub checks: std::collections::BTreeMap<String, DiscoveryCheck>,
    /// Where the version is installed, per operating system; when given, an agent has the
    /// version only if the path exists.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub paths: std::collections::BTreeMap<String, String>,
}

/// Body of `PUT /api/v1/software/{name}`: the versions the catalogue defines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SoftwareVersions {
    /// The versions, each with its checks.
    pub versions: Vec<SoftwareVersionDefinition>,
}

/// A piece of software as the farm's catalogue defines it; agents receive the catalogue and run
/// its checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SoftwareDefinition {
    /// Software name, as jobs require it.
    pub name: String,
    /// Its versions.
    pub versions: Vec<SoftwareVersionDefinition>,
}

/// A stored path map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PathMapView {
    /// Id.
    pub id: i64,
    /// The root on Linux.
    pub path_linux: Option<String>,
    /// The root on Windows.
    pub path_windows: Option<String>,
    /// The root on macOS.
    pub path_macos: Option<String>,
    /// Only agents with this tag use it.
    pub tag: Option<String>,
    /// RFC 3339.
    pub time_created: String,
}

/// Every path map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PathMapList {
    /// Path maps, oldest first.
    pub pathmaps: Vec<PathMapView>,
}

/// A registered webhook (its secret is shown only when it is made).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookView {
    /// Id.
    pub id: i64,
    /// Where deliveries are POSTed.
    pub url: String,
    /// The events it gets: `job.done`, `job.failed`, `job.paused`, `task.failed`,
    /// `agent.offline`.
    pub events: Vec<String>,
    /// Only job and task events of this job queue.
    pub queue: Option<String>,
    /// Whether it gets deliveries.
    pub active: bool,
    /// Who registered it.
    pub created_by: Option<String>,
    /// RFC 3339.
    pub time_created: String,
    /// The HMAC-SHA256 key of `X-Warren-Signature`; only in the answer that made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// Every webhook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookList {
    /// Webhooks, oldest first.
    pub webhooks: Vec<WebhookView>,
}

/// One delivery of an event to a webhook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryView {
    /// The id receivers see in `X-Warren-Delivery` and the body, the same on every attempt.
    pub delivery_id: String,
    /// The event.
    pub event: String,
    /// `pending`, `delivered` or `failed` (every attempt failed).
    pub state: String,
    /// Attempts made.
    pub attempts: i32,
    /// The last answer's HTTP status.
    pub last_status: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the next attempt is due, while pending (RFC 3339).
    pub next_attempt: Option<String>,
    /// RFC 3339.
    pub time_created: String,
    /// When the endpoint took it (RFC 3339).
    pub time_delivered: Option<String>,
    /// The JSON body sent.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub body: serde_json::Value,
}

/// A webhook's deliveries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryList {
    /// Deliveries, newest first.
    pub deliveries: Vec<DeliveryView>,
}

/// Body of `PUT /api/v1/autoscalers/{queue}`: how a job queue's autoscaler grows and shrinks the
/// farm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AutoscalerSettings {
    /// The provider, by the name the master was started with (`--autoscale-provider NAME=COMMAND`).
    pub provider: String,
    /// Nodes kept even when idle.
    #[serde(default)]
    pub min_nodes: i32,
    /// Most nodes at once.
    pub max_nodes: i32,
    /// Waiting tasks per node wanted (default 1): 30 waiting tasks at 10 per node ask for 3.
    #[serde(default = "one_i32")]
    pub tasks_per_node: i32,
    /// Start nodes when tasks have waited this long (seconds), even if some agent could take
    /// them; tasks that no online agent can take start nodes at once.
    #[serde(default = "default_scale_up_after")]
    pub scale_up_after_secs: i32,
    /// Drain and stop a node that ran nothing for this long (seconds) while nothing waits.
    #[serde(default = "default_idle")]
    pub idle_secs: i32,
    /// Tags the started nodes' agents carry (and the provider is told of).
    #[serde(default)]
    pub tags: Vec<String>,
    /// CPUs per node, passed to the provider (0: its default).
    #[serde(default)]
    pub cpus: i32,
    /// RAM per node in MB, passed to the provider (0: its default).
    #[serde(default)]
    pub ram_mb: i64,
    /// Whether it acts; a disabled autoscaler keeps its nodes as they are.
    #[serde(default = "yes")]
    pub enabled: bool,
}

const fn one_i32() -> i32 {
    1
}

const fn default_scale_up_after() -> i32 {
    60
}

const fn default_idle() -> i32 {
    600
}

const fn yes() -> bool {
    true
}

/// A node an autoscaler started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScaledNodeView {
    /// The node's name, as its provider printed it.
    pub name: String,
    /// The agent it joined as.
    pub agent_id: String,
    /// `starting` (not online yet), `running`, `draining`, `stopped` or `gone` (its provider no
    /// longer lists it).
    pub state: String,
    /// When it was started (RFC 3339).
    pub time_started: String,
    /// When it last ran a task (RFC 3339; its start until then).
    pub last_busy_at: String,
}

/// A job queue's autoscaler with the nodes it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AutoscalerView {
    /// The job queue.
    pub queue: String,
    /// Its settings.
    #[serde(flatten)]
    pub settings: AutoscalerSettings,
    /// Nodes started and not stopped yet.
    pub nodes: Vec<ScaledNodeView>,
}

/// Answer of `GET /api/v1/autoscalers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AutoscalerList {
    /// Every autoscaler.
    pub autoscalers: Vec<AutoscalerView>,
    /// The providers the master was started with.
    pub providers: Vec<String>,
}

/// One scaling decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScalingEventView {
    /// Id.
    pub id: i64,
    /// When (RFC 3339).
    pub time: String,
    /// The job queue.
    pub queue: Option<String>,
    /// `start`, `drain`, `resume`, `stop`, `gone` or `error`.
    pub action: String,
    /// The nodes concerned.
    pub nodes: Vec<String>,
    /// Why.
    pub reason: String,
}

/// Answer of `GET /api/v1/scaling-events`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScalingEventList {
    /// The latest events, newest first.
    pub events: Vec<ScalingEventView>,
}

/// A message the master could not process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadLetterView {
    /// Id.
    pub id: i64,
    /// When it was dead-lettered (RFC 3339).
    pub time: String,
    /// The queue it came from.
    pub source: String,
    /// Why it could not be processed.
    pub reason: String,
    /// Its AMQP `type`, when set.
    pub kind: Option<String>,
    /// Its body (truncated), as text.
    pub payload: String,
    /// The broker user that published it.
    pub user: Option<String>,
    /// Whether its whole body was kept, so it can be replayed.
    pub replayable: bool,
    /// When it was last replayed (RFC 3339).
    pub replayed_at: Option<String>,
}

/// Answer of `GET /api/v1/dead-letters`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadLetterList {
    /// How many messages are kept as dead letters.
    pub count: u64,
    /// The latest 100, newest first.
    pub dead_letters: Vec<DeadLetterView>,
}
