//! The farm's software catalogue as stored: `software_catalogue`, one row per piece of software
//! with its versions as JSON.

use sea_orm::{ConnectionTrait, FromQueryResult};
use warren_api::{SoftwareDefinition, SoftwareVersionDefinition};

use super::{Result, StoreError};
use crate::db::{backend_of, now_us, sql};

#[derive(FromQueryResult)]
struct Row {
    name: String,
    versions: String,
}

impl TryFrom<Row> for SoftwareDefinition {
    type Error = StoreError;

    fn try_from(row: Row) -> Result<Self> {
        let versions: Vec<SoftwareVersionDefinition> = serde_json::from_str(&row.versions)
            .map_err(|error| {
                StoreError::Corrupt(format!("catalogue entry `{}`: {error}", row.name))
            })?;
        Ok(Self {
            name: row.name,
            versions,
        })
    }
}

/// The whole catalogue, by name.
pub async fn all(connection: &impl ConnectionTrait) -> Result<Vec<SoftwareDefinition>> {
    Row::find_by_statement(sql(
        backend_of(connection),
        "SELECT name, versions FROM software_catalogue ORDER BY name",
        Vec::new(),
    ))
    .all(connection)
    .await?
    .into_iter()
    .map(SoftwareDefinition::try_from)
    .collect()
}

/// Define a piece of software, replacing what the catalogue held for it; whether it was new.
/// Call inside a transaction.
pub async fn put(
    connection: &impl ConnectionTrait,
    definition: &SoftwareDefinition,
    updated_by: Option<&str>,
) -> Result<bool> {
    let backend = backend_of(connection);
    let versions = serde_json::to_string(&definition.versions)
        .map_err(|error| StoreError::Corrupt(error.to_string()))?;
    let removed = connection
        .execute_raw(sql(
            backend,
            "DELETE FROM software_catalogue WHERE name = ?",
            vec![definition.name.clone().into()],
        ))
        .await?
        .rows_affected();
    connection
        .execute_raw(sql(
            backend,
            "INSERT INTO software_catalogue (name, versions, updated_by, time_updated) VALUES (?, ?, ?, ?)",
            vec![
                definition.name.clone().into(),
                versions.into(),
                updated_by.map(str::to_owned).into(),
                now_us().into(),
            ],
        ))
        .await?;
    Ok(removed == 0)
}

/// Remove a piece of software from the catalogue; whether it was there.
pub async fn delete(connection: &impl ConnectionTrait, name: &str) -> Result<bool> {
    Ok(connection
        .execute_raw(sql(
            backend_of(connection),
            "DELETE FROM software_catalogue WHERE name = ?",
            vec![name.to_owned().into()],
        ))
        .await?
        .rows_affected()
        > 0)
}
