//! `warren-master check`: find (and with `--repair`, fix) states the invariants rule out —
//! tasks running on agents gone past their lease, job counters or states that disagree with
//! their tasks, gaps in a log's chunk sequence.

use std::time::Duration;

use sea_orm::DatabaseConnection;
use warren_shared::TaskState;

use crate::db::{begin_write, now_us};
use crate::store::counters::{self, CountDeltas};
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
    for task in tasks::running_on_lost_agents(db, cutoff).await? {
        let (task_id, job_id, agent_id) = (task.id, task.job_id, task.agent_id);
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
    let actual = counters::counted(db).await?;
    for (job_id, stored_state, stored) in counters::stored(db).await? {
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
    let mut previous: Option<(i64, i32, i64, i64)> = None;
    for span in crate::store::logs::chunk_spans(db).await? {
        let (task_id, attempt, seq, first_line, n_lines) = (
            span.task_id,
            span.attempt,
            span.seq,
            span.first_line,
            span.n_lines,
        );
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
