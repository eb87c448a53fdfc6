//! Agent restarts: each request is a batch of agents restarted a few at a time (its
//! `max_at_once`). A row goes `pending` → `restarting` (the `Restart` was sent) → `done` (the
//! agent said hello from a process started after that) or `failed` (it went offline instead);
//! a failure holds the rest of its batch, so a broken binary stops a rolling upgrade.

use sea_orm::{ConnectionTrait, DatabaseConnection, FromQueryResult};

use super::{Result, StoreError};
use crate::db::{now_us, sql, write_transaction};

warren_shared::state_enum!(
    /// Where one agent's restart stands.
    RestartState, "restart", {
        /// Waiting for room in its batch.
        Pending => "pending",
        /// The agent was told to restart.
        Restarting => "restarting",
        /// It came back from a new process.
        Done => "done",
        /// It went offline instead; the rest of its batch waits.
        Failed => "failed",
    }
);

/// One agent's restart.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct RestartRow {
    /// The row.
    pub id: i64,
    /// The agent.
    pub agent_id: String,
    /// The request it belongs to.
    pub batch: i64,
    /// How many of the batch may restart at once.
    pub max_at_once: i32,
    /// Hand running tasks back instead of letting them finish.
    pub now: bool,
    /// Where it stands.
    pub state: super::Named<RestartState>,
    /// Who asked.
    pub requested_by: String,
    /// When, microseconds since the epoch.
    pub requested_at: i64,
    /// When the agent was told.
    pub sent_at: Option<i64>,
    /// When the agent's process had started when it was told (a hello from a process that
    /// started at another time completes the restart).
    pub started_before: Option<i64>,
    /// When it came back (or was found gone).
    pub done_at: Option<i64>,
    /// The version it reported before.
    pub version_before: Option<String>,
    /// The version it reported after.
    pub version_after: Option<String>,
}

/// Ask for `agent_ids` to restart, `max_at_once` at a time; agents with a restart under way are
/// left out. Returns the batch id and the agents added.
pub async fn request(
    db: &DatabaseConnection,
    agent_ids: &[String],
    max_at_once: i32,
    now: bool,
    requested_by: &str,
) -> Result<(i64, Vec<String>)> {
    write_transaction(db, |transaction| async move {
        let transaction = &*transaction;
        let backend = transaction.get_database_backend();
        #[derive(FromQueryResult)]
        struct Batch {
            batch: Option<i64>,
        }
        let batch = Batch::find_by_statement(sql(
            backend,
            "SELECT MAX(batch) AS batch FROM agent_restarts",
            Vec::new(),
        ))
        .one(transaction)
        .await?
        .and_then(|row| row.batch)
        .unwrap_or(0)
            + 1;
        let mut added = Vec::new();
        for agent_id in agent_ids {
            #[derive(FromQueryResult)]
            struct Agent {
                version: String,
            }
            let agent = Agent::find_by_statement(sql(
                backend,
                "SELECT version FROM agents WHERE id = ?",
                vec![agent_id.clone().into()],
            ))
            .one(transaction)
            .await?
            .ok_or_else(|| StoreError::invalid("agents", format!("unknown agent {agent_id}")))?;
            let busy = super::count(
                transaction,
                sql(
                    backend,
                    "SELECT COUNT(*) AS n FROM agent_restarts WHERE agent_id = ? AND state IN ('pending', 'restarting')",
                    vec![agent_id.clone().into()],
                ),
            )
            .await?;
            if busy > 0 {
                continue;
            }
            transaction
                .execute_raw(sql(
                    backend,
                    "INSERT INTO agent_restarts (agent_id, batch, max_at_once, now, state, requested_by, requested_at, version_before) \
                     VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)",
                    vec![
                        agent_id.clone().into(),
                        batch.into(),
                        max_at_once.into(),
                        now.into(),
                        requested_by.into(),
                        now_us().into(),
                        agent.version.into(),
                    ],
                ))
                .await?;
            added.push(agent_id.clone());
        }
        Ok::<_, StoreError>((batch, added))
    })
    .await
}

/// How long a restarting agent may stay offline before its restart counts as failed: the new
/// process says hello within seconds of the old one saying goodbye.
const COME_BACK_US: i64 = 120 * 1_000_000;

