//! Per-job task counters. Every change of task states goes with a delta here, in the same
//! transaction, so a job's counts and state never disagree with its tasks.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement, TransactionTrait};
use warren_shared::{JobState, TaskCounts, TaskState};

use crate::db::{Update, backend_of, now_us, placeholders, update_returning};

/// A job row's stored counters.
#[derive(FromQueryResult)]
struct StoredCounts {
    n_queued: i64,
    n_dispatched: i64,
    n_running: i64,
    n_done: i64,
    n_failed: i64,
    n_paused: i64,
    n_cancelled: i64,
}

/// A job row's state and times, as stored.
#[derive(FromQueryResult)]
struct JobProgress {
    state: super::Named<JobState>,
    time_started: Option<i64>,
    time_finished: Option<i64>,
}

#[derive(FromQueryResult)]
struct StateCount {
    job_id: i64,
    state: super::Named<TaskState>,
    n: i64,
}

/// A job's stored state as text: `check` reports a state no [`JobState`] spells as a finding to
/// repair, where every other read fails on it.
#[derive(FromQueryResult)]
struct JobStateRow {
    id: i64,
    state: String,
}

/// A job row's stored counters (`n_queued` .. `n_cancelled`).
pub fn stored_counts(row: &sea_orm::QueryResult) -> Result<TaskCounts, DbErr> {
    let stored = StoredCounts::from_query_result(row, "")?;
    Ok(TaskCounts {
        queued: stored.n_queued,
        dispatched: stored.n_dispatched,
        running: stored.n_running,
        done: stored.n_done,
        failed: stored.n_failed,
        paused: stored.n_paused,
        cancelled: stored.n_cancelled,
    })
}

/// Signed per-state changes of task counts, by job.
#[derive(Debug, Default, Clone)]
pub struct CountDeltas {
    by_job: BTreeMap<i64, TaskCounts>,
}

impl CountDeltas {
    /// Record that one task of `job_id` moved from `from` to `to`.
    pub fn moved(&mut self, job_id: i64, from: TaskState, to: TaskState) {
        self.moved_many(job_id, from, to, 1);
    }

    /// Record that `count` tasks of `job_id` moved from `from` to `to`.
    pub fn moved_many(&mut self, job_id: i64, from: TaskState, to: TaskState, count: i64) {
        if from == to || count == 0 {
            return;
        }
        let counts = self.by_job.entry(job_id).or_default();
        *counts.get_mut(from) -= count;
        *counts.get_mut(to) += count;
    }

    /// Correct a job's count of `state` by `count` (repairs); with 0 it only makes `apply`
    /// re-derive the job's state.
    pub fn correct(&mut self, job_id: i64, state: TaskState, count: i64) {
        *self.by_job.entry(job_id).or_default().get_mut(state) += count;
    }

