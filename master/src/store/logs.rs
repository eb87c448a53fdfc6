//! Task logs: storing the chunks workers send, and reading one attempt's in order, rendered as
//! text or CSV.

use std::fmt::Write as _;

use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use warren_shared::{LogChunk, LogLine};

use super::{Result, StoreError};
use crate::entities::log_chunk;

/// One stored line with its number within the attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberedLine {
    /// Line number, from 1.
    pub number: u64,
    /// The line.
    pub line: LogLine,
}

/// Every stored line of one attempt, in order.
pub async fn lines(
    connection: &DatabaseConnection,
    task_id: i64,
    attempt: i32,
) -> Result<Vec<NumberedLine>> {
    lines_from(connection, task_id, attempt, 1).await
}

/// The stored lines of one attempt numbered `from_line` or more, in order.
pub async fn lines_from(
    connection: &DatabaseConnection,
    task_id: i64,
    attempt: i32,
    from_line: u64,
) -> Result<Vec<NumberedLine>> {
    let from_line = i64::try_from(from_line).unwrap_or(i64::MAX);
    // A chunk holds lines first_line ..= first_line + n_lines - 1.
    let chunks = log_chunk::Entity::find()
        .filter(log_chunk::Column::TaskId.eq(task_id))
        .filter(log_chunk::Column::Attempt.eq(attempt))
        .filter(
            Expr::col(log_chunk::Column::FirstLine)
                .add(Expr::col(log_chunk::Column::NLines))
                .gt(from_line),
        )
        .order_by_asc(log_chunk::Column::Seq)
        .all(connection)
        .await?;
    let mut lines = Vec::new();
    for chunk in chunks {
        let chunk_lines = chunk_lines(&chunk).map_err(|error| {
            StoreError::Corrupt(format!(
                "log chunk {} of task {task_id} attempt {attempt}: {error}",
                chunk.seq
            ))
        })?;
        for (line_idx, line) in chunk_lines.into_iter().enumerate() {
            let number = chunk.first_line + line_idx as i64;
            if number >= from_line {
                lines.push(NumberedLine {
                    number: number as u64,
                    line,
                });
            }
        }
    }
    Ok(lines)
}

/// A stored chunk's lines: compressed (`zdata`), or JSON text in rows written before logs were
/// compressed.
fn chunk_lines(chunk: &log_chunk::Model) -> std::result::Result<Vec<LogLine>, String> {
    match &chunk.zdata {
        Some(stored) => warren_shared::logcodec::decode(stored),
        None => serde_json::from_str(&chunk.data).map_err(|error| error.to_string()),
    }
}

/// Lines as plain text, one per line.
#[must_use]
pub fn as_text(lines: &[NumberedLine]) -> String {
    let mut text = String::new();
    for numbered in lines {
        text.push_str(&numbered.line.m);
        text.push('\n');
    }
    text
}

/// Lines as CSV: timestamp, stream, line number, pid, message.
#[must_use]
pub fn as_csv(lines: &[NumberedLine]) -> String {
    let mut csv = String::from("timestamp,stream,line,pid,message\n");
    for numbered in lines {
        let timestamp = crate::db::rfc3339(numbered.line.t);
        let pid = numbered
            .line
            .pid
            .map(|pid| pid.to_string())
            .unwrap_or_default();
        let message = numbered.line.m.replace('"', "\"\"");
        let _ = writeln!(
            csv,
            "{timestamp},{},{},{pid},\"{message}\"",
            numbered.line.s.as_str(),
            numbered.number
        );
    }
    csv
}

/// Store a log chunk if its sender holds the attempt; the attempt's `task_logs` row is made with
/// its first chunk, so tasks that print nothing cost no log rows.
pub async fn append(transaction: &impl ConnectionTrait, chunk: &LogChunk) -> Result<(), DbErr> {
    let attempt = i32::try_from(chunk.attempt).unwrap_or(i32::MAX);
    // A packed chunk was checked when its event was decoded (see `ingester`).
    let (stored, n_lines, first_time) = chunk.stored().map_err(DbErr::Custom)?;
    let backend = crate::db::backend_of(transaction);
    transaction
        .execute_raw(crate::db::sql(
            backend,
            &format!(
                "INSERT INTO log_chunks (task_id, attempt, seq, first_line, n_lines, data, zdata) \
                 SELECT ?, ?, ?, ?, ?, '', ? WHERE EXISTS \
                 (SELECT 1 FROM tasks WHERE id = ? AND attempts = ? AND agent_id = ?){}",
                crate::db::on_conflict_do_nothing(backend, "task_id, attempt, seq")
            ),
            vec![
                chunk.task_id.0.into(),
                attempt.into(),
                i64::try_from(chunk.seq).unwrap_or(i64::MAX).into(),
                i64::try_from(chunk.first_line).unwrap_or(i64::MAX).into(),
                i32::try_from(n_lines).unwrap_or(i32::MAX).into(),
                stored.into(),
                chunk.task_id.0.into(),
                attempt.into(),
                chunk.agent_id.to_string().into(),
            ],
        ))
        .await?;
    if chunk.seq == 0 {
        transaction
            .execute_raw(crate::db::sql(
                backend,
                &format!(
                    "INSERT INTO task_logs (task_id, attempt, agent_id, time_created) \
                     SELECT ?, ?, ?, ? WHERE EXISTS \
                     (SELECT 1 FROM tasks WHERE id = ? AND attempts = ? AND agent_id = ?){}",
                    crate::db::on_conflict_do_nothing(backend, "task_id, attempt")
                ),
                vec![
                    chunk.task_id.0.into(),
                    attempt.into(),
                    chunk.agent_id.to_string().into(),
                    first_time.unwrap_or_else(crate::db::now_us).into(),
                    chunk.task_id.0.into(),
                    attempt.into(),
                    chunk.agent_id.to_string().into(),
                ],
            ))
            .await?;
    }
    Ok(())
}

