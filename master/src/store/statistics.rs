//! Statistics over time: samples of task counts per queue, agent counts by state and each live
//! agent's figures, and the counts `/metrics` reads.

use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, FromQueryResult};

use crate::db::{backend_of, begin_write, sql};

/// Record one sample at `now` covering tasks finished after `since`, and drop expired samples.
pub async fn sample(
    db: &DatabaseConnection,
    since: i64,
    now: i64,
    retention: Duration,
) -> Result<(), DbErr> {
    let backend = backend_of(db);
    let transaction = begin_write(db).await?;
    transaction
        .execute_raw(sql(
            backend,
            "INSERT INTO queue_samples (time, queue_id, queued, running, done, failed, paused, cancelled, finished_done, finished_failed) \
             SELECT ?, q.id, \
             COALESCE((SELECT SUM(j.n_queued + j.n_dispatched) FROM jobs j WHERE j.queue_id = q.id), 0), \
             COALESCE((SELECT SUM(j.n_running) FROM jobs j WHERE j.queue_id = q.id), 0), \
             COALESCE((SELECT SUM(j.n_done) FROM jobs j WHERE j.queue_id = q.id), 0), \
             COALESCE((SELECT SUM(j.n_failed) FROM jobs j WHERE j.queue_id = q.id), 0), \
             COALESCE((SELECT SUM(j.n_paused) FROM jobs j WHERE j.queue_id = q.id), 0), \
             COALESCE((SELECT SUM(j.n_cancelled) FROM jobs j WHERE j.queue_id = q.id), 0), \
             (SELECT COUNT(*) FROM tasks t JOIN jobs j ON j.id = t.job_id \
              WHERE j.queue_id = q.id AND t.state = 'done' AND t.time_finished > ? AND t.time_finished <= ?), \
             (SELECT COUNT(*) FROM tasks t JOIN jobs j ON j.id = t.job_id \
              WHERE j.queue_id = q.id AND t.state = 'failed' AND t.time_finished > ? AND t.time_finished <= ?) \
             FROM job_queues q",
            vec![
                now.into(),
                since.into(),
                now.into(),
                since.into(),
                now.into(),
            ],
        ))
        .await?;
    transaction
        .execute_raw(sql(
            backend,
            "INSERT INTO agent_state_samples (time, online, running, offline, disabled) SELECT ?, \
             (SELECT COUNT(*) FROM agents WHERE NOT disabled AND state = 'online'), \
             (SELECT COUNT(*) FROM agents WHERE NOT disabled AND state = 'running'), \
             (SELECT COUNT(*) FROM agents WHERE NOT disabled AND state = 'offline'), \
             (SELECT COUNT(*) FROM agents WHERE disabled)",
            vec![now.into()],
        ))
        .await?;
    transaction
        .execute_raw(sql(
            backend,
            "INSERT INTO agent_samples (time, agent_id, free_ram, \"load\", running_tasks) \
             SELECT ?, a.id, a.free_ram, a.\"load\", \
             (SELECT COUNT(*) FROM tasks t WHERE t.agent_id = a.id AND t.state = 'running') \
             FROM agents a WHERE a.state IN ('online', 'running')",
            vec![now.into()],
        ))
        .await?;
    let horizon = now - i64::try_from(retention.as_micros()).unwrap_or(i64::MAX);
    for table in ["queue_samples", "agent_state_samples", "agent_samples"] {
        transaction
            .execute_raw(sql(
                backend,
                &format!("DELETE FROM {table} WHERE time < ?"),
                vec![horizon.into()],
            ))
            .await?;
    }
    transaction.commit().await
}

/// Task states in the order [`queue_task_counts`] counts them.
pub const TASK_STATES: [&str; 7] = [
    "queued",
    "dispatched",
    "running",
    "done",
    "failed",
    "paused",
    "cancelled",
];

/// Every queue's tasks in each of [`TASK_STATES`], from the jobs' counters.
pub async fn queue_task_counts(
    db: &sea_orm::DatabaseConnection,
) -> Result<Vec<(String, [i64; 7])>, sea_orm::DbErr> {
    let sums: Vec<String> = TASK_STATES
        .iter()
        .map(|state| format!("CAST(COALESCE(SUM(j.n_{state}), 0) AS BIGINT) AS {state}"))
        .collect();
    let rows = db
        .query_all_raw(sql(
            backend_of(db),
            &format!(
                "SELECT q.name, {} FROM job_queues q LEFT JOIN jobs j ON j.queue_id = q.id \
                 GROUP BY q.id, q.name ORDER BY q.name",
                sums.join(", ")
            ),
            Vec::new(),
        ))
        .await?;
    /// A queue's task counts, in the order of [`TASK_STATES`].
    #[derive(FromQueryResult)]
    struct QueueCounts {
        name: String,
        queued: i64,
        dispatched: i64,
        running: i64,
        done: i64,
        failed: i64,
        paused: i64,
        cancelled: i64,
    }
    rows.iter()
        .map(|row| {
            let row = QueueCounts::from_query_result(row, "")?;
            Ok((
                row.name,
                [
                    row.queued,
                    row.dispatched,
                    row.running,
                    row.done,
                    row.failed,
                    row.paused,
                    row.cancelled,
                ],
            ))
        })
        .collect()
}

