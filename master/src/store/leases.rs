//! Lease markers: messages the lease checker sends through the events queue, each recorded
//! when sent and when some master's ingester consumed it.

use sea_orm::{ConnectionTrait, DbErr};

use crate::db::{backend_of, now_us, sql};

/// Record a new marker as sent now (µs); its id.
pub async fn new_marker(connection: &impl ConnectionTrait) -> Result<(String, i64), DbErr> {
    let id = uuid::Uuid::new_v4().to_string();
    let sent = now_us();
    connection
        .execute_raw(sql(
            backend_of(connection),
            "INSERT INTO lease_markers (id, time_sent) VALUES (?, ?)",
            vec![id.as_str().into(), sent.into()],
        ))
        .await?;
    Ok((id, sent))
}

/// Note that a marker was consumed (by whichever master's ingester took it).
pub async fn marker_seen(connection: &impl ConnectionTrait, id: &str) -> Result<(), DbErr> {
    connection
        .execute_raw(sql(
            backend_of(connection),
            "UPDATE lease_markers SET time_seen = ? WHERE id = ? AND time_seen IS NULL",
            vec![now_us().into(), id.into()],
        ))
        .await?;
    Ok(())
}

/// When a marker was consumed, if it was.
pub async fn seen_at(connection: &impl ConnectionTrait, id: &str) -> Result<Option<i64>, DbErr> {
    #[derive(sea_orm::FromQueryResult)]
    struct Seen {
        time_seen: Option<i64>,
    }
    use sea_orm::FromQueryResult as _;
    Ok(Seen::find_by_statement(sql(
        backend_of(connection),
        "SELECT time_seen FROM lease_markers WHERE id = ?",
        vec![id.into()],
    ))
    .one(connection)
    .await?
    .and_then(|row| row.time_seen))
}

/// Forget markers older than `horizon` (µs).
pub async fn forget(connection: &impl ConnectionTrait, horizon: i64) -> Result<(), DbErr> {
    connection
        .execute_raw(sql(
            backend_of(connection),
            "DELETE FROM lease_markers WHERE time_sent < ?",
            vec![horizon.into()],
        ))
        .await?;
    Ok(())
}