    /// Whether nothing moved.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.by_job.is_empty()
    }

    /// Jobs whose counts changed.
    pub fn jobs(&self) -> impl Iterator<Item = i64> + '_ {
        self.by_job.keys().copied()
    }

    /// Apply the deltas and bring each job's state and times up to date. Jobs are updated in
    /// id order so concurrent writers on PostgreSQL lock rows in the same order.
    pub async fn apply(
        &self,
        connection: &(impl ConnectionTrait + TransactionTrait),
    ) -> Result<Vec<(i64, JobState)>, DbErr> {
        let backend = backend_of(connection);
        let mut changed = Vec::new();
        for (job_id, delta) in &self.by_job {
            let rows = update_returning::<i64, _>(
                connection,
                Update {
                    table: "jobs",
                    set: "n_queued = n_queued + ?, n_dispatched = n_dispatched + ?, n_running = n_running + ?, \
                          n_done = n_done + ?, n_failed = n_failed + ?, n_paused = n_paused + ?, n_cancelled = n_cancelled + ?",
                    set_values: vec![
                        delta.queued.into(),
                        delta.dispatched.into(),
                        delta.running.into(),
                        delta.done.into(),
                        delta.failed.into(),
                        delta.paused.into(),
                        delta.cancelled.into(),
                    ],
                    rows: "id = ?",
                    rows_values: vec![(*job_id).into()],
                    returning: "n_queued, n_dispatched, n_running, n_done, n_failed, n_paused, n_cancelled, state, time_started, time_finished",
                },
            )
            .await?;
            let Some(row) = rows.first() else {
                continue;
            };
            let counts = stored_counts(row)?;
            let JobProgress {
                state: super::Named(old_state),
                time_started,
                time_finished,
            } = JobProgress::from_query_result(row, "")?;
            let new_state = counts.job_state();
            let now = now_us();
            let started = counts.running + counts.done + counts.failed > 0;
            let new_time_started = if time_started.is_none() && started {
                Some(now)
            } else {
                time_started
            };
            let final_state = matches!(
                new_state,
                JobState::Done | JobState::Failed | JobState::Cancelled
            );
            let new_time_finished = match (final_state, time_finished) {
                (true, None) => Some(now),
                (true, kept) => kept,
                (false, _) => None,
            };
            if old_state != new_state
                || new_time_started != time_started
                || new_time_finished != time_finished
            {
                let sql = format!(
                    "UPDATE jobs SET state = {}, time_started = {}, time_finished = {} WHERE id = {}",
                    placeholders(backend, 1, 1),
                    placeholders(backend, 2, 1),
                    placeholders(backend, 3, 1),
                    placeholders(backend, 4, 1),
                );
                connection
                    .execute_raw(Statement::from_sql_and_values(
                        backend,
                        sql,
                        vec![
                            new_state.as_str().into(),
                            new_time_started.into(),
                            new_time_finished.into(),
                            (*job_id).into(),
                        ],
                    ))
                    .await?;
                if old_state != new_state {
                    let kind = match new_state {
                        JobState::Done => Some(crate::store::webhooks::EventKind::JobDone),
                        JobState::Failed => Some(crate::store::webhooks::EventKind::JobFailed),
                        JobState::Paused => Some(crate::store::webhooks::EventKind::JobPaused),
                        _ => None,
                    };
                    if let Some(kind) = kind {
                        crate::store::webhooks::record(
                            connection,
                            crate::store::webhooks::NewEvent {
                                kind,
                                job_id: Some(*job_id),
                                task_id: None,
                                agent_id: None,
                                data: serde_json::json!({
                                    "job_id": job_id,
                                    "state": new_state.as_str(),
                                    "previous_state": old_state.as_str(),
                                }),
                            },
                        )
                        .await?;
                    }
                    changed.push((*job_id, new_state));
                }
            }
        }
        Ok(changed)
    }
}

/// Each job's task counts as its tasks are, counted from the tasks (not the counters).
pub async fn counted(
    connection: &impl ConnectionTrait,
) -> Result<BTreeMap<i64, TaskCounts>, DbErr> {
    let mut counts: BTreeMap<i64, TaskCounts> = BTreeMap::new();
    let rows = StateCount::find_by_statement(crate::db::sql(
        backend_of(connection),
        "SELECT job_id, state, COUNT(*) AS n FROM tasks GROUP BY job_id, state",
        Vec::new(),
    ))
    .all(connection)
    .await?;
    for row in rows {
        *counts.entry(row.job_id).or_default().get_mut(row.state.0) += row.n;
    }
    Ok(counts)
}

/// Every job's stored state and counters, by id.
pub async fn stored(
    connection: &impl ConnectionTrait,
) -> Result<Vec<(i64, String, TaskCounts)>, DbErr> {
    let rows = connection
        .query_all_raw(crate::db::sql(
            backend_of(connection),
            "SELECT id, state, n_queued, n_dispatched, n_running, n_done, n_failed, n_paused, n_cancelled FROM jobs ORDER BY id",
            Vec::new(),
        ))
        .await?;
    rows.iter()
        .map(|row| {
            let job = JobStateRow::from_query_result(row, "")?;
            Ok((job.id, job.state, stored_counts(row)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_cancel_out_and_noops_vanish() {
        let mut deltas = CountDeltas::default();
        deltas.moved(1, TaskState::Queued, TaskState::Dispatched);
        deltas.moved(1, TaskState::Dispatched, TaskState::Running);
        deltas.moved(2, TaskState::Running, TaskState::Running);
        assert_eq!(deltas.jobs().collect::<Vec<_>>(), vec![1]);
        let counts = deltas.by_job[&1];
        assert_eq!(
            (counts.queued, counts.dispatched, counts.running),
            (-1, 0, 1)
        );
    }
}
