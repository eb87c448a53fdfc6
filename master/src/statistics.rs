//! Statistics over time: a loop samples task counts per queue (and how many tasks finished since
//! the last sample), agent counts by state, and each live agent's free RAM and load, keeps them
//! for the retention period and deletes older ones. The web UI's charts read them.

use std::time::Duration;

use sea_orm::DatabaseConnection;
use warren_broker::Shutdown;

use crate::db::now_us;
use crate::store::statistics::sample;

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
