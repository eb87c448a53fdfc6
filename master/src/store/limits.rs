//! Limits (licences): named counts of units that tasks of the jobs holding them use.

use sea_orm::ConnectionTrait;

use super::{Result, StoreError};
use crate::db::{backend_of, now_us, sql};

/// Create the limit `name`, or change it, to `max` units counted per task or per host.
pub async fn put(
    connection: &impl ConnectionTrait,
    name: &str,
    max: i32,
    per_host: bool,
) -> Result<()> {
    let backend = backend_of(connection);
    let updated = connection
        .execute_raw(sql(
            backend,
            "UPDATE limits SET max_count = ?, per_host = ? WHERE name = ?",
            vec![max.into(), per_host.into(), name.into()],
        ))
        .await?;
    if updated.rows_affected() == 0 {
        connection
            .execute_raw(sql(
                backend,
                "INSERT INTO limits (name, max_count, per_host, time_created) VALUES (?, ?, ?, ?)",
                vec![name.into(), max.into(), per_host.into(), now_us().into()],
            ))
            .await?;
    }
    Ok(())
}

/// Delete the limit `name`; the jobs that held it no longer do.
pub async fn delete(connection: &impl ConnectionTrait, name: &str) -> Result<()> {
    let backend = backend_of(connection);
    let limit_id = super::first_id(
        connection,
        sql(
            backend,
            "SELECT id FROM limits WHERE name = ?",
            vec![name.into()],
        ),
    )
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("limit `{name}` not found")))?;
    for statement in [
        "DELETE FROM job_limits WHERE limit_id = ?",
        "DELETE FROM limits WHERE id = ?",
    ] {
        connection
            .execute_raw(sql(backend, statement, vec![limit_id.into()]))
            .await?;
    }
    Ok(())
}
