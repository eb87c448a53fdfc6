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
    /// The broker user that published it, when known.
    pub user_id: Option<&'a str>,
}

/// Keep a dead-lettered message: its body as text (truncated) to show, and whole to replay.
pub async fn record(
    connection: &impl ConnectionTrait,
    letter: NewDeadLetter<'_>,
) -> Result<(), DbErr> {
    let payload = truncate(&String::from_utf8_lossy(letter.payload), MAX_PAYLOAD);
    let kind = letter.kind.map(|kind| truncate(kind, 64));
    connection
        .execute_raw(sql(
            backend_of(connection),
            "INSERT INTO dead_letters (time_created, source, reason, kind, payload, data, user_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                now_us().into(),
                truncate(letter.source, 255).into(),
                truncate(letter.reason, 4096).into(),
                kind.into(),
                payload.into(),
                letter.payload.to_vec().into(),
                letter.user_id.map(|user| truncate(user, 255)).into(),
            ],
        ))
        .await?;
    Ok(())
}

/// One dead letter.
pub async fn get(
    connection: &impl ConnectionTrait,
    dead_letter_id: i64,
) -> Result<Option<dead_letter::Model>, DbErr> {
    dead_letter::Entity::find_by_id(dead_letter_id)
        .one(connection)
        .await
}

/// Note that a dead letter was replayed.
pub async fn mark_replayed(
    connection: &impl ConnectionTrait,
    dead_letter_id: i64,
) -> Result<(), DbErr> {
    connection
        .execute_raw(sql(
            backend_of(connection),
            "UPDATE dead_letters SET replayed_at = ? WHERE id = ?",
            vec![now_us().into(), dead_letter_id.into()],
        ))
        .await?;
    Ok(())
}

/// Delete a dead letter; whether it existed.
pub async fn delete(connection: &impl ConnectionTrait, dead_letter_id: i64) -> Result<bool, DbErr> {
    Ok(connection
        .execute_raw(sql(
            backend_of(connection),
            "DELETE FROM dead_letters WHERE id = ?",
            vec![dead_letter_id.into()],
        ))
        .await?
        .rows_affected()
        > 0)
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
