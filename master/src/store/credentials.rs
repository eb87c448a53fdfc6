//! Enrolled agents' broker identities: the RabbitMQ user of each, the password hash RabbitMQ
//! stores for it (so the master can create the user again on a broker that lost it), and its
//! status: waiting for the node to join, joined, or revoked.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};

use super::Result;
use crate::db::{backend_of, now_us, sql};

warren_shared::state_enum!(
    /// Where an enrolled agent is in its life.
    CredentialStatus, "credential", {
        /// Enrolled; the node has not joined (its user's password is the token's secret).
        Pending => "pending",
        /// The node joined; its user's password is one only the node knows.
        Enrolled => "enrolled",
        /// Revoked, or its token expired unused: the user is deleted.
        Revoked => "revoked",
    }
);

/// One enrolled agent's broker identity.
#[derive(Debug, Clone)]
pub struct Credential {
    /// The agent.
    pub agent_id: String,
    /// Its RabbitMQ user.
    pub broker_user: String,
    /// Where it is in its life.
    pub status: CredentialStatus,
    /// The user's password as RabbitMQ stores it.
    pub password_hash: String,
    /// The name given at enrollment.
    pub name: Option<String>,
    /// Who enrolled it.
    pub created_by: Option<String>,
    /// When it was enrolled (µs).
    pub time_created: i64,
    /// When its join token stops working (µs), while pending.
    pub time_expires: Option<i64>,
    /// When the node joined (µs).
    pub time_joined: Option<i64>,
    /// When it was revoked (µs).
    pub time_revoked: Option<i64>,
}

const COLUMNS: &str = "agent_id, broker_user, status, password_hash, name, created_by, time_created, time_expires, time_joined, time_revoked";

/// An `agent_credentials` row as stored (the status as text).
#[derive(FromQueryResult)]
struct CredentialRow {
    agent_id: String,
    broker_user: String,
    status: super::Named<CredentialStatus>,
    password_hash: String,
    name: Option<String>,
    created_by: Option<String>,
    time_created: i64,
    time_expires: Option<i64>,
    time_joined: Option<i64>,
    time_revoked: Option<i64>,
}

#[derive(FromQueryResult)]
struct StatusRow {
    agent_id: String,
    status: super::Named<CredentialStatus>,
}

#[derive(FromQueryResult)]
struct AgentIdRow {
    agent_id: String,
}

fn from_row(row: &sea_orm::QueryResult) -> Result<Credential> {
    let row = CredentialRow::from_query_result(row, "")?;
    Ok(Credential {
        status: row.status.0,
        agent_id: row.agent_id,
        broker_user: row.broker_user,
        password_hash: row.password_hash,
        name: row.name,
        created_by: row.created_by,
        time_created: row.time_created,
        time_expires: row.time_expires,
        time_joined: row.time_joined,
        time_revoked: row.time_revoked,
    })
}

/// Store a new identity.
pub async fn insert(connection: &impl ConnectionTrait, credential: &Credential) -> Result<()> {
    connection
        .execute_raw(sql(
            backend_of(connection),
            &format!(
                "INSERT INTO agent_credentials ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            vec![
                credential.agent_id.as_str().into(),
                credential.broker_user.as_str().into(),
                credential.status.as_str().into(),
                credential.password_hash.as_str().into(),
                credential.name.clone().into(),
                credential.created_by.clone().into(),
                credential.time_created.into(),
                credential.time_expires.into(),
                credential.time_joined.into(),
                credential.time_revoked.into(),
            ],
        ))
        .await?;
    Ok(())
}

/// Forget an identity (an enrollment whose broker side could not be made).
pub async fn delete(connection: &impl ConnectionTrait, agent_id: &str) -> Result<()> {
    connection
        .execute_raw(sql(
            backend_of(connection),
            "DELETE FROM agent_credentials WHERE agent_id = ?",
            vec![agent_id.into()],
        ))
        .await?;
    Ok(())
}

/// One agent's identity, if it was enrolled.
pub async fn get(connection: &impl ConnectionTrait, agent_id: &str) -> Result<Option<Credential>> {
    let row = connection
        .query_one_raw(sql(
            backend_of(connection),
            &format!("SELECT {COLUMNS} FROM agent_credentials WHERE agent_id = ?"),
            vec![agent_id.into()],
        ))
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Every identity that is not revoked.
pub async fn active(connection: &impl ConnectionTrait) -> Result<Vec<Credential>> {
    let rows = connection
        .query_all_raw(sql(
            backend_of(connection),
            &format!("SELECT {COLUMNS} FROM agent_credentials WHERE status <> 'revoked'"),
            Vec::new(),
        ))
        .await?;
    rows.iter().map(from_row).collect()
}

/// The statuses of those of `agent_ids` that were enrolled; the others are absent.
pub async fn statuses(
    connection: &impl ConnectionTrait,
    agent_ids: &[String],
) -> Result<HashMap<String, CredentialStatus>, DbErr> {
    if agent_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let marks = vec!["?"; agent_ids.len()].join(", ");
    let rows = StatusRow::find_by_statement(sql(
        backend_of(connection),
        &format!("SELECT agent_id, status FROM agent_credentials WHERE agent_id IN ({marks})"),
        agent_ids.iter().map(|id| id.as_str().into()).collect(),
    ))
    .all(connection)
    .await?;
    let mut statuses = HashMap::new();
    for row in rows {
        statuses.insert(row.agent_id, row.status.0);
    }
    Ok(statuses)
}

/// A pending identity joined: its password is now `password_hash`. Returns whether it was
/// pending (a second join changes nothing).
pub async fn set_joined(
    connection: &impl ConnectionTrait,
    agent_id: &str,
    password_hash: &str,
) -> Result<bool> {
    let result = connection
        .execute_raw(sql(
            backend_of(connection),
            "UPDATE agent_credentials SET status = 'enrolled', password_hash = ?, time_joined = ?, time_expires = NULL \
             WHERE agent_id = ? AND status = 'pending'",
            vec![password_hash.into(), now_us().into(), agent_id.into()],
        ))
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Revoke an identity and mark its agent revoked. Returns whether it was not revoked before.
pub async fn set_revoked(connection: &impl ConnectionTrait, agent_id: &str) -> Result<bool> {
    let backend = backend_of(connection);
    let result = connection
        .execute_raw(sql(
            backend,
            "UPDATE agent_credentials SET status = 'revoked', time_revoked = ? WHERE agent_id = ? AND status <> 'revoked'",
            vec![now_us().into(), agent_id.into()],
        ))
        .await?;
    connection
        .execute_raw(sql(
            backend,
            "UPDATE agents SET state = 'revoked' WHERE id = ?",
            vec![agent_id.into()],
        ))
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Pending identities whose token expired before `now` (µs).
pub async fn expired(connection: &impl ConnectionTrait, now: i64) -> Result<Vec<String>> {
    let rows = AgentIdRow::find_by_statement(sql(
        backend_of(connection),
        "SELECT agent_id FROM agent_credentials WHERE status = 'pending' AND time_expires < ?",
        vec![now.into()],
    ))
    .all(connection)
    .await?;
    Ok(rows.into_iter().map(|row| row.agent_id).collect())
}
