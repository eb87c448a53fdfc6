//! Tasks: reading them, and the transitions of a task's state that are not a control action.
//! Every transition moves the job's counters with it, through the [`CountDeltas`] it is given.

use std::collections::{BTreeSet, HashMap, HashSet};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use warren_shared::TaskState;

use super::counters::CountDeltas;
use super::{Result, StoreError};
use crate::db::{
    Update, backend_of, now_us, on_conflict_do_nothing, update_returning, values_table,
};
use crate::entities::{job, task};

/// A task row's state.
///
/// # Errors
/// [`StoreError::Corrupt`] when the stored name is no state.
pub fn state_of(task: &task::Model) -> Result<TaskState> {
    task.state
        .parse()
        .map_err(|error| StoreError::Corrupt(format!("the state of task {}: {error}", task.id)))
}

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
        let job_id = super::JobIdRow::from_query_result(row, "")?.job_id;
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
    /// The last frame done in a row by earlier attempts.
    pub done_through: Option<i64>,
    /// When its job's requirements last changed, read with the claim.
    pub requirements_changed_at: Option<i64>,
}

/// Which tasks a claim takes: a job's first queued tasks (values: the job id, now, the parent
/// job's id when frame-gated, and the count). The outer `state` test re-checks each row under
/// concurrent writers; on SQLite it is written `+state` so the planner looks the few ids up by
/// primary key instead of walking the state index over every queued task. MariaDB takes no
/// `LIMIT` in an `IN` subquery: there the rows are chosen directly (and locked).
fn claim_rows(backend: sea_orm::DbBackend, frame_gated: bool) -> String {
    match backend {
        sea_orm::DbBackend::MySql => format!(
            "job_id = ? AND state = 'queued' AND (not_before IS NULL OR not_before <= ?){} ORDER BY idx LIMIT ?",
            frame_gate(frame_gated, "tasks")
        ),
        backend => format!(
            "{} = 'queued' AND id IN {}",
            outer_state(backend),
            claim_subquery(frame_gated)
        ),
    }
}

/// The rows of several jobs' claims on SQLite and PostgreSQL (`frame_gated`, one per job, in
/// the order of their values): each job's limited subquery, joined with `UNION ALL` under one
/// outer `state` test.
fn claim_rows_of_many(backend: sea_orm::DbBackend, frame_gated: &[bool]) -> String {
    let union = frame_gated
        .iter()
        .enumerate()
        .map(|(index, gated)| format!("SELECT id FROM {} AS g{index}", claim_subquery(*gated)))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    format!("{} = 'queued' AND id IN ({union})", outer_state(backend))
}

/// The outer `state` column of a claim (see [`claim_rows`]).
fn outer_state(backend: sea_orm::DbBackend) -> &'static str {
    if backend == sea_orm::DbBackend::Sqlite {
        "+state"
    } else {
        "state"
    }
}

/// A job's first queued tasks, by index (values: the job id, now, the parent job's id when
/// frame-gated, and the count).
fn claim_subquery(frame_gated: bool) -> String {
    format!(
        "(SELECT c.id FROM tasks c WHERE c.job_id = ? AND c.state = 'queued' \
         AND (c.not_before IS NULL OR c.not_before <= ?){} ORDER BY c.idx LIMIT ?)",
        frame_gate(frame_gated, "c")
    )
}

/// A frame-gated job's task waits until the parent's tasks holding its frames are done (value:
/// the parent job's id).
fn frame_gate(frame_gated: bool, task: &str) -> String {
    if frame_gated {
        format!(
            " AND NOT EXISTS (SELECT 1 FROM tasks p WHERE p.job_id = ? AND p.frame_first <= {task}.frame_last \
             AND p.frame_last >= {task}.frame_first AND p.state <> 'done' \
             AND (p.done_through IS NULL OR (p.done_through < {task}.frame_last AND p.done_through < p.frame_last)))"
        )
    } else {
        String::new()
    }
}

/// What a claim sets (value: the time of dispatch).
const CLAIM_SET: &str = "state = 'dispatched', attempts = attempts + 1, published = false, agent_id = NULL, \
     progress = 0, time_dispatched = ?, not_before = NULL, pinned_agent = NULL";

