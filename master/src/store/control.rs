//! Job control: pause, resume, cancel, rerun and delete, as task-state transitions that keep each
//! job's counters in step. Running attempts that must stop are returned so the caller can tell
//! their workers.

use sea_orm::{ConnectionTrait, DatabaseTransaction};
use warren_shared::{AttemptRef, TaskId, TaskState};

use super::counters::CountDeltas;
use super::tasks::AttemptEnd;
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
        // Running everything again starts batches from their first frame; running failed
        // tasks again resumes them after the frames they finished.
        let set = match action {
            Action::Rerun => {
                "state = ?, failures = 0, progress = 0, exit_code = NULL, time_finished = NULL, done_through = NULL"
            }
            Action::RerunFailed => {
                "state = ?, failures = 0, progress = 0, exit_code = NULL, time_finished = NULL"
            }
            _ => "state = ?",
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
        "DELETE FROM task_actions WHERE task_id IN (SELECT id FROM tasks WHERE job_id = ?)",
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

/// How long withdrawn attempts are remembered (and repeated to workers that connect): a copy
/// still in RabbitMQ after that is stopped as soon as it starts instead.
const WITHDRAWALS_KEPT_US: i64 = 7 * 24 * 3600 * 1_000_000;

/// Take back a job's published tasks (`dispatched`, not started): they go back to `queued`, which
/// fences their attempts, and are published again under the job's current requirements. The
/// dispatch does not count as an attempt that reached an agent. Returns the withdrawn attempts,
/// which are remembered for a week so workers can be told to drop their copies.
pub async fn withdraw_published(
    connection: &(impl ConnectionTrait + sea_orm::TransactionTrait),
    job_id: i64,
    deltas: &mut CountDeltas,
) -> Result<Vec<AttemptRef>> {
    #[derive(sea_orm::FromQueryResult)]
    struct Withdrawn {
        id: i64,
        attempts: i32,
    }
    let backend = connection.get_database_backend();
    let rows = update_returning::<i64, _>(
        connection,
        Update {
            table: "tasks",
            set: "state = 'queued', declines = declines + 1",
            set_values: Vec::new(),
            rows: "job_id = ? AND state = 'dispatched'",
            rows_values: vec![job_id.into()],
            returning: "id, attempts",
        },
    )
    .await?;
    deltas.moved_many(
        job_id,
        TaskState::Dispatched,
        TaskState::Queued,
        rows.len() as i64,
    );
    let now = crate::db::now_us();
    connection
        .execute_raw(sql(
            backend,
            "DELETE FROM withdrawn_attempts WHERE time < ?",
            vec![(now - WITHDRAWALS_KEPT_US).into()],
        ))
        .await?;
    let mut withdrawn = Vec::with_capacity(rows.len());
    for row in &rows {
        let row = <Withdrawn as sea_orm::FromQueryResult>::from_query_result(row, "")?;
        connection
            .execute_raw(sql(
                backend,
                &format!(
                    "INSERT INTO withdrawn_attempts (task_id, attempt, time) VALUES (?, ?, ?){}",
                    crate::db::on_conflict_do_nothing(backend, "task_id, attempt")
                ),
                vec![row.id.into(), row.attempts.into(), now.into()],
            ))
            .await?;
        withdrawn.push(AttemptRef {
            task_id: TaskId(row.id),
            attempt: row.attempts.max(0) as u32,
        });
    }
    Ok(withdrawn)
}

/// The attempts withdrawn in the last week (at most 100,000, newest first).
pub async fn recent_withdrawals(connection: &impl ConnectionTrait) -> Result<Vec<AttemptRef>> {
    #[derive(sea_orm::FromQueryResult)]
    struct Withdrawn {
        task_id: i64,
        attempt: i32,
    }
    Ok(<Withdrawn as sea_orm::FromQueryResult>::find_by_statement(sql(
        connection.get_database_backend(),
        "SELECT task_id, attempt FROM withdrawn_attempts WHERE time > ? ORDER BY time DESC LIMIT 100000",
        vec![(crate::db::now_us() - WITHDRAWALS_KEPT_US).into()],
    ))
    .all(connection)
    .await?
    .into_iter()
    .map(|row| AttemptRef {
        task_id: TaskId(row.task_id),
        attempt: row.attempt.max(0) as u32,
    })
    .collect())
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

pub use warren_api::requests::TaskAction;

/// The state a task in `from` moves to under `action`, or why the action does not apply to it.
fn target(action: TaskAction, from: TaskState) -> std::result::Result<TaskState, &'static str> {
    match (action, from) {
        (TaskAction::Kill, TaskState::Running) => Ok(TaskState::Failed),
        (TaskAction::Kill, _) => Err("it is not running"),
        (TaskAction::Skip, TaskState::Done) => Err("it is already done"),
        (TaskAction::Skip, _) => Ok(TaskState::Done),
        (TaskAction::Fail, TaskState::Failed) => Err("it has already failed"),
        (TaskAction::Fail, _) => Ok(TaskState::Failed),
        (TaskAction::Retry, TaskState::Queued | TaskState::Dispatched | TaskState::Paused) => {
            Err("it is already waiting to run")
        }
        (TaskAction::Retry, _) => Ok(TaskState::Queued),
    }
}

/// What a task's last error says after `action`, and what a stopped attempt is recorded as.
const fn wording(action: TaskAction) -> (&'static str, AttemptEnd) {
    match action {
        TaskAction::Kill => ("killed by", AttemptEnd::Failed),
        TaskAction::Skip => ("skipped by", AttemptEnd::Stopped),
        TaskAction::Fail => ("marked failed by", AttemptEnd::Failed),
        TaskAction::Retry => ("retried by", AttemptEnd::Stopped),
    }
}

/// Who acts on tasks, and how.
#[derive(Debug, Clone, Copy)]
pub struct TaskActionRequest<'a> {
    /// The action.
    pub action: TaskAction,
    /// Who does it (their user name), for the tasks' history.
    pub actor: &'a str,
    /// Why, for the history and the task's last error (may be empty).
    pub note: &'a str,
    /// With `retry`: an agent the task must not run on.
    pub avoid_agent: Option<&'a str>,
}

