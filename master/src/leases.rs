//! Leases: an agent silent for longer than the lease timeout is marked offline and the tasks it
//! was running are queued again as new attempts. Nothing depends on RabbitMQ's own timeouts.
//!
//! Silence is judged only against what the master has read: the lease checker publishes a
//! marker into its own events queue and expires leases against the time of a marker some
//! master consumed, so events waiting in the queue (a master cut off from its broker node, or
//! catching up) never make it blame the workers that sent them.

use std::time::Duration;

use sea_orm::{DatabaseConnection, DbErr};
use warren_broker::{Shutdown, error_chain};

use crate::db::{begin_write, now_us};
use crate::dispatcher::DispatcherHandle;
use crate::store::counters::CountDeltas;
use crate::store::leases as markers;
use crate::store::tasks::{self, Lost};

/// Mark agents offline whose last event was consumed more than `lease_timeout` before
/// `consumed_up_to` (µs), a moment up to which every event published has been consumed, and
/// queue their tasks again. Returns how many agents expired.
pub async fn expire_once(
    db: &DatabaseConnection,
    lease_timeout: Duration,
    consumed_up_to: i64,
) -> Result<usize, DbErr> {
    let cutoff = consumed_up_to - lease_timeout.as_micros() as i64;
    let transaction = begin_write(db).await?;
    let expired = crate::store::agents::expire_silent(&transaction, cutoff).await?;
    let mut deltas = CountDeltas::default();
    for (agent_id, hostname) in &expired {
        let released = tasks::requeue_lost(
            &transaction,
            Lost::agent(agent_id),
            "worker lost: no heartbeat within the lease timeout",
            &mut deltas,
        )
        .await?
        .len();
        tracing::warn!(
            agent_id,
            hostname,
            released,
            "agent silent past its lease; marked offline"
        );
    }
    deltas.apply(&transaction).await?;
    transaction.commit().await?;
    Ok(expired.len())
}

/// Whether this master's events consumer is consuming, and since when (µs); leases are not
/// checked while it is not, nor for a grace period after it (re)connects, while workers that
/// lost the broker too reconnect and report.
#[derive(Debug, Default)]
pub struct ConsumerState {
    /// Consuming now.
    pub consuming: std::sync::atomic::AtomicBool,
    /// Since when (µs).
    pub since: std::sync::atomic::AtomicI64,
}

impl ConsumerState {
    /// The consumer started consuming.
    pub fn started(&self) {
        use std::sync::atomic::Ordering;
        self.since.store(now_us(), Ordering::Relaxed);
        self.consuming.store(true, Ordering::Relaxed);
    }

    /// The consumer stopped (lost its channel or connection).
    pub fn stopped(&self) {
        self.consuming
            .store(false, std::sync::atomic::Ordering::Relaxed);
    }

    /// How long it has been consuming without a break, if it is.
    fn consuming_for(&self, now: i64) -> Option<Duration> {
        use std::sync::atomic::Ordering;
        self.consuming.load(Ordering::Relaxed).then(|| {
            Duration::from_micros(
                u64::try_from(now - self.since.load(Ordering::Relaxed)).unwrap_or_default(),
            )
        })
    }
}

/// What the lease checker needs besides the database.
#[derive(Clone)]
pub struct LeaseContext {
    /// Wakes the dispatcher after tasks are queued again.
    pub dispatcher: DispatcherHandle,
    /// Publishes the markers (stamped with the master's own broker user).
    pub publisher: std::sync::Arc<warren_broker::Publisher>,
    /// This master's events consumer.
    pub consumer: std::sync::Arc<ConsumerState>,
    /// Changes after every batch this master's ingester commits.
    pub activity: tokio::sync::watch::Receiver<u64>,
}