/// The columns a claimed task is read from, with its job's `requirements_changed_at` as of the
/// claim (so the dispatcher knows whether its cached copy of the job is stale without reading
/// the job again).
const CLAIMED_COLUMNS: &str = "id, job_id, idx, frame_first, frame_last, attempts, tile, failures, done_through, \
     (SELECT j.requirements_changed_at FROM jobs j WHERE j.id = tasks.job_id) AS requirements_changed_at";

/// One job's share of a claim: up to `count` of its first queued tasks; `frame_parent` is the
/// job whose frames gate this one's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// The job.
    pub job_id: i64,
    /// The job whose frames gate this one's, if any.
    pub frame_parent: Option<i64>,
    /// How many tasks it may take.
    pub count: i64,
}

/// Jobs whose grants one claim statement takes together on SQLite and PostgreSQL (SQLite
/// allows 500 terms in a compound `SELECT`).
const GRANTS_PER_STATEMENT: usize = 200;

/// Move each granted job's first queued tasks to `dispatched` as new attempts (`now`, µs, is
/// the time of dispatch). On SQLite and PostgreSQL the grants of up to
/// [`GRANTS_PER_STATEMENT`] jobs go in one statement (each job's tasks still found through its
/// own indexed, limited subquery); MariaDB, which takes no `LIMIT` in an `IN` subquery, claims
/// job by job.
pub async fn claim(
    connection: &(impl ConnectionTrait + TransactionTrait),
    grants: &[Grant],
    now: i64,
    deltas: &mut CountDeltas,
) -> Result<Vec<ClaimedTask>, DbErr> {
    let backend = backend_of(connection);
    let chunk_size = if backend == sea_orm::DbBackend::MySql {
        1
    } else {
        GRANTS_PER_STATEMENT
    };
    let mut claimed = Vec::new();
    for chunk in grants.chunks(chunk_size) {
        let mut rows_values: Vec<sea_orm::Value> = Vec::with_capacity(chunk.len() * 4);
        let mut frame_gated = Vec::with_capacity(chunk.len());
        for grant in chunk {
            rows_values.push(grant.job_id.into());
            rows_values.push(now.into());
            if let Some(parent) = grant.frame_parent {
                rows_values.push(parent.into());
            }
            rows_values.push(grant.count.into());
            frame_gated.push(grant.frame_parent.is_some());
        }
        let rows = match frame_gated.as_slice() {
            [one] => claim_rows(backend, *one),
            many => claim_rows_of_many(backend, many),
        };
        let rows = update_returning::<i64, _>(
            connection,
            Update {
                table: "tasks",
                set: CLAIM_SET,
                set_values: vec![now.into()],
                rows: &rows,
                rows_values,
                returning: CLAIMED_COLUMNS,
            },
        )
        .await?;
        for row in &rows {
            let task = ClaimedTask::from_query_result(row, "")?;
            deltas.moved(task.job_id, TaskState::Queued, TaskState::Dispatched);
            claimed.push(task);
        }
    }
    Ok(claimed)
}

/// Pin dispatched tasks to the agents that alone may run them (hosts holding a per-host limit).
pub async fn pin(connection: &impl ConnectionTrait, pins: &[(i64, String)]) -> Result<(), DbErr> {
    for (task_id, agent_id) in pins {
        connection
            .execute_raw(crate::db::sql(
                backend_of(connection),
                "UPDATE tasks SET pinned_agent = ? WHERE id = ? AND state = 'dispatched'",
                vec![agent_id.clone().into(), (*task_id).into()],
            ))
            .await?;
    }
    Ok(())
}

/// Dispatched tasks whose publication the broker never confirmed, in job and index order: all of
/// them, or those dispatched before `older_than` (microseconds since the epoch).
pub async fn unconfirmed(
    connection: &impl ConnectionTrait,
    older_than: Option<i64>,
) -> Result<Vec<ClaimedTask>, DbErr> {
    ClaimedTask::find_by_statement(crate::db::sql(
        backend_of(connection),
        &format!(
            "SELECT {CLAIMED_COLUMNS} FROM tasks WHERE state = 'dispatched' AND published = false \
             AND COALESCE(time_dispatched, 0) < ? ORDER BY job_id, idx"
        ),
        vec![older_than.unwrap_or(i64::MAX).into()],
    ))
    .all(connection)
    .await
}

