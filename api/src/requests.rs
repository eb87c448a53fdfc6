//! Request bodies: the master parses them, the `warren` client builds them. Values with a range
//! are [`crate::domain`] types, so a body holding one out of range is refused while it is
//! parsed. Fields left `None` are left out when a body is written, so a PATCH changes only what
//! it names; `Some(None)` writes `null` (clears the value).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::{
    AgentCount, DEFAULT_WEIGHT, LimitName, Priority, RetentionDays, Title, Weight,
};

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`), for PATCH
/// bodies: `#[serde(default, deserialize_with = "explicit")]`.
///
/// # Errors
/// When the value is neither `null` nor a `T`.
pub fn explicit<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    <Option<T> as Deserialize>::deserialize(deserializer).map(Some)
}

const fn default_weight() -> Weight {
    DEFAULT_WEIGHT
}

const fn yes() -> bool {
    true
}

const fn one() -> i32 {
    1
}

const fn is_false(value: &bool) -> bool {
    !*value
}

/// A tag requirement: `"gpu"`, `"!windows"` or `{"tag": "windows", "negate": true}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum TagRequirementInput {
    /// Compact form; a leading `!` negates.
    Name(String),
    /// Object form.
    Object {
        /// The tag.
        tag: String,
        /// Whether the worker must not have it.
        #[serde(default)]
        negate: bool,
    },
}

/// A software requirement: `"blender>=3.4"` or `{"software": "blender", "min_version": "3.4"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum SoftwareRequirementInput {
    /// Compact form.
    Compact(String),
    /// Object form.
    Object {
        /// Software name.
        software: String,
        /// Lowest acceptable version.
        #[serde(default)]
        min_version: Option<String>,
        /// Highest acceptable version.
        #[serde(default)]
        max_version: Option<String>,
    },
}

/// The body of `PATCH /api/v1/jobs/{id}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct JobPatch {
    /// New title, 1 to 512 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, min_length = 1, max_length = 512, pattern = "\\S"))]
    pub title: Option<Title>,
    /// -1000 to 1000.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = -1000, maximum = 1000))]
    pub priority: Option<Priority>,
    /// At least 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 1))]
    pub weight: Option<Weight>,
    /// Free-form notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Left out of job lists unless asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    /// Move to this job queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// Task slots kept for the job.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 0))]
    pub minimum_agents: Option<AgentCount>,
    /// Most task slots it may use.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 0))]
    pub maximum_agents: Option<AgentCount>,
    /// New first frame (only while no task has run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    /// New last frame (only while no task has run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<i64>,
    /// New step (only while no task has run).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub by: Option<i64>,
    /// New frames per task (only while no task has run).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub batch: Option<i64>,
    /// New parent jobs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parents: Option<Vec<i64>>,
    /// Delete the job this many seconds after it ends.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub autodelete_time: Option<i64>,
    /// Keep its logs this many days after it ends (`null`: its queue's, else the farm's).
    #[serde(
        default,
        deserialize_with = "explicit",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 0, maximum = 36500))]
    pub log_retention_days: Option<Option<RetentionDays>>,
    /// New job type data (a JSON object).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
    /// CPUs each task needs (-1: the whole host).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = -1))]
    pub cpus: Option<i64>,
    /// RAM each task needs, MB (-1: the whole host).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = -1))]
    pub ram: Option<i64>,
    /// GPUs each task needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 64))]
    pub gpus: Option<i64>,
    /// Memory each of those GPUs must have, MB (0: any).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub gpu_ram: Option<i64>,
    /// Tags an agent must have (`"gpu"`) or must not have (`"!windows"`); replaces the old ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_requirements: Option<Vec<TagRequirementInput>>,
    /// Software with optional version bounds; replaces the old ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_requirements: Option<Vec<SoftwareRequirementInput>>,
    /// Tags shown on the job (not requirements).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Limits (licences) each task holds while it runs; replaces the old ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub limits: Option<Vec<LimitName>>,
    /// Kill a task running longer than this, seconds; `null` removes the timeout.
    #[serde(
        default,
        deserialize_with = "explicit",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 1, nullable))]
    pub timeout: Option<Option<i64>>,
    /// Kill a task whose memory passes this, MB; `null` removes it.
    #[serde(
        default,
        deserialize_with = "explicit",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 1, nullable))]
    pub ram_max: Option<Option<i64>>,
    /// Warn when a task's memory passes this, MB; `null` removes it.
    #[serde(
        default,
        deserialize_with = "explicit",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 1, nullable))]
    pub ram_warning: Option<Option<i64>>,
    /// Retries of a failed task: a count, 0 never, -1 forever.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = -1))]
    pub requeue: Option<i32>,
    /// Extra environment variables; replaces the old ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environ: Option<BTreeMap<String, String>>,
    /// Pin this version of the job's job type.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub jobtype_version: Option<i32>,
    /// Stop the job's running tasks and run them again with the change (not counted as a
    /// failure); without it they finish with what they started with.
    #[serde(default, skip_serializing_if = "is_false")]
    pub restart_running: bool,
    /// Run failed batches again from their first frame (`true`) or from the frame that
    /// failed (`false`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rerun_whole_batch: Option<bool>,
}

