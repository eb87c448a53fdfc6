//! Job control: pause, resume, cancel, rerun and delete, as task-state transitions that keep each
//! job's counters in step. Running attempts that must stop are returned so the caller can tell
//! their workers.

use sea_orm::{ConnectionTrait, DatabaseTransaction};
use warren_shared::{AttemptRef, TaskId, TaskState};

use super::counters::CountDeltas;
use super::{Result, StoreError};
use crate::db::{Update, sql, update_returning};

/// A running attempt that a transition took away from its worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoppedAttempt {
    /// The attempt.
    pub attempt: AttemptRef,
    /// The worker running it.
    pub agent_id: String,
}

impl StoppedAttempt {
    /// The attempt in a row of `id, attempts, agent_id`; `None` when no agent holds it.
    fn from_row(row: &sea_orm::QueryResult) -> Result<Option<Self>> {
        #[derive(sea_orm::FromQueryResult)]
        struct Held {
            id: i64,
            attempts: i32,
            agent_id: Option<String>,
        }
        let row = <Held as sea_orm::FromQueryResult>::from_query_result(row, "")?;
        Ok(row.agent_id.map(|agent_id| Self {
            attempt: AttemptRef {
                task_id: TaskId(row.id),
                attempt: row.attempts.max(0) as u32,
            },
            agent_id,
        }))
    }
}

/// What to do with a job's tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Queued and published tasks wait; running ones finish.
    Pause,
    /// Paused tasks wait to be dispatched again.
    Resume,
    /// Everything not finished is cancelled; running attempts are stopped.
    Cancel,
    /// Every task runs again from scratch; running attempts are stopped.
    Rerun,
    /// Failed and cancelled tasks run again.
    RerunFailed,
}

impl Action {
    /// The states the action moves tasks out of, and the state it moves them to.
    #[must_use]
    pub const fn transition(self) -> (&'static [TaskState], TaskState) {
        match self {
            Self::Pause => (
                &[TaskState::Queued, TaskState::Dispatched],
                TaskState::Paused,
            ),
            Self::Resume => (&[TaskState::Paused], TaskState::Queued),
            Self::Cancel => (
                &[
                    TaskState::Queued,
                    TaskState::Dispatched,
                    TaskState::Paused,
                    TaskState::Running,
                ],
                TaskState::Cancelled,
            ),
            Self::Rerun => (
                &[
                    TaskState::Queued,
                    TaskState::Dispatched,
                    TaskState::Paused,
                    TaskState::Running,
                    TaskState::Done,
                    TaskState::Failed,
                    TaskState::Cancelled,
                ],
                TaskState::Queued,
            ),
            Self::RerunFailed => (
                &[TaskState::Failed, TaskState::Cancelled],
                TaskState::Queued,
            ),
        }
    }
}

/// Apply `action` to a job's tasks (or to one task when `task_id` is given). Returns the running
/// attempts that were stopped.
pub async fn apply(
    transaction: &DatabaseTransaction,
    job_id: i64,
    task_id: Option<i64>,
    action: Action,
) -> Result<Vec<StoppedAttempt>> {
    let backend = transaction.get_database_backend();
    let (from_states, to_state) = action.transition();
    let mut deltas = CountDeltas::default();
    let mut stopped = Vec::new();
    let resets = matches!(action, Action::Rerun | Action::RerunFailed);
    for from_state in from_states {
        if *from_state == to_state {
            continue;
        }
        let set = if resets {
            "state = ?, failures = 0, progress = 0, exit_code = NULL, time_finished = NULL"
        } else {
            "state = ?"
        };
        let mut rows = String::from("job_id = ? AND state = ?");
        let mut rows_values = vec![job_id.into(), from_state.as_str().into()];
        if let Some(task_id) = task_id {
            rows.push_str(" AND id = ?");
            rows_values.push(task_id.into());
        }
        let rows = update_returning::<i64, _>(
            transaction,
            Update {
                table: "tasks",
                set,
                set_values: vec![to_state.as_str().into()],
                rows: &rows,
                rows_values,
                returning: "id, attempts, agent_id",
            },
        )
        .await?;
        if *from_state == TaskState::Running {
            for row in &rows {
                stopped.extend(StoppedAttempt::from_row(row)?);
            }
        }
        deltas.moved_many(job_id, *from_state, to_state, rows.len() as i64);
    }
    if resets {
        transaction
            .execute_raw(sql(
                backend,
                "UPDATE jobs SET time_finished = NULL WHERE id = ?",
                vec![job_id.into()],
            ))
            .await?;
    }
    deltas.apply(transaction).await?;
    Ok(stopped)
}

