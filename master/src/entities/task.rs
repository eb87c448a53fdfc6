//! The `tasks` table.

use sea_orm::entity::prelude::*;

/// One row of `tasks`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    /// Task id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Its job.
    pub job_id: i64,
    /// Position within the job, from 0.
    pub idx: i64,
    /// First frame.
    pub frame_first: i64,
    /// Last frame.
    pub frame_last: i64,
    /// Task state.
    pub state: String,
    /// Attempts dispatched so far; the current attempt number.
    pub attempts: i32,
    /// Failed attempts so far.
    pub failures: i32,
    /// Dispatches given back unstarted by agents that must avoid the task (counted in
    /// `attempts`).
    pub declines: i32,
    /// Agent holding the current attempt.
    pub agent_id: Option<String>,
    /// Progress of the current attempt, 0 to 1.
    pub progress: f64,
    /// Error of the last failed attempt.
    pub last_error: Option<String>,
    /// Exit code of the last finished attempt.
    pub exit_code: Option<i32>,
    /// Whether the current attempt's publication was confirmed by the broker.
    pub published: bool,
    /// When the current attempt was dispatched, microseconds since the epoch.
    pub time_dispatched: Option<i64>,
    /// When the current attempt started.
    pub time_started: Option<i64>,
    /// When the task last finished.
    pub time_finished: Option<i64>,
    /// Not dispatched again before this time (after an agent declined it).
    pub not_before: Option<i64>,
    /// Tile index, for tiled jobs.
    pub tile: Option<i32>,
    /// Whether an attempt passed the job's `ram_warning`.
    pub ram_warned: bool,
    /// Peak RSS of the last finished attempt, MB.
    pub peak_rss_mb: Option<i64>,
    /// The last frame done in a row by the current or an earlier attempt (a failed batch
    /// resumes after it).
    pub done_through: Option<i64>,
    /// The agent a dispatched task may run on only: a host that already holds one of its
    /// per-host limits.
    pub pinned_agent: Option<String>,
}

/// No relations are navigated through the ORM; joins are written as queries.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
