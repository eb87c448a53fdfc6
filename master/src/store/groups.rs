//! Job groups: named sets of jobs that a submitter follows together.

use sea_orm::{ConnectionTrait, FromQueryResult};

use super::{Result, StoreError};
use crate::db::{backend_of, now_us, sql};

/// A group.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Group {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Who owns it.
    pub owner: Option<String>,
    /// When it was made (µs).
    pub time_created: i64,
}

/// A job of a group.
#[derive(Debug, Clone, FromQueryResult)]
pub struct GroupJob {
    /// Job id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Its state.
    pub state: super::Named<warren_shared::JobState>,
}

fn not_found(group_id: i64) -> StoreError {
    StoreError::NotFound(format!("job group {group_id} not found"))
}

/// A group and its jobs, oldest first.
pub async fn get(
    connection: &impl ConnectionTrait,
    group_id: i64,
) -> Result<(Group, Vec<GroupJob>)> {
    let backend = backend_of(connection);
    let group = Group::find_by_statement(sql(
        backend,
        "SELECT id, title, owner, time_created FROM job_groups WHERE id = ?",
        vec![group_id.into()],
    ))
    .one(connection)
    .await?
    .ok_or_else(|| not_found(group_id))?;
    let jobs = GroupJob::find_by_statement(sql(
        backend,
        "SELECT id, title, state FROM jobs WHERE group_id = ? ORDER BY id",
        vec![group_id.into()],
    ))
    .all(connection)
    .await?;
    Ok((group, jobs))
}

/// Make a group; its id.
pub async fn create(
    connection: &impl ConnectionTrait,
    title: &str,
    owner: Option<&str>,
) -> Result<i64> {
    super::first_id(
        connection,
        sql(
            backend_of(connection),
            "INSERT INTO job_groups (title, owner, time_created) VALUES (?, ?, ?) RETURNING id",
            vec![title.into(), owner.into(), now_us().into()],
        ),
    )
    .await?
    .ok_or_else(|| StoreError::Corrupt("inserting a group returned no id".to_owned()))
}

/// Rename a group.
pub async fn rename(connection: &impl ConnectionTrait, group_id: i64, title: &str) -> Result<()> {
    let updated = connection
        .execute_raw(sql(
            backend_of(connection),
            "UPDATE job_groups SET title = ? WHERE id = ?",
            vec![title.into(), group_id.into()],
        ))
        .await?;
    if updated.rows_affected() == 0 {
        return Err(not_found(group_id));
    }
    Ok(())
}

/// Delete a group; its jobs stay, in no group.
pub async fn delete(connection: &impl ConnectionTrait, group_id: i64) -> Result<()> {
    let backend = backend_of(connection);
    connection
        .execute_raw(sql(
            backend,
            "UPDATE jobs SET group_id = NULL WHERE group_id = ?",
            vec![group_id.into()],
        ))
        .await?;
    let deleted = connection
        .execute_raw(sql(
            backend,
            "DELETE FROM job_groups WHERE id = ?",
            vec![group_id.into()],
        ))
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(not_found(group_id));
    }
    Ok(())
}

/// A page of group ids, newest first: those below `before`, owned by `owner` when given.
pub async fn page(
    connection: &impl ConnectionTrait,
    before: Option<i64>,
    owner: Option<&str>,
    limit: u64,
) -> Result<Vec<i64>> {
    let mut conditions = Vec::new();
    let mut values: Vec<sea_orm::Value> = Vec::new();
    if let Some(before) = before {
        conditions.push("id < ?");
        values.push(before.into());
    }
    if let Some(owner) = owner {
        conditions.push("owner = ?");
        values.push(owner.into());
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    values.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
    Ok(super::ids(
        connection,
        sql(
            backend_of(connection),
            &format!("SELECT id FROM job_groups {filter} ORDER BY id DESC LIMIT ?"),
            values,
        ),
    )
    .await?)
}
