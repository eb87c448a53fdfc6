//! Following a task's log live over Server-Sent Events: `GET .../log?follow=true`.
//!
//! Each stored line is one `line` event whose id is its line number, so a client that
//! reconnects with `Last-Event-ID` (or asks for `?offset=N`) continues after the lines it has.
//! Once the attempt is over and its last lines are sent, an `end` event says how it ended and
//! the stream closes.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use sea_orm::DatabaseConnection;
use serde_json::json;
use tokio::sync::watch;
use warren_shared::TaskState;

use super::ApiError;
use crate::db::rfc3339;
use crate::store::logs::{self, NumberedLine};
use crate::store::tasks;

/// Shortest pause between two looks at the database, so a busy ingester does not make every
/// follower query for each batch.
const MIN_POLL: Duration = Duration::from_millis(100);
/// Longest wait without looking, in case the attempt ended without new events reaching this
/// master (another replica ingested them, or the task was cancelled).
const MAX_POLL: Duration = Duration::from_secs(1);

struct Follow {
    db: DatabaseConnection,
    activity: watch::Receiver<u64>,
    job_id: i64,
    task_id: i64,
    attempt: i32,
    next_line: u64,
    pending: VecDeque<Event>,
    ended: bool,
    first: bool,
}

fn line_event(numbered: &NumberedLine) -> Event {
    let line = &numbered.line;
    Event::default()
        .event("line")
        .id(numbered.number.to_string())
        .data(
            json!({
                "line": numbered.number,
                "time": rfc3339(line.t),
                "stream": line.s.as_str(),
                "pid": line.pid,
                "message": line.m,
            })
            .to_string(),
        )
}

impl Follow {
    /// Queue the lines stored since the last look; once the attempt is over, queue the end.
    async fn look(&mut self) -> Result<(), ApiError> {
        // Read the task first: lines stored before it said "over" are then all visible below.
        let task = tasks::get(&self.db, self.job_id, self.task_id).await?;
        let task_state = tasks::state_of(&task)?;
        let over = task.attempts > self.attempt
            || !matches!(
                task_state,
                TaskState::Dispatched | TaskState::Running | TaskState::Queued
            )
            || (task_state == TaskState::Queued && task.attempts == self.attempt);
        let lines = logs::lines_from(&self.db, self.task_id, self.attempt, self.next_line).await?;
        for numbered in &lines {
            self.pending.push_back(line_event(numbered));
            self.next_line = numbered.number + 1;
        }
        if over {
            let state = if task.attempts > self.attempt {
                "retried"
            } else {
                task_state.as_str()
            };
            self.pending.push_back(
                Event::default().event("end").data(
                    json!({"state": state, "attempt": self.attempt, "lines": self.next_line - 1})
                        .to_string(),
                ),
            );
            self.ended = true;
        }
        Ok(())
    }

    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some(event);
            }
            if self.ended {
                return None;
            }
            if self.first {
                self.first = false;
            } else {
                tokio::time::sleep(MIN_POLL).await;
                let _ = tokio::time::timeout(MAX_POLL, self.activity.changed()).await;
            }
            if let Err(error) = self.look().await {
                self.ended = true;
                let message = error.to_string();
                return Some(
                    Event::default()
                        .event("error")
                        .data(json!({"error": message}).to_string()),
                );
            }
        }
    }
}

/// The event stream of one attempt's log from line `next_line` on.
pub fn follow(
    db: DatabaseConnection,
    activity: watch::Receiver<u64>,
    job_id: i64,
    task_id: i64,
    attempt: i32,
    next_line: u64,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let state = Follow {
        db,
        activity,
        job_id,
        task_id,
        attempt,
        next_line: next_line.max(1),
        pending: VecDeque::new(),
        ended: false,
        first: true,
    };
    let stream = futures_util::stream::unfold(state, |mut state| async move {
        let event = state.next().await?;
        Some((Ok(event), state))
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// One attempt's log.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct LogView {
    /// The attempt.
    attempt: i32,
    /// The agent that ran it.
    agent_id: String,
    /// When its first output arrived (RFC 3339).
    time_started: String,
    /// Lines stored.
    lines: i64,
    /// Chunks stored.
    chunks: i64,
    /// Bytes the log takes in the database (stored compressed).
    stored_bytes: i64,
    /// The log as text.
    text: String,
    /// The log as CSV.
    csv: String,
}

/// Answer of `GET /api/v1/jobs/{job_id}/tasks/{task_id}/logs`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct LogList {
    /// One log per attempt that printed something, in attempt order.
    logs: Vec<LogView>,
}

/// `GET /api/v1/jobs/{job_id}/tasks/{task_id}/logs`: the task's logs, one per attempt that
/// printed something, with the agent that ran it and how many lines it holds.
#[utoipa::path(
    get,
    path = "/api/v1/jobs/{job_id}/tasks/{task_id}/logs",
    tag = "tasks",
    operation_id = "list_task_logs",
    params(
        ("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)"),
        ("task_id" = i64, Path, description = "Task id")
    ),
    responses((status = 200, description = "The task's logs by attempt", body = LogList), super::openapi::Errors)
)]
pub async fn list(
    axum::extract::State(state): axum::extract::State<super::AppState>,
    super::extract::ApiPath((job_id, task_id)): super::extract::ApiPath<(i64, i64)>,
) -> Result<axum::Json<LogList>, ApiError> {
    tasks::get(&state.db, job_id, task_id).await?;
    let logs = crate::store::logs::of_task(&state.db, task_id)
        .await?
        .into_iter()
        .map(|log| LogView {
            attempt: log.attempt,
            agent_id: log.agent_id,
            time_started: rfc3339(log.time_created),
            lines: log.n_lines,
            chunks: log.n_chunks,
            stored_bytes: log.stored_bytes,
            text: format!(
                "/api/v1/jobs/{job_id}/tasks/{task_id}/log?attempt={}",
                log.attempt
            ),
            csv: format!(
                "/api/v1/jobs/{job_id}/tasks/{task_id}/log?attempt={}&format=csv",
                log.attempt
            ),
        })
        .collect();
    Ok(axum::Json(LogList { logs }))
}
