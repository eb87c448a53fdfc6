//! Path maps as stored: `path_maps`.

use sea_orm::{ConnectionTrait, FromQueryResult};
use warren_shared::PathMap;

use super::{Result, StoreError};
use crate::db::{backend_of, now_us, sql};

/// The columns a stored path map is read from.
const COLUMNS: &str = "id, path_linux, path_windows, path_macos, tag, time_created";

/// A stored path map.
#[derive(Debug, Clone, FromQueryResult)]
pub struct StoredPathMap {
    /// Id.
    pub id: i64,
    /// The path on Linux.
    pub path_linux: Option<String>,
    /// The path on Windows.
    pub path_windows: Option<String>,
    /// The path on macOS.
    pub path_macos: Option<String>,
    /// Only agents with this tag use it.
    pub tag: Option<String>,
    /// When it was made (µs).
    pub time_created: i64,
}

impl From<StoredPathMap> for PathMap {
    fn from(map: StoredPathMap) -> Self {
        Self {
            linux: map.path_linux,
            windows: map.path_windows,
            macos: map.path_macos,
            tag: map.tag,
        }
    }
}

/// Every path map, by id.
pub async fn list(connection: &impl ConnectionTrait) -> Result<Vec<StoredPathMap>> {
    Ok(StoredPathMap::find_by_statement(sql(
        backend_of(connection),
        &format!("SELECT {COLUMNS} FROM path_maps ORDER BY id"),
        Vec::new(),
    ))
    .all(connection)
    .await?)
}

/// Every path map, as the worker uses them.
pub async fn all(connection: &impl ConnectionTrait) -> Result<Vec<PathMap>> {
    Ok(list(connection)
        .await?
        .into_iter()
        .map(PathMap::from)
        .collect())
}

/// One path map.
pub async fn get(connection: &impl ConnectionTrait, map_id: i64) -> Result<StoredPathMap> {
    StoredPathMap::find_by_statement(sql(
        backend_of(connection),
        &format!("SELECT {COLUMNS} FROM path_maps WHERE id = ?"),
        vec![map_id.into()],
    ))
    .one(connection)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("path map {map_id} not found")))
}

/// Store a new path map; its id.
pub async fn create(connection: &impl ConnectionTrait, map: &PathMap) -> Result<i64> {
    super::first_id(
        connection,
        sql(
            backend_of(connection),
            "INSERT INTO path_maps (path_linux, path_windows, path_macos, tag, time_created) \
             VALUES (?, ?, ?, ?, ?) RETURNING id",
            vec![
                map.linux.clone().into(),
                map.windows.clone().into(),
                map.macos.clone().into(),
                map.tag.clone().into(),
                now_us().into(),
            ],
        ),
    )
    .await?
    .ok_or_else(|| StoreError::Corrupt("inserting a path map returned no id".to_owned()))
}

/// Replace a path map.
pub async fn replace(connection: &impl ConnectionTrait, map_id: i64, map: &PathMap) -> Result<()> {
    get(connection, map_id).await?;
    connection
        .execute_raw(sql(
            backend_of(connection),
            "UPDATE path_maps SET path_linux = ?, path_windows = ?, path_macos = ?, tag = ? WHERE id = ?",
            vec![
                map.linux.clone().into(),
                map.windows.clone().into(),
                map.macos.clone().into(),
                map.tag.clone().into(),
                map_id.into(),
            ],
        ))
        .await?;
    Ok(())
}

/// Delete a path map.
pub async fn delete(connection: &impl ConnectionTrait, map_id: i64) -> Result<()> {
    get(connection, map_id).await?;
    connection
        .execute_raw(sql(
            backend_of(connection),
            "DELETE FROM path_maps WHERE id = ?",
            vec![map_id.into()],
        ))
        .await?;
    Ok(())
}
