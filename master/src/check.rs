//! `warren-master check`: find (and with `--repair`, fix) states the invariants rule out —
//! tasks running on agents gone past their lease, job counters or states that disagree with
//! their tasks, gaps in a log's chunk sequence.

use std::collections::BTreeMap;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection};
use warren_shared::{TaskCounts, TaskState};

use crate::db::{backend_of, begin_write, now_us, sql};
use crate::store::counters::CountDeltas;
use crate::store::tasks::{self, Lost};

/// One impossible state found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What kind: `lost-task`, `job-counts`, `job-state`, `log-gap`.
    pub kind: &'static str,
    /// What exactly.
    pub detail: String,
    /// Whether `--repair` fixed it.
    pub repaired: bool,
}

/// Check the database; repair what can be repaired when `repair` is set.
pub async fn run(
    db: &DatabaseConnection,
    lease_timeout: Duration,
    repair: bool,
) -> anyhow::Result<Vec<Finding>> {
    let mut findings = Vec::new();
    lost_tasks(db, lease_timeout, repair, &mut findings).await?;
    job_counts(db, repair, &mut findings).await?;
    log_gaps(db, &mut findings).await?;
    Ok(findings)
}

/// Tasks `running` on an agent that is offline, unknown, or silent past the lease.
async fn lost_tasks(
    db: &DatabaseConnection,
    lease_timeout: Duration,
    repair: bool,
    findings: &mut Vec<Finding>,
) -> anyhow::Result<()> {
    let cutoff = now_us() - lease_timeout.as_micros() as i64;
    let rows = db
        .query_all_raw(sql(
            backend_of(db),
            "SELECT t.id, t.job_id, t.agent_id FROM tasks t LEFT JOIN agents a ON a.id = t.agent_id \
             WHERE t.state = 'running' AND (a.id IS NULL OR a.state = 'offline' OR a.last_heard_from < ?) ORDER BY t.id",
            vec![cutoff.into()],
        ))
        .await?;
    for row in rows {
        let task_id: i64 = row.try_get("", "id")?;
        let job_id: i64 = row.try_get("", "job_id")?;
        let agent_id: Option<String> = row.try_get("", "agent_id")?;
        let agent = agent_id.clone().unwrap_or_else(|| "no agent".to_owned());
        let mut repaired = false;
        if repair {
            let transaction = begin_write(db).await?;
            let reason = "worker lost (found by warren-master check)";
            let mut deltas = CountDeltas::default();
            tasks::requeue_lost(
                &transaction,
                Lost::task(agent_id.as_deref(), task_id),
                reason,
                &mut deltas,
            )
            .await?;
            deltas.apply(&transaction).await?;
            transaction.commit().await?;
            repaired = true;
        }
        findings.push(Finding {
            kind: "lost-task",
            detail: format!("task {task_id} of job {job_id} is running on {agent}, which is gone"),
            repaired,
        });
    }
    Ok(())
}

/// Job counters and states against their tasks.
async fn job_counts(
    db: &DatabaseConnection,
    repair: bool,
    findings: &mut Vec<Finding>,
) -> anyhow::Result<()> {
    let backend = backend_of(db);
    let mut actual: BTreeMap<i64, TaskCounts> = BTreeMap::new();
    for row in db
        .query_all_raw(crate::db::sql(
            backend,
            "SELECT job_id, state, COUNT(*) AS n FROM tasks GROUP BY job_id, state",
            Vec::new(),
        ))
        .await?
    {
        let job_id: i64 = row.try_get("", "job_id")?;
        let state: String = row.try_get("", "state")?;
        let count: i64 = row.try_get("", "n")?;
        if let Ok(state) = state.parse::<TaskState>() {
            *actual.entry(job_id).or_default().get_mut(state) += count;
        }
    }
    for row in db
        .query_all_raw(crate::db::sql(backend, "SELECT id, state, n_queued, n_dispatched, n_running, n_done, n_failed, n_paused, n_cancelled FROM jobs ORDER BY id", Vec::new()))
        .await?
    {
        let job_id: i64 = row.try_get("", "id")?;
        let stored_state: String = row.try_get("", "state")?;
        let stored = crate::store::counters::stored_counts(&row)?;
        let real = actual.get(&job_id).copied().unwrap_or_default();
        let mut deltas = CountDeltas::default();
        if stored != real {
            findings.push(Finding {
                kind: "job-counts",
                detail: format!("job {job_id} counts {stored:?} but its tasks are {real:?}"),
                repaired: repair,
            });
            for state in [
                TaskState::Queued,
                TaskState::Dispatched,
                TaskState::Running,
                TaskState::Done,
                TaskState::Failed,
                TaskState::Paused,
                TaskState::Cancelled,
            ] {
                deltas.correct(job_id, state, real.get(state) - stored.get(state));
            }
        } else if stored_state != real.job_state().as_str() {
            findings.push(Finding {
                kind: "job-state",
                detail: format!(
                    "job {job_id} is `{stored_state}` but its tasks make it `{}`",
                    real.job_state()
                ),
                repaired: repair,
            });
            deltas.correct(job_id, TaskState::Queued, 0);
        }
        if repair && !deltas.is_empty() {
            let transaction = begin_write(db).await?;
            deltas.apply(&transaction).await?;
            transaction.commit().await?;
        }
    }
    Ok(())
}

/// Log chunks must number 0, 1, 2, .. per attempt, each starting where the last one ended.
async fn log_gaps(db: &DatabaseConnection, findings: &mut Vec<Finding>) -> anyhow::Result<()> {
    let rows = db
        .query_all_raw(crate::db::sql(backend_of(db), "SELECT task_id, attempt, seq, first_line, n_lines FROM log_chunks ORDER BY task_id, attempt, seq", Vec::new()))
        .await?;
    let mut previous: Option<(i64, i32, i64, i64)> = None;
    for row in rows {
        let task_id: i64 = row.try_get("", "task_id")?;
        let attempt: i32 = row.try_get("", "attempt")?;
        let seq: i64 = row.try_get("", "seq")?;
        let first_line: i64 = row.try_get("", "first_line")?;
        let n_lines: i32 = row.try_get("", "n_lines")?;
        let expected = match previous {
            Some((last_task, last_attempt, last_seq, next_line))
                if last_task == task_id && last_attempt == attempt =>
            {
                (last_seq + 1, next_line)
            }
            _ => (0, 1),
        };
        if (seq, first_line) != expected {
            findings.push(Finding {
                kind: "log-gap",
                detail: format!(
                    "task {task_id} attempt {attempt}: chunk {seq} starts at line {first_line}, expected chunk {} at line {}",
                    expected.0, expected.1
                ),
                repaired: false,
            });
        }
        previous = Some((task_id, attempt, seq, first_line + i64::from(n_lines)));
    }
    Ok(())
}