/// Record that the broker confirmed the publication of these dispatched tasks. Only tasks still
/// `dispatched` need it (only those are published again after a restart): rows that agents
/// started meanwhile are left alone, so the statement neither rewrites them nor waits on the
/// ingester's locks for most of them.
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
                "UPDATE tasks SET published = true WHERE id IN ({}) AND state = 'dispatched'",
                crate::db::placeholders(backend, 1, task_ids.len())
            ),
            task_ids.iter().map(|id| (*id).into()).collect(),
        ))
        .await?;
    Ok(())
}

/// Who holds a task: its state, its current attempt and the agent running it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Holder {
    /// The task's state.
    pub state: super::Named<TaskState>,
    /// Its current attempt.
    pub attempts: i32,
    /// The agent running (or that ran) it.
    pub agent_id: Option<String>,
}

impl Holder {
    /// Whether `agent_id` runs attempt `attempt` of the task.
    #[must_use]
    pub fn runs(&self, attempt: i32, agent_id: &str) -> bool {
        self.state.0 == TaskState::Running
            && self.attempts == attempt
            && self.agent_id.as_deref() == Some(agent_id)
    }
}

/// Who holds `task_id`, if the task exists.
pub async fn holder(
    connection: &impl ConnectionTrait,
    task_id: i64,
) -> Result<Option<Holder>, DbErr> {
    Holder::find_by_statement(crate::db::sql(
        backend_of(connection),
        "SELECT state, attempts, agent_id FROM tasks WHERE id = ?",
        vec![task_id.into()],
    ))
    .one(connection)
    .await
}

/// The `(task, attempt)` pairs among `task_ids` that `agent_id` runs.
pub async fn held_attempts(
    connection: &impl ConnectionTrait,
    agent_id: &str,
    task_ids: &[i64],
) -> Result<BTreeSet<(i64, i32)>, DbErr> {
    if task_ids.is_empty() {
        return Ok(BTreeSet::new());
    }
    let backend = backend_of(connection);
    let mut values: Vec<sea_orm::Value> = vec![agent_id.into()];
    values.extend(task_ids.iter().map(|id| sea_orm::Value::from(*id)));
    #[derive(FromQueryResult)]
    struct Held {
        id: i64,
        attempts: i32,
    }
    let rows = Held::find_by_statement(crate::db::sql(
        backend,
        &format!(
            "SELECT id, attempts FROM tasks WHERE state = 'running' AND agent_id = ? AND id IN ({})",
            crate::db::placeholders(backend, 2, task_ids.len())
        ),
        values,
    ))
    .all(connection)
    .await?;
    Ok(rows.into_iter().map(|row| (row.id, row.attempts)).collect())
}

/// The tasks `agent_id` runs.
pub async fn running_on(
    connection: &impl ConnectionTrait,
    agent_id: &str,
) -> Result<Vec<i64>, DbErr> {
    super::ids(
        connection,
        crate::db::sql(
            backend_of(connection),
            "SELECT id FROM tasks WHERE agent_id = ? AND state = 'running'",
            vec![agent_id.into()],
        ),
    )
    .await
}

/// A worker's report that it started an attempt.
#[derive(Debug, Clone, Copy)]
pub struct Start<'a> {
    /// The task.
    pub task_id: i64,
    /// The attempt.
    pub attempt: i32,
    /// The agent running it.
    pub agent_id: &'a str,
    /// When its process started (µs).
    pub started_at: i64,
}

/// Rows per multi-row statement: at 12 values a row, well inside every database's limit on
/// bound values.
const ROWS_PER_STATEMENT: usize = 400;

/// A task a statement moved, and its job.
#[derive(FromQueryResult)]
struct Moved {
    id: i64,
    job_id: i64,
}

