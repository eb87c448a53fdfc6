//! Tasks: reading them, and the transitions of a task's state that are not a control action.
//! Every transition moves the job's counters with it, through the [`CountDeltas`] it is given.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use warren_shared::TaskState;

use super::counters::CountDeltas;
use super::{Result, StoreError};
use crate::db::{Update, backend_of, now_us, on_conflict_do_nothing, update_returning};
use crate::entities::{job, task};

/// Which running attempts a worker lost.
#[derive(Debug, Clone, Copy)]
pub struct Lost<'a> {
    /// The agent that was running them (`None`: the attempt's agent is unknown or gone).
    pub agent_id: Option<&'a str>,
    /// Only this task (`None`: every task the agent runs).
    pub task_id: Option<i64>,
}

impl<'a> Lost<'a> {
    /// Every task `agent_id` runs.
    #[must_use]
    pub fn agent(agent_id: &'a str) -> Self {
        Self {
            agent_id: Some(agent_id),
            task_id: None,
        }
    }

    /// One task, run by `agent_id` if known.
    #[must_use]
    pub fn task(agent_id: Option<&'a str>, task_id: i64) -> Self {
        Self {
            agent_id,
            task_id: Some(task_id),
        }
    }

    /// The `WHERE` condition and its values.
    fn condition(self) -> (String, Vec<sea_orm::Value>) {
        let mut text = String::from("state = 'running'");
        let mut values = Vec::new();
        if let Some(agent_id) = self.agent_id {
            text.push_str(" AND agent_id = ?");
            values.push(agent_id.into());
        }
        if let Some(task_id) = self.task_id {
            text.push_str(" AND id = ?");
            values.push(task_id.into());
        }
        (text, values)
    }
}

/// Queue again, as new attempts, running tasks whose worker is lost: each attempt is recorded
/// as lost in the attempt history with `reason`, and the task goes back to `queued`. Returns the
/// jobs of the tasks moved (one entry per task).
pub async fn requeue_lost(
    connection: &(impl ConnectionTrait + TransactionTrait),
    lost: Lost<'_>,
    reason: &str,
    deltas: &mut CountDeltas,
) -> Result<Vec<i64>, DbErr> {
    let backend = backend_of(connection);
    let (rows, rows_values) = lost.condition();
    if lost.agent_id.is_some() {
        let mut values: Vec<sea_orm::Value> = vec![reason.into(), now_us().into()];
        values.extend(rows_values.iter().cloned());
        let text = format!(
            "INSERT INTO task_attempts (task_id, attempt, agent_id, state, error, time_started, time_finished) \
             SELECT id, attempts, agent_id, 'lost', ?, time_started, ? FROM tasks WHERE {rows}{}",
            on_conflict_do_nothing(backend, "task_id, attempt")
        );
        connection
            .execute_raw(crate::db::sql(backend, &text, values))
            .await?;
    }
    let moved = update_returning::<i64, _>(
        connection,
        Update {
            table: "tasks",
            set: "state = 'queued', agent_id = NULL, progress = 0, last_error = ?",
            set_values: vec![reason.into()],
            rows: &rows,
            rows_values,
            returning: "job_id",
        },
    )
    .await?;
    let mut jobs = Vec::with_capacity(moved.len());
    for row in &moved {
        let job_id: i64 = row.try_get("", "job_id")?;
        deltas.moved(job_id, TaskState::Running, TaskState::Queued);
        jobs.push(job_id);
    }
    Ok(jobs)
}

/// Filters for listing a job's tasks.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    /// Only tasks in these states.
    pub states: Vec<TaskState>,
    /// Only tasks with an index above this (paging in index order).
    pub after_idx: Option<i64>,
    /// Page size.
    pub limit: u64,
}

/// A job's tasks in index order.
pub async fn list(
    connection: &DatabaseConnection,
    job_id: i64,
    filter: &TaskFilter,
) -> Result<Vec<task::Model>> {
    if job::Entity::find_by_id(job_id)
        .one(connection)
        .await?
        .is_none()
    {
        return Err(StoreError::NotFound(format!("job {job_id} not found")));
    }
    let mut query = task::Entity::find()
        .filter(task::Column::JobId.eq(job_id))
        .order_by_asc(task::Column::Idx)
        .limit(filter.limit);
    if !filter.states.is_empty() {
        query = query
            .filter(task::Column::State.is_in(filter.states.iter().map(|state| state.as_str())));
    }
    if let Some(after_idx) = filter.after_idx {
        query = query.filter(task::Column::Idx.gt(after_idx));
    }
    Ok(query.all(connection).await?)
}

/// One task of one job.
pub async fn get(
    connection: &DatabaseConnection,
    job_id: i64,
    task_id: i64,
) -> Result<task::Model> {
    get_in(connection, job_id, task_id).await
}

/// One task of one job, inside a transaction or on a connection.
pub async fn get_in(
    connection: &impl sea_orm::ConnectionTrait,
    job_id: i64,
    task_id: i64,
) -> Result<task::Model> {
    task::Entity::find_by_id(task_id)
        .filter(task::Column::JobId.eq(job_id))
        .one(connection)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("task {task_id} of job {job_id} not found")))
}