/// Where a stored log chunk sits in its attempt's log.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct ChunkSpan {
    /// The task.
    pub task_id: i64,
    /// The attempt.
    pub attempt: i32,
    /// The chunk's number, from 0.
    pub seq: i64,
    /// Its first line's number, from 1.
    pub first_line: i64,
    /// How many lines it holds.
    pub n_lines: i32,
}

/// Every stored chunk's place, by task, attempt and number.
pub async fn chunk_spans(connection: &impl ConnectionTrait) -> Result<Vec<ChunkSpan>, DbErr> {
    use sea_orm::FromQueryResult as _;
    ChunkSpan::find_by_statement(crate::db::sql(
        crate::db::backend_of(connection),
        "SELECT task_id, attempt, seq, first_line, n_lines FROM log_chunks ORDER BY task_id, attempt, seq",
        Vec::new(),
    ))
    .all(connection)
    .await
}

/// One attempt's log: who wrote it, when it began, and how much of it is stored.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct AttemptLog {
    /// The attempt.
    pub attempt: i32,
    /// The agent that ran it.
    pub agent_id: String,
    /// When its first line was written (µs).
    pub time_created: i64,
    /// Lines stored.
    pub n_lines: i64,
    /// Chunks stored.
    pub n_chunks: i64,
    /// Bytes the chunks take in the database (compressed, or JSON text in older rows).
    pub stored_bytes: i64,
}

/// A task's logs, by attempt.
pub async fn of_task(
    connection: &impl ConnectionTrait,
    task_id: i64,
) -> Result<Vec<AttemptLog>, DbErr> {
    use sea_orm::FromQueryResult as _;
    AttemptLog::find_by_statement(crate::db::sql(
        crate::db::backend_of(connection),
        "SELECT l.attempt, l.agent_id, l.time_created, \
         CAST(COALESCE(SUM(c.n_lines), 0) AS BIGINT) AS n_lines, COUNT(c.seq) AS n_chunks, \
         CAST(COALESCE(SUM(COALESCE(LENGTH(c.zdata), 0) + LENGTH(c.data)), 0) AS BIGINT) AS stored_bytes \
         FROM task_logs l LEFT JOIN log_chunks c ON c.task_id = l.task_id AND c.attempt = l.attempt \
         WHERE l.task_id = ? GROUP BY l.attempt, l.agent_id, l.time_created ORDER BY l.attempt",
        vec![task_id.into()],
    ))
    .all(connection)
    .await
}

/// Days a job's logs are kept after it ends: its own setting, else its queue's or the nearest
/// ancestor queue's, else the farm's; `None` keeps them.
#[must_use]
pub fn retention_days(
    job_days: Option<i32>,
    queue_id: i64,
    queues: &std::collections::HashMap<i64, (Option<i64>, Option<i32>)>,
    farm_days: Option<u32>,
) -> Option<i64> {
    if let Some(days) = job_days {
        return Some(i64::from(days));
    }
    let mut queue = Some(queue_id);
    // A queue tree is at most as deep as it has queues (bounds a corrupt cycle).
    for _ in 0..=queues.len() {
        let Some((parent, days)) = queue.and_then(|id| queues.get(&id)) else {
            break;
        };
        if let Some(days) = days {
            return Some(i64::from(*days));
        }
        queue = *parent;
    }
    farm_days.map(i64::from)
}

/// What one pruning pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Pruned {
    /// Jobs whose logs were removed.
    pub jobs: u64,
    /// Log chunks removed.
    pub chunks: u64,
}

/// Tasks per delete statement, and chunk numbers per delete: each statement removes at most
/// `PRUNE_TASKS × PRUNE_SEQS` chunks per attempt, so no statement holds its locks for long.
const PRUNE_TASKS: usize = 50;
const PRUNE_SEQS: i64 = 64;
/// Jobs looked at per query.
const PRUNE_JOB_PAGE: i64 = 500;

