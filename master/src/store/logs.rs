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
        let chunk_lines: Vec<LogLine> = serde_json::from_str(&chunk.data).map_err(|error| {
            StoreError::Corrupt(format!(
                "log chunk {} of task {task_id}: {error}",
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
    let data = serde_json::to_string(&chunk.lines).expect("log lines serialize");
    let backend = crate::db::backend_of(transaction);
    transaction
        .execute_raw(crate::db::sql(
            backend,
            &format!(
                "INSERT INTO log_chunks (task_id, attempt, seq, first_line, n_lines, data) \
                 SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS \
                 (SELECT 1 FROM tasks WHERE id = ? AND attempts = ? AND agent_id = ?){}",
                crate::db::on_conflict_do_nothing(backend, "task_id, attempt, seq")
            ),
            vec![
                chunk.task_id.0.into(),
                attempt.into(),
                i64::try_from(chunk.seq).unwrap_or(i64::MAX).into(),
                i64::try_from(chunk.first_line).unwrap_or(i64::MAX).into(),
                i32::try_from(chunk.lines.len()).unwrap_or(i32::MAX).into(),
                data.into(),
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
                    chunk
                        .lines
                        .first()
                        .map_or_else(crate::db::now_us, |line| line.t)
                        .into(),
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
         CAST(COALESCE(SUM(c.n_lines), 0) AS BIGINT) AS n_lines, COUNT(c.seq) AS n_chunks \
         FROM task_logs l LEFT JOIN log_chunks c ON c.task_id = l.task_id AND c.attempt = l.attempt \
         WHERE l.task_id = ? GROUP BY l.attempt, l.agent_id, l.time_created ORDER BY l.attempt",
        vec![task_id.into()],
    ))
    .all(connection)
    .await
}