/// Workers started these attempts of dispatched tasks: each task runs on its agent from its
/// start time. Returns the tasks that moved; a task not at that attempt in `dispatched` is left
/// as it is. The task ids must be distinct. One statement per few hundred tasks (one per task
/// on MariaDB, which has no `UPDATE ... FROM`).
pub async fn start(
    connection: &(impl ConnectionTrait + TransactionTrait),
    starts: &[Start<'_>],
    deltas: &mut CountDeltas,
) -> Result<HashSet<i64>, DbErr> {
    let backend = backend_of(connection);
    let mut started = HashSet::with_capacity(starts.len());
    if backend == DbBackend::MySql {
        for start in starts {
            let rows = update_returning::<i64, _>(
                connection,
                Update {
                    table: "tasks",
                    set: "state = 'running', agent_id = ?, time_started = ?, progress = 0",
                    set_values: vec![start.agent_id.into(), start.started_at.into()],
                    rows: "id = ? AND attempts = ? AND state = 'dispatched'",
                    rows_values: vec![start.task_id.into(), start.attempt.into()],
                    returning: "id, job_id",
                },
            )
            .await?;
            for row in &rows {
                moved_to(
                    &Moved::from_query_result(row, "")?,
                    TaskState::Dispatched,
                    TaskState::Running,
                    deltas,
                    &mut started,
                );
            }
        }
        return Ok(started);
    }
    for chunk in starts.chunks(ROWS_PER_STATEMENT) {
        let mut values: Vec<sea_orm::Value> = Vec::with_capacity(chunk.len() * 4);
        for start in chunk {
            values.extend([
                start.task_id.into(),
                start.attempt.into(),
                start.agent_id.into(),
                start.started_at.into(),
            ]);
        }
        let text = format!(
            "{}UPDATE tasks SET state = 'running', agent_id = s.agent, time_started = s.started_at, progress = 0 \
             FROM s WHERE id = s.task AND attempts = s.attempt_no AND state = 'dispatched' RETURNING id, job_id",
            values_table(
                "s",
                &["task", "attempt_no", "agent", "started_at"],
                chunk.len()
            )
        );
        for row in Moved::find_by_statement(crate::db::sql(backend, &text, values))
            .all(connection)
            .await?
        {
            moved_to(
                &row,
                TaskState::Dispatched,
                TaskState::Running,
                deltas,
                &mut started,
            );
        }
    }
    Ok(started)
}

/// Count a moved task in `deltas` and in `moved`.
fn moved_to(
    row: &Moved,
    from: TaskState,
    to: TaskState,
    deltas: &mut CountDeltas,
    moved: &mut HashSet<i64>,
) {
    deltas.moved(row.job_id, from, to);
    moved.insert(row.id);
}
/// A worker finished the frames of an attempt it runs through `frame`: the task's frames are done
/// through there (a failed attempt resumes after it). Whether anything changed.
pub async fn frames_done(
    connection: &impl ConnectionTrait,
    task_id: i64,
    attempt: i32,
    agent_id: &str,
    frame: i64,
) -> Result<bool, DbErr> {
    let changed = connection
        .execute_raw(crate::db::sql(
            backend_of(connection),
            "UPDATE tasks SET done_through = ? WHERE id = ? AND attempts = ? AND agent_id = ? AND state = 'running' \
             AND frame_first <= ? AND frame_last >= ? AND (done_through IS NULL OR done_through < ?)",
            vec![
                frame.into(),
                task_id.into(),
                attempt.into(),
                agent_id.into(),
                frame.into(),
                frame.into(),
                frame.into(),
            ],
        ))
        .await?;
    Ok(changed.rows_affected() > 0)
}

/// A worker reported the progress (0 to 1) of an attempt it runs.
pub async fn set_progress(
    connection: &impl ConnectionTrait,
    task_id: i64,
    attempt: i32,
    agent_id: &str,
    progress: f64,
) -> Result<(), DbErr> {
    let progress = progress.clamp(0.0, 1.0);
    let progress = if progress.is_finite() { progress } else { 0.0 };
    connection
        .execute_raw(crate::db::sql(
            backend_of(connection),
            "UPDATE tasks SET progress = ? WHERE id = ? AND attempts = ? AND agent_id = ? AND state = 'running'",
            vec![progress.into(), task_id.into(), attempt.into(), agent_id.into()],
        ))
        .await?;
    Ok(())
}

/// A worker gave attempt `attempt` of a dispatched task back unstarted: the task is queued
/// again, not to be dispatched before `not_before` (µs). Returns `false`, changing nothing, when
/// the task is not at that attempt in `dispatched`.
pub async fn decline(
    connection: &(impl ConnectionTrait + TransactionTrait),
    task_id: i64,
    attempt: i32,
    not_before: i64,
    deltas: &mut CountDeltas,
) -> Result<bool, DbErr> {
    let rows = update_returning::<i64, _>(
        connection,
        Update {
            table: "tasks",
            set: "state = 'queued', published = false, not_before = ?, declines = declines + 1",
            set_values: vec![not_before.into()],
            rows: "id = ? AND attempts = ? AND state = 'dispatched'",
            rows_values: vec![task_id.into(), attempt.into()],
            returning: "job_id",
        },
    )
    .await?;
    for row in &rows {
        deltas.moved(
            super::JobIdRow::from_query_result(row, "")?.job_id,
            TaskState::Dispatched,
            TaskState::Queued,
        );
    }
    Ok(!rows.is_empty())
}

/// A task about to finish: who holds it, its failures so far and its job's retry budget.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Finishing {
    /// The task.
    pub id: i64,
    /// Its job.
    pub job_id: i64,
    /// Who holds it.
    #[sea_orm(nested)]
    pub holder: Holder,
    /// Its failed attempts so far.
    pub failures: i32,
    /// How many failed attempts the job retries (negative: without end).
    pub requeue: i32,
}

