//! The farm's signing keys: `signing_keys`.

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use warren_shared::signing::SecretKey;

use super::{Result, StoreError};
use crate::db::{backend_of, now_us, sql};

/// One stored key.
#[derive(Debug, Clone)]
pub struct StoredKey {
    /// The key.
    pub secret: SecretKey,
    /// When it was made (µs).
    pub time_created: i64,
    /// When it stops signing and being trusted (µs), if it is being retired.
    pub time_retired: Option<i64>,
}

#[derive(Debug, FromQueryResult)]
struct KeyRow {
    key_id: String,
    secret_key: String,
    time_created: i64,
    time_retired: Option<i64>,
}

/// Every stored key, oldest first; a key that does not parse, or whose id is not its own, is
/// [`StoreError::Corrupt`].
pub async fn list(connection: &impl ConnectionTrait) -> Result<Vec<StoredKey>> {
    let rows = KeyRow::find_by_statement(sql(
        backend_of(connection),
        "SELECT key_id, secret_key, time_created, time_retired FROM signing_keys ORDER BY time_created, key_id",
        Vec::new(),
    ))
    .all(connection)
    .await?;
    rows.into_iter()
        .map(|row| {
            let corrupt =
                || StoreError::Corrupt(format!("the signing key `{}` does not parse", row.key_id));
            let secret = SecretKey::parse(&row.secret_key).map_err(|_| corrupt())?;
            if secret.key_id().as_str() != row.key_id {
                return Err(corrupt());
            }
            Ok(StoredKey {
                secret,
                time_created: row.time_created,
                time_retired: row.time_retired,
            })
        })
        .collect()
}

/// Store a new key, signing from now.
pub async fn insert(connection: &impl ConnectionTrait, key: &SecretKey) -> Result<(), DbErr> {
    connection
        .execute_raw(sql(
            backend_of(connection),
            "INSERT INTO signing_keys (key_id, public_key, secret_key, time_created) VALUES (?, ?, ?, ?)",
            vec![
                key.key_id().as_str().into(),
                key.public().public_key.into(),
                key.to_text().into(),
                now_us().into(),
            ],
        ))
        .await?;
    Ok(())
}

/// Retire at `at` (µs) every key not retired before then.
pub async fn retire_all(connection: &impl ConnectionTrait, at: i64) -> Result<(), DbErr> {
    connection
        .execute_raw(sql(
            backend_of(connection),
            "UPDATE signing_keys SET time_retired = ? WHERE time_retired IS NULL OR time_retired > ?",
            vec![at.into(), at.into()],
        ))
        .await?;
    Ok(())
}