/// What someone does to single tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskAction {
    /// Stop the running attempt and record the task failed.
    Kill,
    /// Mark the task done without running it (a running attempt is stopped).
    Skip,
    /// Mark the task failed (a running attempt is stopped).
    Fail,
    /// Run the task again now (a running attempt is stopped; it is no failure).
    Retry,
}

impl TaskAction {
    /// Every action.
    pub const ALL: [Self; 4] = [Self::Kill, Self::Skip, Self::Fail, Self::Retry];

    /// The action a name spells, if any.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.as_str() == name)
    }

    /// The action's name, as the API spells it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Kill => "kill",
            Self::Skip => "skip",
            Self::Fail => "fail",
            Self::Retry => "retry",
        }
    }
}

/// Body of `POST /api/v1/jobs/{job_id}/tasks/actions`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskActionBody {
    /// `kill` (stop the running attempt, record the task failed), `skip` (mark it done without
    /// running it), `fail` (mark it failed) or `retry` (run it again now).
    pub action: TaskAction,
    /// The tasks, by id (1 to 10000).
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 10000))]
    pub tasks: Vec<i64>,
    /// Why, kept in each task's history (at most 1000 characters).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub note: String,
    /// With `retry`: an agent the tasks must not run on again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = Uuid))]
    pub avoid_agent: Option<String>,
}

/// The body of `PATCH /api/v1/agents/{id}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AgentPatch {
    /// Tags that replace the worker's own; `null` returns to the worker's own.
    #[serde(
        default,
        deserialize_with = "explicit",
        skip_serializing_if = "Option::is_none"
    )]
    pub tags: Option<Option<Vec<String>>>,
    /// Free-form notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// A disabled agent takes no new work and finishes what it runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

/// The body of `POST /api/v1/agents/enroll`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnrollBody {
    /// A name shown for the agent until its node says hello (then its host name is shown).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 255))]
    pub name: Option<String>,
    /// The agent's tags, as `PATCH /api/v1/agents/{id}` sets them; the node's own when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Seconds the join token works: 60 to 2,592,000 (30 days); a day when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 60, maximum = 2_592_000))]
    pub expires_in_secs: Option<u64>,
    /// Leave the broker's address out of the token: the node finds the farm by broadcast (the
    /// master must answer with `--discovery-listen`).
    #[serde(default)]
    pub discover: bool,
}

/// Body of `POST /api/v1/agents/restart`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RestartBody {
    /// The agents to restart (or `all`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub agents: Vec<String>,
    /// Restart every online agent.
    #[serde(default)]
    pub all: bool,
    /// Most agents draining or restarting at once (default 1).
    #[serde(default = "one")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10000))]
    pub max_at_once: i32,
    /// Hand running tasks back at once instead of letting them finish.
    #[serde(default)]
    pub now: bool,
}

/// Body of `POST /api/v1/tags`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTag {
    /// Tag name.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{1,48}$"))]
    pub name: String,
}