/// These tasks as they are before a finish, by id (tasks that do not exist are left out).
pub async fn finishing(
    connection: &impl ConnectionTrait,
    task_ids: &[i64],
) -> Result<HashMap<i64, Finishing>, DbErr> {
    let backend = backend_of(connection);
    let mut found = HashMap::with_capacity(task_ids.len());
    for chunk in task_ids.chunks(ROWS_PER_STATEMENT) {
        let rows = Finishing::find_by_statement(crate::db::sql(
            backend,
            &format!(
                "SELECT t.id, t.job_id, t.state, t.attempts, t.agent_id, t.failures, j.requeue FROM tasks t \
                 JOIN jobs j ON j.id = t.job_id WHERE t.id IN ({})",
                vec!["?"; chunk.len()].join(", ")
            ),
            chunk.iter().map(|id| (*id).into()).collect(),
        ))
        .all(connection)
        .await?;
        found.extend(rows.into_iter().map(|row| (row.id, row)));
    }
    Ok(found)
}

/// How an attempt ended, as its worker reported it.
#[derive(Debug, Clone)]
pub struct Finish<'a> {
    /// The task.
    pub task_id: i64,
    /// The attempt.
    pub attempt: i32,
    /// The agent that ran it.
    pub agent_id: &'a str,
    /// Whether it succeeded.
    pub success: bool,
    /// Its exit code, if it exited.
    pub exit_code: Option<i32>,
    /// What went wrong, for a failure.
    pub error: Option<String>,
    /// Its peak resident memory.
    pub peak_rss_mb: Option<i64>,
    /// Whether it went past its job's memory warning.
    pub ram_warned: bool,
    /// When it ended (µs).
    pub finished_at: i64,
}

impl Finish<'_> {
    /// The task's state and failure count after this end of `before`: `done` on success; on
    /// failure `queued` again while the job's retry budget lasts, else `failed`.
    fn outcome(&self, before: &Finishing) -> (TaskState, i32) {
        if self.success {
            return (TaskState::Done, before.failures);
        }
        let failures = before.failures + 1;
        if before.requeue < 0 || failures <= before.requeue {
            (TaskState::Queued, failures)
        } else {
            (TaskState::Failed, failures)
        }
    }

    /// The values the update writes, in the order of [`FINISH_COLUMNS`] after the task and
    /// attempt.
    fn values(&self, before: &Finishing) -> Vec<sea_orm::Value> {
        let (state, failures) = self.outcome(before);
        let progress = if state == TaskState::Done { 1.0 } else { 0.0 };
        let agent_after = (state != TaskState::Queued).then_some(self.agent_id);
        vec![
            state.as_str().into(),
            failures.into(),
            self.exit_code.into(),
            self.error.clone().into(),
            progress.into(),
            agent_after.into(),
            self.finished_at.into(),
            self.peak_rss_mb.into(),
            self.ram_warned.into(),
            self.success.into(),
        ]
    }
}

/// The columns of a finish's values, after the task and attempt.
const FINISH_COLUMNS: [&str; 10] = [
    "new_state",
    "new_failures",
    "code",
    "error",
    "new_progress",
    "agent",
    "finished_at",
    "rss",
    "warned",
    "succeeded",
];