/// Agents by the state users see (`disabled` overrides the connection state).
pub async fn agents_by_state(
    connection: &impl ConnectionTrait,
) -> Result<Vec<(String, i64)>, DbErr> {
    let rows = connection
        .query_all_raw(sql(
            backend_of(connection),
            "SELECT CASE WHEN disabled THEN 'disabled' ELSE state END AS agent_state, COUNT(*) AS n \
             FROM agents GROUP BY CASE WHEN disabled THEN 'disabled' ELSE state END",
            Vec::new(),
        ))
        .await?;
    #[derive(FromQueryResult)]
    struct StateCount {
        agent_state: String,
        n: i64,
    }
    rows.iter()
        .map(|row| {
            let row = StateCount::from_query_result(row, "")?;
            Ok((row.agent_state, row.n))
        })
        .collect()
}

/// One queue's sample.
#[derive(Debug, Clone, FromQueryResult)]
pub struct QueueSample {
    /// When (µs).
    pub time: i64,
    /// Queue name.
    pub name: String,
    /// Waiting to run.
    pub queued: i64,
    /// Running.
    pub running: i64,
    /// Done.
    pub done: i64,
    /// Failed.
    pub failed: i64,
    /// Paused.
    pub paused: i64,
    /// Cancelled.
    pub cancelled: i64,
    /// Tasks that finished successfully since the sample before.
    pub finished_done: i64,
    /// Tasks that failed for good since the sample before.
    pub finished_failed: i64,
}

/// Queue samples taken at or after `since` (µs), oldest first.
pub async fn queue_samples(
    connection: &impl ConnectionTrait,
    since: i64,
) -> Result<Vec<QueueSample>, DbErr> {
    QueueSample::find_by_statement(sql(
        backend_of(connection),
        "SELECT s.time, q.name, s.queued, s.running, s.done, s.failed, s.paused, s.cancelled, \
         s.finished_done, s.finished_failed FROM queue_samples s JOIN job_queues q ON q.id = s.queue_id \
         WHERE s.time >= ? ORDER BY s.time, q.name",
        vec![since.into()],
    ))
    .all(connection)
    .await
}

/// Agents by state at one time.
#[derive(Debug, Clone, FromQueryResult)]
pub struct AgentStateSample {
    /// When (µs).
    pub time: i64,
    /// Online and idle.
    pub online: i64,
    /// Running tasks.
    pub running: i64,
    /// Not heard from.
    pub offline: i64,
    /// Disabled.
    pub disabled: i64,
}

/// Agent-state samples taken at or after `since` (µs), oldest first.
pub async fn agent_state_samples(
    connection: &impl ConnectionTrait,
    since: i64,
) -> Result<Vec<AgentStateSample>, DbErr> {
    AgentStateSample::find_by_statement(sql(
        backend_of(connection),
        "SELECT time, online, running, offline, disabled FROM agent_state_samples \
         WHERE time >= ? ORDER BY time",
        vec![since.into()],
    ))
    .all(connection)
    .await
}

/// One agent's figures at one time.
#[derive(Debug, Clone, FromQueryResult)]
pub struct AgentSample {
    /// When (µs).
    pub time: i64,
    /// Free RAM, MB.
    pub free_ram: i64,
    /// Load average.
    pub load: f64,
    /// Tasks it was running.
    pub running_tasks: i64,
}

/// An agent's samples taken at or after `since` (µs), oldest first.
pub async fn agent_samples(
    connection: &impl ConnectionTrait,
    agent_id: &str,
    since: i64,
) -> Result<Vec<AgentSample>, DbErr> {
    AgentSample::find_by_statement(sql(
        backend_of(connection),
        "SELECT time, free_ram, \"load\", running_tasks FROM agent_samples \
         WHERE agent_id = ? AND time >= ? ORDER BY time",
        vec![agent_id.into(), since.into()],
    ))
    .all(connection)
    .await
}
