//! Statistics over time: a loop samples task counts per queue (and how many tasks finished since
//! the last sample), agent counts by state, and each live agent's free RAM and load, keeps them
//! for the retention period and deletes older ones. The web UI's charts read them.

use std::time::Duration;

use sea_orm::{ConnectionTrait as _, DatabaseConnection, DbErr};
use warren_broker::Shutdown;

use crate::db::{backend_of, begin_write, now_us, sql};

/// How often to sample and how long to keep samples.
#[derive(Debug, Clone, Copy)]
pub struct StatisticsSettings {
    /// Time between samples.
    pub interval: Duration,
    /// Samples older than this are deleted.
    pub retention: Duration,
}

/// Sample every `settings.interval` until shutdown.
pub async fn run(db: DatabaseConnection, settings: StatisticsSettings, mut shutdown: Shutdown) {
    let mut ticks = tokio::time::interval(settings.interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last = now_us();
    loop {
        tokio::select! {
            () = shutdown.wait() => return,
            _ = ticks.tick() => {}
        }
        let now = now_us();
        match sample(&db, last, now, settings.retention).await {
            Ok(()) => last = now,
            Err(error) => {
                tracing::warn!(error = %warren_broker::error_chain(&error), "cannot record statistics");
            }
        }
    }
}

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