/// Mark restarting agents that went offline and did not come back `failed`, then move the next pending agents of each
/// batch without a failure to `restarting`, up to its `max_at_once`. Returns the agents to tell,
/// with whether to hand running tasks back.
pub async fn start_due(db: &DatabaseConnection) -> Result<Vec<(String, bool)>> {
    write_transaction(db, |transaction| async move {
        let transaction = &*transaction;
        let backend = transaction.get_database_backend();
        let now = now_us();
        transaction
            .execute_raw(sql(
                backend,
                "UPDATE agent_restarts SET state = 'failed', done_at = ? WHERE state = 'restarting' \
                 AND agent_id IN (SELECT id FROM agents WHERE state = 'offline' AND last_heard_from < ?)",
                vec![now.into(), (now - COME_BACK_US).into()],
            ))
            .await?;
        let open = RestartRow::find_by_statement(sql(
            backend,
            "SELECT * FROM agent_restarts WHERE state IN ('pending', 'restarting', 'failed') \
             AND batch IN (SELECT batch FROM agent_restarts WHERE state = 'pending') ORDER BY batch, id",
            Vec::new(),
        ))
        .all(transaction)
        .await?;
        let mut due = Vec::new();
        let mut batches: Vec<i64> = open.iter().map(|row| row.batch).collect();
        batches.dedup();
        for batch in batches {
            let rows: Vec<&RestartRow> = open.iter().filter(|row| row.batch == batch).collect();
            if rows.iter().any(|row| row.state.0 == RestartState::Failed) {
                continue;
            }
            let restarting = rows.iter().filter(|row| row.state.0 == RestartState::Restarting).count();
            let room = usize::try_from(rows[0].max_at_once)
                .unwrap_or(1)
                .saturating_sub(restarting);
            for row in rows.iter().filter(|row| row.state.0 == RestartState::Pending).take(room) {
                transaction
                    .execute_raw(sql(
                        backend,
                        "UPDATE agent_restarts SET state = 'restarting', sent_at = ?, \
                         started_before = (SELECT started_at FROM agents WHERE agents.id = agent_restarts.agent_id) \
                         WHERE id = ?",
                        vec![now.into(), row.id.into()],
                    ))
                    .await?;
                due.push((row.agent_id.clone(), row.now));
            }
        }
        Ok::<_, StoreError>(due)
    })
    .await
}

/// An agent said hello from a process started at `started_at` (its own clock): a restart it was
/// told while another process ran is done.
pub async fn complete(
    connection: &impl ConnectionTrait,
    agent_id: &str,
    started_at: i64,
    version: &str,
) -> std::result::Result<(), sea_orm::DbErr> {
    connection
        .execute_raw(sql(
            connection.get_database_backend(),
            "UPDATE agent_restarts SET state = 'done', done_at = ?, version_after = ? \
             WHERE agent_id = ? AND state = 'restarting' AND (started_before IS NULL OR started_before <> ?)",
            vec![
                now_us().into(),
                super::truncate(version, 128).into(),
                agent_id.into(),
                started_at.into(),
            ],
        ))
        .await?;
    Ok(())
}

/// The agents online now (the ones `--all` restarts).
pub async fn online_agents(connection: &impl ConnectionTrait) -> Result<Vec<String>> {
    #[derive(FromQueryResult)]
    struct Agent {
        id: String,
    }
    Ok(Agent::find_by_statement(sql(
        connection.get_database_backend(),
        "SELECT id FROM agents WHERE state IN ('online', 'running') ORDER BY hostname, id",
        Vec::new(),
    ))
    .all(connection)
    .await?
    .into_iter()
    .map(|agent| agent.id)
    .collect())
}

/// The latest restarts, newest first.
pub async fn list(connection: &impl ConnectionTrait, limit: u64) -> Result<Vec<RestartRow>> {
    Ok(RestartRow::find_by_statement(sql(
        connection.get_database_backend(),
        "SELECT * FROM agent_restarts ORDER BY id DESC LIMIT ?",
        vec![i64::try_from(limit).unwrap_or(i64::MAX).into()],
    ))
    .all(connection)
    .await?)
}
