//! Leases: an agent silent for longer than the lease timeout is marked offline and the tasks it
//! was running are queued again as new attempts. Nothing depends on RabbitMQ's own timeouts.

use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};
use warren_broker::{Shutdown, error_chain};
use warren_shared::TaskState;

use crate::db::{
    Update, backend_of, begin_write, now_us, on_conflict_do_nothing, update_returning,
};
use crate::dispatcher::DispatcherHandle;
use crate::store::counters::CountDeltas;

/// Record the running attempts of `agent_id` (only `task_id`'s, when given) as lost, in the
/// attempt history, before they are queued again.
pub async fn record_lost_attempts(
    connection: &impl ConnectionTrait,
    agent_id: &str,
    task_id: Option<i64>,
    reason: &str,
) -> Result<(), DbErr> {
    let backend = backend_of(connection);
    let mut values: Vec<sea_orm::Value> = vec![reason.into(), now_us().into(), agent_id.into()];
    let mut text = String::from(
        "INSERT INTO task_attempts (task_id, attempt, agent_id, state, error, time_started, time_finished) \
         SELECT id, attempts, agent_id, 'lost', ?, time_started, ? FROM tasks WHERE agent_id = ? AND state = 'running'",
    );
    if let Some(task_id) = task_id {
        text.push_str(" AND id = ?");
        values.push(task_id.into());
    }
    text.push_str(&on_conflict_do_nothing(backend, "task_id, attempt"));
    connection
        .execute_raw(crate::db::sql(backend, &text, values))
        .await?;
    Ok(())
}

/// Queue again the tasks `agent_id` is running; returns how many.
pub async fn release_agent_tasks(
    connection: &(impl ConnectionTrait + TransactionTrait),
    agent_id: &str,
    reason: &str,
    deltas: &mut CountDeltas,
) -> Result<usize, DbErr> {
    record_lost_attempts(connection, agent_id, None, reason).await?;
    let rows = update_returning::<i64, _>(
        connection,
        Update {
            table: "tasks",
            set: "state = 'queued', agent_id = NULL, progress = 0, last_error = ?",
            set_values: vec![reason.into()],
            rows: "agent_id = ? AND state = 'running'",
            rows_values: vec![agent_id.into()],
            returning: "job_id",
        },
    )
    .await?;
    for row in &rows {
        let job_id: i64 = row.try_get("", "job_id")?;
        deltas.moved(job_id, TaskState::Running, TaskState::Queued);
    }
    Ok(rows.len())
}

/// Mark agents silent past `lease_timeout` offline and queue their tasks again.
/// Returns how many agents expired.
pub async fn expire_once(db: &DatabaseConnection, lease_timeout: Duration) -> Result<usize, DbErr> {
    let cutoff = now_us() - lease_timeout.as_micros() as i64;
    let transaction = begin_write(db).await?;
    let rows = update_returning::<String, _>(
        &transaction,
        Update {
            table: "agents",
            set: "state = 'offline'",
            rows: "state IN ('online', 'running') AND last_heard_from < ?",
            rows_values: vec![cutoff.into()],
            returning: "id, hostname",
            ..Update::default()
        },
    )
    .await?;
    let mut deltas = CountDeltas::default();
    for row in &rows {
        let agent_id: String = row.try_get("", "id")?;
        let hostname: String = row.try_get("", "hostname")?;
        let released = release_agent_tasks(
            &transaction,
            &agent_id,
            "worker lost: no heartbeat within the lease timeout",
            &mut deltas,
        )
        .await?;
        tracing::warn!(
            agent_id,
            hostname,
            released,
            "agent silent past its lease; marked offline"
        );
    }
    deltas.apply(&transaction).await?;
    transaction.commit().await?;
    Ok(rows.len())
}

/// Check leases every few seconds until shutdown.
pub async fn run(
    db: DatabaseConnection,
    dispatcher: DispatcherHandle,
    lease_timeout: Duration,
    mut shutdown: Shutdown,
) {
    let period = (lease_timeout / 4).clamp(Duration::from_millis(200), Duration::from_secs(5));
    loop {
        tokio::select! {
            () = shutdown.wait() => break,
            () = tokio::time::sleep(period) => {}
        }
        match expire_once(&db, lease_timeout).await {
            Ok(0) => {}
            Ok(_) => dispatcher.wake(),
            Err(error) => tracing::warn!(error = %error_chain(&error), "lease check failed"),
        }
    }
}