/// A task claimed for dispatch, with the attempt it was given.
#[derive(Debug, Clone, Copy, FromQueryResult)]
pub struct ClaimedTask {
    /// The task.
    pub id: i64,
    /// Its job.
    pub job_id: i64,
    /// Its index in the job.
    pub idx: i64,
    /// The first frame it renders.
    pub frame_first: i64,
    /// The last frame it renders.
    pub frame_last: i64,
    /// The attempt this dispatch is (1 for the first).
    pub attempts: i32,
    /// Its tile, for a tiled job.
    pub tile: Option<i32>,
    /// How many of its attempts failed before.
    pub failures: i32,
}

/// Which tasks a claim takes: a job's first queued tasks (values: the job id, now, the parent
/// job's id when frame-gated, and the count). The outer `state` test re-checks each row under
/// concurrent writers; on SQLite it is written `+state` so the planner looks the few ids up by
/// primary key instead of walking the state index over every queued task. MariaDB takes no
/// `LIMIT` in an `IN` subquery: there the rows are chosen directly (and locked).
fn claim_rows(backend: sea_orm::DbBackend, frame_gated: bool) -> String {
    // A frame-gated job's task waits until the parent's tasks holding its frames are done.
    let gate = |task: &str| {
        if frame_gated {
            format!(
                " AND NOT EXISTS (SELECT 1 FROM tasks p WHERE p.job_id = ? AND p.frame_first <= {task}.frame_last \
                 AND p.frame_last >= {task}.frame_first AND p.state <> 'done')"
            )
        } else {
            String::new()
        }
    };
    match backend {
        sea_orm::DbBackend::MySql => format!(
            "job_id = ? AND state = 'queued' AND (not_before IS NULL OR not_before <= ?){} ORDER BY idx LIMIT ?",
            gate("tasks")
        ),
        backend => {
            let state_test = if backend == sea_orm::DbBackend::Sqlite {
                "+state"
            } else {
                "state"
            };
            format!(
                "{state_test} = 'queued' AND id IN (SELECT c.id FROM tasks c WHERE c.job_id = ? AND c.state = 'queued' \
                 AND (c.not_before IS NULL OR c.not_before <= ?){} ORDER BY c.idx LIMIT ?)",
                gate("c")
            )
        }
    }
}

/// What a claim sets (value: the time of dispatch).
const CLAIM_SET: &str = "state = 'dispatched', attempts = attempts + 1, published = false, agent_id = NULL, \
     progress = 0, time_dispatched = ?, not_before = NULL";

/// The columns a claimed task is read from.
const CLAIMED_COLUMNS: &str = "id, job_id, idx, frame_first, frame_last, attempts, tile, failures";

/// Move up to `count` of a job's first queued tasks to `dispatched` as new attempts (`now`, µs,
/// is the time of dispatch; `frame_parent`, the job whose frames gate this one's).
pub async fn claim(
    connection: &(impl ConnectionTrait + TransactionTrait),
    job_id: i64,
    frame_parent: Option<i64>,
    count: i64,
    now: i64,
    deltas: &mut CountDeltas,
) -> Result<Vec<ClaimedTask>, DbErr> {
    let mut rows_values: Vec<sea_orm::Value> = vec![job_id.into(), now.into()];
    if let Some(parent) = frame_parent {
        rows_values.push(parent.into());
    }
    rows_values.push(count.into());
    let rows = update_returning::<i64, _>(
        connection,
        Update {
            table: "tasks",
            set: CLAIM_SET,
            set_values: vec![now.into()],
            rows: &claim_rows(backend_of(connection), frame_parent.is_some()),
            rows_values,
            returning: CLAIMED_COLUMNS,
        },
    )
    .await?;
    let mut claimed = Vec::with_capacity(rows.len());
    for row in &rows {
        let task = ClaimedTask::from_query_result(row, "")?;
        deltas.moved(task.job_id, TaskState::Queued, TaskState::Dispatched);
        claimed.push(task);
    }
    Ok(claimed)
}

/// Dispatched tasks whose publication the broker never confirmed, in job and index order.
pub async fn unconfirmed(connection: &impl ConnectionTrait) -> Result<Vec<ClaimedTask>, DbErr> {
    ClaimedTask::find_by_statement(crate::db::sql(
        backend_of(connection),
        &format!(
            "SELECT {CLAIMED_COLUMNS} FROM tasks WHERE state = 'dispatched' AND published = false ORDER BY job_id, idx"
        ),
        Vec::new(),
    ))
    .all(connection)
    .await
}

/// Record that the broker confirmed the publication of these dispatched tasks.
pub async fn mark_published(
    connection: &impl ConnectionTrait,
    task_ids: &[i64],
) -> Result<(), DbErr> {
    if task_ids.is_empty() {
        return Ok(());
    }
    let backend = backend_of(connection);
    connection
        .execute_raw(crate::db::sql(
            backend,
            &format!(
                "UPDATE tasks SET published = true WHERE id IN ({})",
                crate::db::placeholders(backend, 1, task_ids.len())
            ),
            task_ids.iter().map(|id| (*id).into()).collect(),
        ))
        .await?;
    Ok(())
}
