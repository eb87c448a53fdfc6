//! The `jobs` table.

use sea_orm::entity::prelude::*;

/// One row of `jobs`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    /// Job id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Title.
    pub title: String,
    /// Job queue.
    pub queue_id: i64,
    /// Job type version.
    pub job_type_version_id: i64,
    /// Requirement class.
    pub class_id: i64,
    /// Job state, derived from the counters below.
    pub state: String,
    /// Priority, -1000 to 1000.
    pub priority: i32,
    /// Share among jobs of equal priority.
    pub weight: i32,
    /// Agents to reserve.
    pub minimum_agents: Option<i32>,
    /// Agents never to exceed.
    pub maximum_agents: Option<i32>,
    /// Retries per task: 0 never, -1 forever.
    pub requeue: i32,
    /// First frame.
    pub frame_start: i64,
    /// Last frame bound.
    pub frame_end: i64,
    /// Frame step.
    pub frame_by: i64,
    /// Frames per task.
    pub batch: i64,
    /// Job type data, JSON.
    pub data: String,
    /// Extra environment, JSON object.
    pub environ: String,
    /// Scheduling requirements, JSON.
    pub requirements: String,
    /// CPUs per task as submitted.
    pub cpus: i32,
    /// RAM per task as submitted, MB.
    pub ram: i64,
    /// RAM above which to warn, MB.
    pub ram_warning: Option<i64>,
    /// RAM above which to kill, MB.
    pub ram_max: Option<i64>,
    /// Per-task timeout, seconds.
    pub timeout_secs: Option<i64>,
    /// Submitting user.
    pub user: Option<String>,
    /// Free-form notes.
    pub notes: String,
    /// Users to notify, JSON array.
    pub notified_users: String,
    /// Delete the job this many seconds after it ends.
    pub autodelete_secs: Option<i64>,
    /// Hidden from default listings.
    pub hidden: bool,
    /// Submission time, microseconds since the epoch.
    pub time_submitted: i64,
    /// First task start.
    pub time_started: Option<i64>,
    /// When the job reached a final state.
    pub time_finished: Option<i64>,
    /// Number of tasks.
    pub n_tasks: i64,
    /// Tasks queued.
    pub n_queued: i64,
    /// Tasks dispatched.
    pub n_dispatched: i64,
    /// Tasks running.
    pub n_running: i64,
    /// Tasks done.
    pub n_done: i64,
    /// Tasks failed.
    pub n_failed: i64,
    /// Tasks paused.
    pub n_paused: i64,
    /// Tasks cancelled.
    pub n_cancelled: i64,
    /// Job whose frames gate this job's frames (frame-on-frame dependency).
    pub frame_parent_id: Option<i64>,
    /// Tiles per frame batch; `None` for untiled jobs.
    pub num_tiles: Option<i32>,
    /// Group the task runs as when the worker runs as root.
    pub run_group: Option<String>,
    /// Job group.
    pub group_id: Option<i64>,
    /// The end state users were last notified of.
    pub notified_state: Option<String>,
    /// When its requirements last changed: tasks published before then are withdrawn.
    pub requirements_changed_at: Option<i64>,
    /// Run a failed batch again from its first frame instead of from the frame that failed.
    pub rerun_whole_batch: bool,
    /// Keep its logs this many days after it ends; `None`: its queue's or the farm's policy.
    pub log_retention_days: Option<i32>,
    /// When its logs were pruned by the retention policy.
    pub logs_pruned_at: Option<i64>,
}

/// No relations are navigated through the ORM; joins are written as queries.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
