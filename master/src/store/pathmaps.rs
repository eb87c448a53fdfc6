//! Path maps as stored: `path_maps`.

use sea_orm::ConnectionTrait;
use warren_shared::PathMap;

use crate::db::{backend_of, sql};

/// The columns the API shows.
pub const COLUMNS: &str = "id, path_linux, path_windows, path_macos, tag, time_created";

/// Every path map, as the worker uses them.
pub async fn all(connection: &impl ConnectionTrait) -> Result<Vec<PathMap>, sea_orm::DbErr> {
    let rows = connection
        .query_all_raw(sql(
            backend_of(connection),
            &format!("SELECT {COLUMNS} FROM path_maps ORDER BY id"),
            Vec::new(),
        ))
        .await?;
    rows.iter()
        .map(|row| {
            Ok(PathMap {
                linux: row.try_get("", "path_linux")?,
                windows: row.try_get("", "path_windows")?,
                macos: row.try_get("", "path_macos")?,
                tag: row.try_get("", "tag")?,
            })
        })
        .collect()
}