#[derive(Debug, sea_orm::FromQueryResult)]
struct PruneCandidate {
    id: i64,
    queue_id: i64,
    log_retention_days: Option<i32>,
    time_finished: i64,
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct QueueRetention {
    id: i64,
    parent_id: Option<i64>,
    log_retention_days: Option<i32>,
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct MaxSeq {
    max_seq: Option<i64>,
}

/// Remove the logs of every job that ended more than its retention ago (see
/// [`retention_days`]), in short statements, each in its own transaction; a job is marked
/// pruned once all its chunks are gone. Jobs inside their window are not touched.
pub async fn prune(
    connection: &DatabaseConnection,
    now: i64,
    farm_days: Option<u32>,
) -> Result<Pruned> {
    use sea_orm::FromQueryResult as _;
    const DAY_US: i64 = 86_400 * 1_000_000;
    let backend = crate::db::backend_of(connection);
    let queues: std::collections::HashMap<i64, (Option<i64>, Option<i32>)> =
        QueueRetention::find_by_statement(crate::db::sql(
            backend,
            "SELECT id, parent_id, log_retention_days FROM job_queues",
            Vec::new(),
        ))
        .all(connection)
        .await?
        .into_iter()
        .map(|queue| (queue.id, (queue.parent_id, queue.log_retention_days)))
        .collect();
    let mut pruned = Pruned::default();
    let mut after = 0_i64;
    loop {
        // Ended jobs not pruned since they last ended (a job run again ends again).
        let page = PruneCandidate::find_by_statement(crate::db::sql(
            backend,
            "SELECT id, queue_id, log_retention_days, time_finished FROM jobs \
             WHERE id > ? AND time_finished IS NOT NULL \
             AND state IN ('done', 'failed', 'cancelled') \
             AND (logs_pruned_at IS NULL OR logs_pruned_at < time_finished) \
             ORDER BY id LIMIT ?",
            vec![after.into(), PRUNE_JOB_PAGE.into()],
        ))
        .all(connection)
        .await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for job in page {
            let Some(days) =
                retention_days(job.log_retention_days, job.queue_id, &queues, farm_days)
            else {
                continue;
            };
            if job
                .time_finished
                .saturating_add(days.saturating_mul(DAY_US))
                > now
            {
                continue;
            }
            pruned.chunks += prune_job(connection, job.id).await?;
            pruned.jobs += 1;
            tracing::info!(
                job_id = job.id,
                retention_days = days,
                "pruned a job's logs"
            );
        }
    }
    Ok(pruned)
}

/// Remove one job's logs in short statements, then mark it pruned; the number of chunks
/// removed.
async fn prune_job(connection: &DatabaseConnection, job_id: i64) -> Result<u64> {
    use sea_orm::FromQueryResult as _;
    let backend = crate::db::backend_of(connection);
    let mut removed = 0;
    let mut after = 0_i64;
    loop {
        let tasks = super::ids(
            connection,
            crate::db::sql(
                backend,
                "SELECT id FROM tasks WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?",
                vec![job_id.into(), after.into(), (PRUNE_TASKS as i64).into()],
            ),
        )
        .await?;
        let Some(&last) = tasks.last() else { break };
        after = last;
        let list = vec!["?"; tasks.len()].join(", ");
        let task_values: Vec<sea_orm::Value> = tasks.iter().map(|id| (*id).into()).collect();
        let max_seq = MaxSeq::find_by_statement(crate::db::sql(
            backend,
            &format!("SELECT MAX(seq) AS max_seq FROM log_chunks WHERE task_id IN ({list})"),
            task_values.clone(),
        ))
        .one(connection)
        .await?
        .and_then(|row| row.max_seq);
        if let Some(max_seq) = max_seq {
            let mut from = 0;
            while from <= max_seq {
                let mut values = task_values.clone();
                values.push(from.into());
                values.push((from + PRUNE_SEQS).into());
                let result = connection
                    .execute_raw(crate::db::sql(
                        backend,
                        &format!(
                            "DELETE FROM log_chunks WHERE task_id IN ({list}) AND seq >= ? AND seq < ?"
                        ),
                        values,
                    ))
                    .await?;
                removed += result.rows_affected();
                from += PRUNE_SEQS;
            }
        }
        connection
            .execute_raw(crate::db::sql(
                backend,
                &format!("DELETE FROM task_logs WHERE task_id IN ({list})"),
                task_values,
            ))
            .await?;
    }
    connection
        .execute_raw(crate::db::sql(
            backend,
            "UPDATE jobs SET logs_pruned_at = ? WHERE id = ?",
            vec![crate::db::now_us().into(), job_id.into()],
        ))
        .await?;
    Ok(removed)
}