/// The body of `POST /api/v1/jobqueues`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewQueue {
    /// Queue name.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{1,48}$"))]
    pub name: String,
    /// Parent queue (default `root`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Shares go to higher priorities first.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = i32, minimum = -1000, maximum = 1000))]
    pub priority: Priority,
    /// Share among siblings of the same priority (default 10).
    #[serde(default = "default_weight")]
    #[cfg_attr(feature = "openapi", schema(value_type = i32, minimum = 1))]
    pub weight: Weight,
    /// Task slots kept for this queue while it has work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 0))]
    pub minimum_agents: Option<AgentCount>,
    /// Most task slots it may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 0))]
    pub maximum_agents: Option<AgentCount>,
    /// Days its jobs' logs are kept after they end (default: the parent's, else the farm's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 0))]
    pub log_retention_days: Option<RetentionDays>,
}

/// The body of `PATCH /api/v1/jobqueues/{queue}`; `null` clears a minimum or maximum.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QueuePatch {
    /// New parent queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// New priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = -1000, maximum = 1000))]
    pub priority: Option<Priority>,
    /// New weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 1))]
    pub weight: Option<Weight>,
    /// New minimum (`null` for none).
    #[serde(
        default,
        deserialize_with = "explicit",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 0))]
    pub minimum_agents: Option<Option<AgentCount>>,
    /// New maximum (`null` for none).
    #[serde(
        default,
        deserialize_with = "explicit",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 0))]
    pub maximum_agents: Option<Option<AgentCount>>,
    /// New log retention in days (`null`: the parent's, else the farm's).
    #[serde(
        default,
        deserialize_with = "explicit",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 0))]
    pub log_retention_days: Option<Option<RetentionDays>>,
}

/// The body of `POST /api/v1/jobgroups`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    /// Group title.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 255, pattern = "\\S")
    )]
    pub title: String,
    /// Owner (default: the caller).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// The body of `POST /api/v1/webhooks`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// Where to POST: an `http://` or `https://` URL.
    pub url: String,
    /// The events to send: `job.done`, `job.failed`, `job.paused`, `task.failed`,
    /// `agent.offline`.
    pub events: Vec<String>,
    /// Only job and task events of this job queue (name or id); agent events are not filtered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// The HMAC-SHA256 key (at least 16 bytes); one is made when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Whether it gets deliveries (default true).
    #[serde(default = "yes")]
    pub active: bool,
}

/// A path map as the API takes it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PathMapBody {
    /// The root on Linux, e.g. `/mnt/projects`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_linux: Option<String>,
    /// The root on Windows, e.g. `P:\projects` or `\\server\projects`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_windows: Option<String>,
    /// The root on macOS, e.g. `/Volumes/projects`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_macos: Option<String>,
    /// Only agents with this tag use the map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{1,48}$"))]
    pub tag: Option<String>,
}

/// Body of `POST /api/v1/users`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// 1-64 letters, digits, `.`, `_`, `-` or `@`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9._@-]{1,64}$"))]
    pub username: String,
    /// viewer, submitter, operator or admin.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(viewer|submitter|operator|admin)$")
    )]
    pub role: String,
    /// At least 8 characters; without one the user signs in with tokens only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 8))]
    pub password: Option<String>,
    /// Address for job emails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Body of `PATCH /api/v1/users/{username}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// New role (admins only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(viewer|submitter|operator|admin)$")
    )]
    pub role: Option<String>,
    /// New password, at least 8 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 8))]
    pub password: Option<String>,
    #[serde(
        default,
        deserialize_with = "explicit",
        skip_serializing_if = "Option::is_none"
    )]
    pub email: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

/// Body of `POST /api/v1/users/{username}/tokens`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for, 1 to 255 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 255))]
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_writes_only_what_it_names_and_null_for_what_it_clears() {
        let patch = JobPatch {
            priority: Some(Priority::try_from(50).expect("in range")),
            timeout: Some(None),
            ..JobPatch::default()
        };
        let written = serde_json::to_value(&patch).expect("serializes");
        assert_eq!(
            written,
            serde_json::json!({"priority": 50, "timeout": null})
        );
        let read: JobPatch = serde_json::from_value(written).expect("reads back");
        assert_eq!(read.timeout, Some(None));
        assert_eq!(read.ram_max, None);
        assert!(serde_json::from_value::<JobPatch>(serde_json::json!({"priority": 5000})).is_err());
        assert!(serde_json::from_value::<JobPatch>(serde_json::json!({"colour": 1})).is_err());
    }
}
