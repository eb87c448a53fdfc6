//! Dead letters: messages the master could not process, kept with the reason.

use sea_orm::{ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait};

use super::truncate;
use crate::db::{backend_of, now_us, sql};
use crate::entities::dead_letter;

/// Largest payload kept as text, to show.
const MAX_PAYLOAD: usize = 64 * 1024;

/// Largest body kept to replay (well inside MariaDB's default `max_allowed_packet`).
const MAX_REPLAYABLE: usize = 4 * 1024 * 1024;

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
    /// Whether the whole message was refused, so replaying it replays nothing else (not one
    /// event of a batch whose other events were applied).
    pub whole: bool,
}

/// Keep a dead-lettered message: its body as text (truncated) to show, and whole to replay.
pub async fn record(
    connection: &impl ConnectionTrait,
    letter: NewDeadLetter<'_>,
) -> Result<(), DbErr> {
    let payload = truncate(&String::from_utf8_lossy(letter.payload), MAX_PAYLOAD);
    let kind = letter.kind.map(|kind| truncate(kind, 64));
    let data =
        (letter.whole && letter.payload.len() <= MAX_REPLAYABLE).then(|| letter.payload.to_vec());
    let replayable = data.is_some();
    connection
        .execute_raw(sql(
            backend_of(connection),
            "INSERT INTO dead_letters (time_created, source, reason, kind, payload, data, user_id, replayable) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                now_us().into(),
                truncate(letter.source, 255).into(),
                truncate(letter.reason, 4096).into(),
                kind.into(),
                payload.into(),
                data.into(),
                letter.user_id.map(|user| truncate(user, 255)).into(),
                replayable.into(),
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

/// A dead letter as listed: everything but its body.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct Listed {
    /// Row id.
    pub id: i64,
    /// When it was dead-lettered (µs).
    pub time_created: i64,
    /// Queue it came from.
    pub source: String,
    /// Why it could not be processed.
    pub reason: String,
    /// Its AMQP `type`.
    pub kind: Option<String>,
    /// Its body as text, truncated.
    pub payload: String,
    /// The broker user that published it.
    pub user_id: Option<String>,
    /// When it was last replayed (µs).
    pub replayed_at: Option<i64>,
    /// Whether its whole body is kept.
    pub replayable: bool,
}

/// How many dead letters are kept, and the latest `limit`, newest first (without their bodies).
pub async fn latest(
    connection: &impl ConnectionTrait,
    limit: u64,
) -> Result<(u64, Vec<Listed>), DbErr> {
    let count = dead_letter::Entity::find().count(connection).await?;
    let rows = Listed::find_by_statement(sql(
        backend_of(connection),
        "SELECT id, time_created, source, reason, kind, payload, user_id, replayed_at, replayable \
         FROM dead_letters ORDER BY id DESC LIMIT ?",
        vec![(limit as i64).into()],
    ))
    .all(connection)
    .await?;
    Ok((count, rows))
}
