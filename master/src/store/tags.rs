//! Tags: names that agents carry and jobs require.

use sea_orm::{ConnectionTrait, FromQueryResult};

use super::{Result, StoreError};
use crate::db::{backend_of, is_unique_violation, sql};

/// A tag with how many agents and jobs carry it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct TagUse {
    /// Tag name.
    pub name: String,
    /// Agents that carry it.
    pub n_agents: i64,
    /// Jobs that require it.
    pub n_jobs: i64,
}

/// Every tag with its use, by name.
pub async fn list(connection: &impl ConnectionTrait) -> Result<Vec<TagUse>> {
    Ok(TagUse::find_by_statement(sql(
        backend_of(connection),
        "SELECT t.name, \
         (SELECT COUNT(*) FROM agent_tags a WHERE a.tag_id = t.id) AS n_agents, \
         (SELECT COUNT(*) FROM job_tags j WHERE j.tag_id = t.id) AS n_jobs \
         FROM tags t ORDER BY t.name",
        Vec::new(),
    ))
    .all(connection)
    .await?)
}

/// Make a tag; a name in use is a conflict.
pub async fn create(connection: &impl ConnectionTrait, name: &str) -> Result<()> {
    connection
        .execute_raw(sql(
            backend_of(connection),
            "INSERT INTO tags (name) VALUES (?)",
            vec![name.into()],
        ))
        .await
        .map_err(|error| {
            if is_unique_violation(&error) {
                StoreError::Conflict(format!("tag `{name}` already exists"))
            } else {
                error.into()
            }
        })?;
    Ok(())
}

/// A tag's id.
pub async fn id(connection: &impl ConnectionTrait, name: &str) -> Result<i64> {
    super::first_id(
        connection,
        sql(
            backend_of(connection),
            "SELECT id FROM tags WHERE name = ?",
            vec![name.into()],
        ),
    )
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("tag `{name}` not found")))
}

/// The newest `limit` jobs that require a tag, newest first.
pub async fn jobs(connection: &impl ConnectionTrait, tag_id: i64, limit: u64) -> Result<Vec<i64>> {
    Ok(super::ids(
        connection,
        sql(
            backend_of(connection),
            "SELECT job_id AS id FROM job_tags WHERE tag_id = ? ORDER BY job_id DESC LIMIT ?",
            vec![
                tag_id.into(),
                i64::try_from(limit).unwrap_or(i64::MAX).into(),
            ],
        ),
    )
    .await?)
}

/// Delete a tag no agent or job carries.
pub async fn delete(connection: &impl ConnectionTrait, name: &str) -> Result<()> {
    let tag_id = id(connection, name).await?;
    let backend = backend_of(connection);
    let uses = super::count(
        connection,
        sql(
            backend,
            "SELECT (SELECT COUNT(*) FROM agent_tags WHERE tag_id = ?) + \
             (SELECT COUNT(*) FROM job_tags WHERE tag_id = ?) AS n",
            vec![tag_id.into(), tag_id.into()],
        ),
    )
    .await?;
    if uses > 0 {
        return Err(StoreError::Conflict(format!(
            "tag `{name}` is carried by {uses} agents or jobs"
        )));
    }
    connection
        .execute_raw(sql(
            backend,
            "DELETE FROM tags WHERE id = ?",
            vec![tag_id.into()],
        ))
        .await?;
    Ok(())
}
