//! The leader's restart coordinator: every half second it tells the next agents of each restart
//! request to restart, never more at once than the request allows (`store::restarts`).

use std::time::Duration;

use sea_orm::DatabaseConnection;
use warren_broker::Shutdown;

use crate::control::Control;

/// How often restarts are advanced.
const ROUND: Duration = Duration::from_millis(500);

/// Advance restarts until shutdown.
pub async fn run(db: DatabaseConnection, control: Control, mut shutdown: Shutdown) {
    let mut ticks = tokio::time::interval(ROUND);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.wait() => return,
            _ = ticks.tick() => {}
        }
        match crate::store::restarts::start_due(&db).await {
            Ok(due) if due.is_empty() => {}
            Ok(due) => {
                let mut messages = Vec::with_capacity(due.len());
                for (agent_id, now) in &due {
                    match uuid::Uuid::parse_str(agent_id) {
                        Ok(agent) => messages.push(control.restart(agent, *now)),
                        Err(_) => {
                            tracing::warn!(agent_id, "a restart names an agent id that is no UUID")
                        }
                    }
                }
                tracing::info!(agents = ?due, "telling agents to restart");
                control.send(messages).await;
            }
            Err(error) => {
                tracing::warn!(error = %warren_broker::error_chain(&error), "cannot advance agent restarts");
            }
        }
    }
}