/// Delete a job and everything of it; returns its running attempts so they can be stopped.
pub async fn delete(transaction: &DatabaseTransaction, job_id: i64) -> Result<Vec<StoppedAttempt>> {
    let backend = transaction.get_database_backend();
    let rows = transaction
        .query_all_raw(sql(
            backend,
            "SELECT id, attempts, agent_id FROM tasks WHERE job_id = ? AND state = 'running'",
            vec![job_id.into()],
        ))
        .await?;
    let mut stopped = Vec::new();
    for row in &rows {
        stopped.extend(StoppedAttempt::from_row(row)?);
    }
    // Tables without foreign keys to jobs. A deleted parent no longer holds its children back.
    for statement in [
        "DELETE FROM task_attempts WHERE task_id IN (SELECT id FROM tasks WHERE job_id = ?)",
        "DELETE FROM task_failed_agents WHERE task_id IN (SELECT id FROM tasks WHERE job_id = ?)",
        "DELETE FROM job_agent_failures WHERE job_id = ?",
        "DELETE FROM job_limits WHERE job_id = ?",
        "DELETE FROM job_parents WHERE job_id = ?",
        "DELETE FROM job_parents WHERE parent_id = ?",
        "UPDATE jobs SET frame_parent_id = NULL WHERE frame_parent_id = ?",
    ] {
        transaction
            .execute_raw(sql(backend, statement, vec![job_id.into()]))
            .await?;
    }
    let deleted = transaction
        .execute_raw(sql(
            backend,
            "DELETE FROM jobs WHERE id = ?",
            vec![job_id.into()],
        ))
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("job {job_id} not found")));
    }
    Ok(stopped)
}

/// Take back a job's published tasks (`dispatched`, not started): they go back to `queued`, which
/// fences their attempts, and are published again under the job's current requirements. The
/// dispatch does not count as an attempt that reached an agent. Returns how many were taken.
pub async fn withdraw_published(
    connection: &(impl ConnectionTrait + sea_orm::TransactionTrait),
    job_id: i64,
    deltas: &mut CountDeltas,
) -> Result<u64> {
    let rows = update_returning::<i64, _>(
        connection,
        Update {
            table: "tasks",
            set: "state = 'queued', declines = declines + 1",
            set_values: Vec::new(),
            rows: "job_id = ? AND state = 'dispatched'",
            rows_values: vec![job_id.into()],
            returning: "id",
        },
    )
    .await?;
    deltas.moved_many(
        job_id,
        TaskState::Dispatched,
        TaskState::Queued,
        rows.len() as i64,
    );
    Ok(rows.len() as u64)
}

/// Stop a job's running attempts to run them again (not counted as failures): the tasks go
/// back to `queued`. Returns the stopped attempts so their workers can be told.
pub async fn restart_running(
    connection: &(impl ConnectionTrait + sea_orm::TransactionTrait),
    job_id: i64,
    deltas: &mut CountDeltas,
) -> Result<Vec<StoppedAttempt>> {
    let rows = update_returning::<i64, _>(
        connection,
        Update {
            table: "tasks",
            set: "state = 'queued', progress = 0",
            set_values: Vec::new(),
            rows: "job_id = ? AND state = 'running'",
            rows_values: vec![job_id.into()],
            returning: "id, attempts, agent_id",
        },
    )
    .await?;
    let mut stopped = Vec::new();
    for row in &rows {
        stopped.extend(StoppedAttempt::from_row(row)?);
    }
    deltas.moved_many(
        job_id,
        TaskState::Running,
        TaskState::Queued,
        rows.len() as i64,
    );
    Ok(stopped)
}