/// Record the ends of running attempts, each with the task as [`finishing`] read it: `done` on
/// success; on failure `queued` again while the job's retry budget lasts, else `failed`, and
/// the attempt goes into the attempt history. Returns each task's new state, in order, or
/// `None` where the task left that attempt between the read and this write (a cancel or a
/// lease expiry won): then nothing is written and no count moves. The task ids must be
/// distinct. One statement per few hundred tasks (one per task on MariaDB), and one more per
/// failure.
pub async fn finish(
    connection: &impl ConnectionTrait,
    finishes: &[(&Finishing, Finish<'_>)],
    deltas: &mut CountDeltas,
) -> Result<Vec<Option<TaskState>>, DbErr> {
    let backend = backend_of(connection);
    let mut updated: HashSet<i64> = HashSet::with_capacity(finishes.len());
    if backend == DbBackend::MySql {
        for (before, finish) in finishes {
            let mut values = finish.values(before);
            values.extend([finish.task_id.into(), finish.attempt.into()]);
            let changed = connection
                .execute_raw(crate::db::sql(
                    backend,
                    "UPDATE tasks SET state = ?, failures = ?, exit_code = ?, last_error = ?, progress = ?, \
                     agent_id = ?, time_finished = ?, peak_rss_mb = ?, ram_warned = (ram_warned OR ?), \
                     done_through = CASE WHEN ? THEN frame_last ELSE done_through END \
                     WHERE id = ? AND attempts = ? AND state = 'running'",
                    values,
                ))
                .await?;
            if changed.rows_affected() > 0 {
                updated.insert(finish.task_id);
            }
        }
    } else {
        let mut columns = vec!["task", "attempt_no"];
        columns.extend(FINISH_COLUMNS);
        for chunk in finishes.chunks(ROWS_PER_STATEMENT) {
            let mut values: Vec<sea_orm::Value> = Vec::with_capacity(chunk.len() * columns.len());
            for (before, finish) in chunk {
                values.extend([finish.task_id.into(), finish.attempt.into()]);
                values.extend(finish.values(before));
            }
            let text = format!(
                "{}UPDATE tasks SET state = f.new_state, failures = f.new_failures, exit_code = f.code, \
                 last_error = f.error, progress = f.new_progress, agent_id = f.agent, time_finished = f.finished_at, \
                 peak_rss_mb = f.rss, ram_warned = (ram_warned OR f.warned), \
                 done_through = CASE WHEN f.succeeded THEN frame_last ELSE done_through END \
                 FROM f WHERE id = f.task AND attempts = f.attempt_no AND state = 'running' RETURNING id, job_id",
                values_table("f", &columns, chunk.len())
            );
            for row in Moved::find_by_statement(crate::db::sql(backend, &text, values))
                .all(connection)
                .await?
            {
                updated.insert(row.id);
            }
        }
    }
    let mut states = Vec::with_capacity(finishes.len());
    for (before, finish) in finishes {
        if !updated.contains(&finish.task_id) {
            states.push(None);
            continue;
        }
        let (new_state, _) = finish.outcome(before);
        if !finish.success {
            record_failed_attempt(connection, before, finish, new_state).await?;
        }
        deltas.moved(before.job_id, TaskState::Running, new_state);
        states.push(Some(new_state));
    }
    Ok(states)
}

/// A failed attempt goes into the attempt history; a task out of retries is a webhook event.
async fn record_failed_attempt(
    connection: &impl ConnectionTrait,
    before: &Finishing,
    finish: &Finish<'_>,
    new_state: TaskState,
) -> Result<(), DbErr> {
    let backend = backend_of(connection);
    connection
        .execute_raw(crate::db::sql(
            backend,
            &format!(
                "INSERT INTO task_attempts (task_id, attempt, agent_id, state, exit_code, error, peak_rss_mb, time_started, time_finished) \
                 SELECT id, ?, ?, ?, ?, ?, ?, time_started, ? FROM tasks WHERE id = ?{}",
                on_conflict_do_nothing(backend, "task_id, attempt")
            ),
            vec![
                finish.attempt.into(),
                finish.agent_id.into(),
                AttemptEnd::Failed.as_str().into(),
                finish.exit_code.into(),
                finish.error.clone().into(),
                finish.peak_rss_mb.into(),
                finish.finished_at.into(),
                finish.task_id.into(),
            ],
        ))
        .await?;
    if new_state == TaskState::Failed {
        crate::store::webhooks::record(
            connection,
            crate::store::webhooks::NewEvent {
                kind: crate::store::webhooks::EventKind::TaskFailed,
                job_id: Some(before.job_id),
                task_id: Some(finish.task_id),
                agent_id: Some(finish.agent_id),
                data: serde_json::json!({
                    "job_id": before.job_id,
                    "task_id": finish.task_id,
                    "attempt": finish.attempt,
                    "agent_id": finish.agent_id,
                    "exit_code": finish.exit_code,
                    "error": finish.error,
                }),
            },
        )
        .await?;
    }
    Ok(())
}
warren_shared::state_enum!(
    /// How a recorded attempt ended.
    AttemptEnd, "attempt", {
        /// The process failed, or a user killed it or marked it failed.
        Failed => "failed",
        /// Its worker was lost (lease expired, agent gone).
        Lost => "lost",
        /// A user skipped or retried the task while it ran.
        Stopped => "stopped",
    }
);

/// A finished (failed or lost) attempt of a task, as recorded when it ended.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Attempt {
    /// Attempt number, from 1.
    pub attempt: i32,
    /// The agent that held it.
    pub agent_id: Option<String>,
    /// How it ended.
    pub state: super::Named<AttemptEnd>,
    /// The process's exit code, if it exited.
    pub exit_code: Option<i32>,
    /// What went wrong.
    pub error: Option<String>,
    /// Peak resident memory, MB.
    pub peak_rss_mb: Option<i64>,
    /// When it started (µs).
    pub time_started: Option<i64>,
    /// When it ended (µs).
    pub time_finished: Option<i64>,
}

/// The recorded attempts of `task_id`, in order.
pub async fn attempts(
    connection: &impl ConnectionTrait,
    task_id: i64,
) -> Result<Vec<Attempt>, DbErr> {
    Attempt::find_by_statement(crate::db::sql(
        backend_of(connection),
        "SELECT attempt, agent_id, state, exit_code, error, peak_rss_mb, time_started, time_finished \
         FROM task_attempts WHERE task_id = ? ORDER BY attempt",
        vec![task_id.into()],
    ))
    .all(connection)
    .await
}

/// A task that failed for good.
#[derive(Debug, Clone, FromQueryResult)]
pub struct FailedTask {
    /// The task.
    pub id: i64,
    /// Its index in the job (the job page selects it by index).
    pub idx: i64,
    /// Its first frame.
    pub frame_first: i64,
    /// Its last frame.
    pub frame_last: i64,
    /// Its last error.
    pub last_error: Option<String>,
}

/// A job's first `limit` failed tasks, in index order.
pub async fn failed(
    connection: &impl ConnectionTrait,
    job_id: i64,
    limit: u64,
) -> Result<Vec<FailedTask>, DbErr> {
    FailedTask::find_by_statement(crate::db::sql(
        backend_of(connection),
        "SELECT id, idx, frame_first, frame_last, last_error FROM tasks WHERE job_id = ? AND state = 'failed' ORDER BY idx LIMIT ?",
        vec![job_id.into(), i64::try_from(limit).unwrap_or(i64::MAX).into()],
    ))
    .all(connection)
    .await
}

/// A running task with the agent that runs it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct RunningTask {
    /// The task.
    pub id: i64,
    /// Its job.
    pub job_id: i64,
    /// The agent running it.
    pub agent_id: Option<String>,
}