/// Check leases until shutdown. Each round publishes a marker into the master's own events
/// queue; a lease expires only against the time of a marker that some master has consumed,
/// so an agent is never blamed for events still waiting in the queue while the master could
/// not read them. No marker is sent while this master's consumer is down or within the grace
/// period after it reconnects.
pub async fn run(
    db: DatabaseConnection,
    context: LeaseContext,
    lease_timeout: Duration,
    mut shutdown: Shutdown,
) {
    let period = (lease_timeout / 4).clamp(Duration::from_millis(200), Duration::from_secs(5));
    let grace = lease_timeout / 2;
    let mut activity = context.activity.clone();
    let mut pending: Option<(String, i64)> = None;
    let mut last_cleanup = now_us();
    let mut warned_at = 0_i64;
    loop {
        tokio::select! {
            () = shutdown.wait() => break,
            () = tokio::time::sleep(period) => {}
            _ = activity.changed(), if pending.is_some() => {}
        }
        let now = now_us();
        if let Some((id, sent)) = pending.clone() {
            match markers::seen_at(&db, &id).await {
                Ok(Some(seen)) => {
                    pending = None;
                    let behind =
                        Duration::from_micros(u64::try_from(seen - sent).unwrap_or_default());
                    if behind > lease_timeout / 2 {
                        tracing::warn!(
                            behind_ms = behind.as_millis() as u64,
                            "the events queue was behind; leases were checked only once it caught up"
                        );
                    }
                    match expire_once(&db, lease_timeout, sent).await {
                        Ok(0) => {}
                        Ok(_) => context.dispatcher.wake(),
                        Err(error) => {
                            tracing::warn!(error = %error_chain(&error), "lease check failed")
                        }
                    }
                }
                Ok(None) => {
                    let waiting =
                        Duration::from_micros(u64::try_from(now - sent).unwrap_or_default());
                    if waiting > lease_timeout * 10 {
                        tracing::warn!(
                            waiting_secs = waiting.as_secs(),
                            "a lease marker never arrived; sending another"
                        );
                        pending = None;
                    } else {
                        if waiting > lease_timeout && now - warned_at > 10_000_000 {
                            warned_at = now;
                            tracing::warn!(
                                waiting_secs = waiting.as_secs(),
                                "the events queue is behind (or the events consumer is stuck): no lease expires until it catches up"
                            );
                        }
                        continue;
                    }
                }
                Err(error) => {
                    tracing::warn!(error = %error_chain(&error), "cannot read the lease marker");
                    continue;
                }
            }
        }
        match context.consumer.consuming_for(now) {
            Some(consuming) if consuming >= grace => {}
            _ => continue,
        }
        match send_marker(&db, &context.publisher).await {
            Ok(marker) => pending = Some(marker),
            Err(error) => {
                tracing::warn!(error = %error_chain(&error), "cannot send a lease marker; leases wait");
            }
        }
        if now - last_cleanup > 3_600_000_000 {
            last_cleanup = now;
            let _ = markers::forget(&db, now - 3_600_000_000).await;
        }
    }
}

/// Why a marker could not be sent.
#[derive(Debug, thiserror::Error)]
enum MarkerError {
    #[error("database error")]
    Db(#[from] DbErr),
    #[error("broker error")]
    Broker(#[from] warren_broker::Error),
}

async fn send_marker(
    db: &DatabaseConnection,
    publisher: &warren_broker::Publisher,
) -> Result<(String, i64), MarkerError> {
    let (id, sent) = markers::new_marker(db).await?;
    let names = publisher.broker().names();
    let marker = warren_shared::Message::Marker(warren_shared::Marker {
        id: id.clone(),
        sent_at: time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(sent) * 1_000)
            .unwrap_or_else(|_| time::OffsetDateTime::now_utc()),
    });
    publisher
        .publish(&warren_broker::Outgoing::new(
            names.events_exchange(),
            warren_broker::EVENTS_KEY,
            &marker,
        ))
        .await?;
    Ok((id, sent))
}

#[cfg(test)]
mod tests {
    use sea_orm::ConnectionTrait;

    use super::*;
    use crate::db::backend_of;

    /// An agent, running, last heard from `silent_for` ago.
    async fn agent(db: &DatabaseConnection, silent_for: Duration) -> String {
        let agent_id = uuid::Uuid::new_v4().to_string();
        crate::store::agents::create_pending(db, &agent_id, "node", None)
            .await
            .expect("an agent row");
        db.execute_raw(crate::db::sql(
            backend_of(db),
            "UPDATE agents SET state = 'running', last_heard_from = ? WHERE id = ?",
            vec![
                (now_us() - silent_for.as_micros() as i64).into(),
                agent_id.as_str().into(),
            ],
        ))
        .await
        .expect("an update");
        agent_id
    }

    async fn state(db: &DatabaseConnection, agent_id: &str) -> String {
        let row = db
            .query_one_raw(crate::db::sql(
                backend_of(db),
                "SELECT state FROM agents WHERE id = ?",
                vec![agent_id.into()],
            ))
            .await
            .expect("a query")
            .expect("the agent");
        row.try_get("", "state").expect("a state")
    }

    #[tokio::test]
    async fn events_held_back_in_the_queue_past_the_deadline_expire_no_lease() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("leases.db").display()
        );
        let db = crate::db::connect(&url).await.expect("a database");
        crate::db::migrate(&db).await.expect("migrations");
        let lease = Duration::from_secs(5);
        let silent = agent(&db, Duration::from_secs(10)).await;
        // The last marker the master saw was sent 12 s ago: what the agent sent since may still
        // wait in the queue, so its 10 s of silence prove nothing yet.
        let consumed_up_to = now_us() - 12_000_000;
        assert_eq!(
            expire_once(&db, lease, consumed_up_to)
                .await
                .expect("a check"),
            0
        );
        assert_eq!(state(&db, &silent).await, "running");
        // Once a marker sent now was consumed, the silence is real.
        assert_eq!(expire_once(&db, lease, now_us()).await.expect("a check"), 1);
        assert_eq!(state(&db, &silent).await, "offline");
        // A marker is seen by whichever master consumes it.
        let (id, _) = markers::new_marker(&db).await.expect("a marker");
        assert_eq!(markers::seen_at(&db, &id).await.expect("a query"), None);
        markers::marker_seen(&db, &id).await.expect("an update");
        assert!(markers::seen_at(&db, &id).await.expect("a query").is_some());
    }
}