/// What an action did.
#[derive(Debug, Default)]
pub struct TaskActionOutcome {
    /// Tasks changed.
    pub changed: Vec<i64>,
    /// Tasks left alone, with why.
    pub unchanged: Vec<(i64, &'static str)>,
    /// Running attempts stopped, for their workers to be told.
    pub stopped: Vec<StoppedAttempt>,
}

/// Apply an action to some of a job's tasks; every task must belong to the job. Each change is
/// recorded in the task's history (`task_actions`) with the actor and the note.
pub async fn act_on_tasks(
    transaction: &DatabaseTransaction,
    job_id: i64,
    task_ids: &[i64],
    request: TaskActionRequest<'_>,
) -> Result<TaskActionOutcome> {
    #[derive(sea_orm::FromQueryResult)]
    struct Current {
        state: super::Named<TaskState>,
        attempts: i32,
        agent_id: Option<String>,
    }
    let backend = transaction.get_database_backend();
    let mut outcome = TaskActionOutcome::default();
    let mut deltas = CountDeltas::default();
    let (said, stopped_as) = wording(request.action);
    let error = if request.note.is_empty() {
        format!("{said} {}", request.actor)
    } else {
        format!("{said} {}: {}", request.actor, request.note)
    };
    for &task_id in task_ids {
        let current = <Current as sea_orm::FromQueryResult>::find_by_statement(sql(
            backend,
            "SELECT state, attempts, agent_id FROM tasks WHERE job_id = ? AND id = ?",
            vec![job_id.into(), task_id.into()],
        ))
        .one(transaction)
        .await?
        .ok_or_else(|| {
            StoreError::invalid(
                "tasks",
                format!("task {task_id} is not a task of job {job_id}"),
            )
        })?;
        let from = current.state.0;
        let to = match target(request.action, from) {
            Ok(to) => to,
            Err(why) => {
                outcome.unchanged.push((task_id, why));
                continue;
            }
        };
        let now = crate::db::now_us();
        if from == TaskState::Running {
            transaction
                .execute_raw(sql(
                    backend,
                    &format!(
                        "INSERT INTO task_attempts (task_id, attempt, agent_id, state, error, time_started, time_finished) \
                         SELECT id, attempts, agent_id, ?, ?, time_started, ? FROM tasks WHERE id = ?{}",
                        crate::db::on_conflict_do_nothing(backend, "task_id, attempt")
                    ),
                    vec![stopped_as.as_str().into(), error.clone().into(), now.into(), task_id.into()],
                ))
                .await?;
            if let Some(agent_id) = current.agent_id.clone() {
                outcome.stopped.push(StoppedAttempt {
                    attempt: AttemptRef {
                        task_id: TaskId(task_id),
                        attempt: current.attempts.max(0) as u32,
                    },
                    agent_id,
                });
            }
        }
        let (set, mut values): (&str, Vec<sea_orm::Value>) = match to {
            TaskState::Done => (
                "state = ?, last_error = ?, progress = 1, time_finished = ?",
                vec![to.as_str().into(), error.clone().into(), now.into()],
            ),
            TaskState::Failed => (
                "state = ?, last_error = ?, time_finished = ?",
                vec![to.as_str().into(), error.clone().into(), now.into()],
            ),
            // Avoiding an agent counts as one failure there: the dispatcher keeps tasks with
            // failures away from the agents they failed on (while another could run them).
            _ => (
                "state = ?, last_error = ?, failures = ?, progress = 0, agent_id = NULL, \
                 exit_code = NULL, time_finished = NULL",
                vec![
                    to.as_str().into(),
                    error.clone().into(),
                    i32::from(request.avoid_agent.is_some()).into(),
                ],
            ),
        };
        values.extend([task_id.into(), from.as_str().into()]);
        // A task that leaves `done` no longer has its frames done: frames waiting on them wait
        // again.
        let frames = if from == TaskState::Done && to != TaskState::Done {
            ", done_through = NULL"
        } else {
            ""
        };
        let changed = transaction
            .execute_raw(sql(
                backend,
                &format!("UPDATE tasks SET {set}{frames} WHERE id = ? AND state = ?"),
                values,
            ))
            .await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "task {task_id} changed while it was acted on; try again"
            )));
        }
        deltas.moved(job_id, from, to);
        transaction
            .execute_raw(sql(
                backend,
                "INSERT INTO task_actions (task_id, action, actor, note, time) VALUES (?, ?, ?, ?, ?)",
                vec![
                    task_id.into(),
                    request.action.as_str().into(),
                    request.actor.into(),
                    request.note.into(),
                    now.into(),
                ],
            ))
            .await?;
        if request.action == TaskAction::Retry
            && let Some(agent_id) = request.avoid_agent
        {
            super::failures::avoid(transaction, task_id, agent_id).await?;
        }
        outcome.changed.push(task_id);
    }
    if outcome.changed.is_empty() {
        return Ok(outcome);
    }
    if request.action == TaskAction::Retry {
        transaction
            .execute_raw(sql(
                backend,
                "UPDATE jobs SET time_finished = NULL WHERE id = ?",
                vec![job_id.into()],
            ))
            .await?;
    }
    deltas.apply(transaction).await?;
    Ok(outcome)
}

/// One entry of a task's action history.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct TaskActionRecord {
    /// `kill`, `skip`, `fail` or `retry`.
    pub action: String,
    /// Who did it.
    pub actor: String,
    /// Why (may be empty).
    pub note: String,
    /// When, microseconds since the epoch.
    pub time: i64,
}

/// What people did to a task, oldest first.
pub async fn task_actions(
    connection: &impl ConnectionTrait,
    task_id: i64,
) -> Result<Vec<TaskActionRecord>> {
    Ok(
        <TaskActionRecord as sea_orm::FromQueryResult>::find_by_statement(sql(
            connection.get_database_backend(),
            "SELECT action, actor, note, time FROM task_actions WHERE task_id = ? ORDER BY time, id",
            vec![task_id.into()],
        ))
        .all(connection)
        .await?,
    )
}