/// Tasks `running` on an agent that is offline, unknown, or last heard from before `cutoff`
/// (µs), by id.
pub async fn running_on_lost_agents(
    connection: &impl ConnectionTrait,
    cutoff: i64,
) -> Result<Vec<RunningTask>, DbErr> {
    RunningTask::find_by_statement(crate::db::sql(
        backend_of(connection),
        "SELECT t.id, t.job_id, t.agent_id FROM tasks t LEFT JOIN agents a ON a.id = t.agent_id \
         WHERE t.state = 'running' AND (a.id IS NULL OR a.state = 'offline' OR a.last_heard_from < ?) ORDER BY t.id",
        vec![cutoff.into()],
    ))
    .all(connection)
    .await
}

/// The latest `limit` tasks an agent ran or runs (only those in `state`, when given), most
/// recently started first.
pub async fn of_agent(
    connection: &impl ConnectionTrait,
    agent_id: &str,
    state: Option<TaskState>,
    limit: u64,
) -> Result<Vec<task::Model>, DbErr> {
    let mut select = task::Entity::find().filter(task::Column::AgentId.eq(agent_id));
    if let Some(state) = state {
        select = select.filter(task::Column::State.eq(state.as_str()));
    }
    select
        .order_by_desc(task::Column::TimeStarted)
        .limit(limit)
        .all(connection)
        .await
}
