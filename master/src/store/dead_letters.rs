//! Dead letters: messages the master could not process, kept with the reason.

use sea_orm::{ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect};

use super::truncate;
use crate::db::{backend_of, now_us, sql};
use crate::entities::dead_letter;

/// Largest payload kept.
const MAX_PAYLOAD: usize = 64 * 1024;

/// A message to keep as dead-lettered.
#[derive(Debug, Clone, Copy)]
pub struct NewDeadLetter<'a> {
    /// The queue it came from.
    pub source: &'a str,
    /// Why it could not be processed.
    pub reason: &'a str,
    /// Its AMQP `type`, when set.
    pub kind: Option<&'a str>,
    /// Its body.
    pub payload: &'a [u8],
}

/// Keep a dead-lettered message (its body as text, truncated).
pub async fn record(
    connection: &impl ConnectionTrait,
    letter: NewDeadLetter<'_>,
) -> Result<(), DbErr> {
    let payload = truncate(&String::from_utf8_lossy(letter.payload), MAX_PAYLOAD);
    let kind = letter.kind.map(|kind| truncate(kind, 64));
    connection
        .execute_raw(sql(
            backend_of(connection),
            "INSERT INTO dead_letters (time_created, source, reason, kind, payload) VALUES (?, ?, ?, ?, ?)",
            vec![
                now_us().into(),
                truncate(letter.source, 255).into(),
                truncate(letter.reason, 4096).into(),
                kind.into(),
                payload.into(),
            ],
        ))
        .await?;
    Ok(())
}

/// How many messages were dead-lettered in all, and the latest `limit`, newest first.
pub async fn latest(
    connection: &impl ConnectionTrait,
    limit: u64,
) -> Result<(u64, Vec<dead_letter::Model>), DbErr> {
    let count = dead_letter::Entity::find().count(connection).await?;
    let rows = dead_letter::Entity::find()
        .order_by_desc(dead_letter::Column::Id)
        .limit(limit)
        .all(connection)
        .await?;
    Ok((count, rows))
}
