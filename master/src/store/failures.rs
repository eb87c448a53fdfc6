//! Where tasks failed: the agents each task failed on (`task_failed_agents`), and each agent's
//! run of failed tasks within a job (`job_agent_failures`), which bans it from the job.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};

use crate::db::{backend_of, on_conflict_do_nothing, on_conflict_update, placeholders, sql};

#[derive(FromQueryResult)]
struct JobAgent {
    job_id: i64,
    agent_id: String,
}

#[derive(FromQueryResult)]
struct TaskAgent {
    task_id: i64,
    agent_id: String,
}

/// Every `(job, agent)` pair with a run of failures.
pub async fn streaks(connection: &impl ConnectionTrait) -> Result<BTreeSet<(i64, String)>, DbErr> {
    let rows = JobAgent::find_by_statement(sql(
        backend_of(connection),
        "SELECT job_id, agent_id FROM job_agent_failures",
        Vec::new(),
    ))
    .all(connection)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.job_id, row.agent_id))
        .collect())
}

/// An agent ran a task of the job successfully: its run of failures there ends.
pub async fn end_streak(
    connection: &impl ConnectionTrait,
    job_id: i64,
    agent_id: &str,
) -> Result<(), DbErr> {
    connection
        .execute_raw(sql(
            backend_of(connection),
            "DELETE FROM job_agent_failures WHERE job_id = ? AND agent_id = ?",
            vec![job_id.into(), agent_id.into()],
        ))
        .await?;
    Ok(())
}

/// A task of the job failed on an agent: remember the agent for the task, and lengthen the
/// agent's run of failures in the job.
pub async fn record(
    connection: &impl ConnectionTrait,
    task_id: i64,
    job_id: i64,
    agent_id: &str,
) -> Result<(), DbErr> {
    let backend = backend_of(connection);
    connection
        .execute_raw(sql(
            backend,
            &format!(
                "INSERT INTO task_failed_agents (task_id, agent_id) VALUES (?, ?){}",
                on_conflict_do_nothing(backend, "task_id, agent_id")
            ),
            vec![task_id.into(), agent_id.into()],
        ))
        .await?;
    connection
        .execute_raw(sql(
            backend,
            &format!(
                "INSERT INTO job_agent_failures (job_id, agent_id, consecutive) VALUES (?, ?, 1){}",
                on_conflict_update(
                    backend,
                    "job_id, agent_id",
                    "consecutive = job_agent_failures.consecutive + 1"
                )
            ),
            vec![job_id.into(), agent_id.into()],
        ))
        .await?;
    Ok(())
}

/// The agents each of `task_ids` failed on.
pub async fn failed_agents(
    connection: &impl ConnectionTrait,
    task_ids: &[i64],
) -> Result<HashMap<i64, BTreeSet<String>>, DbErr> {
    let mut agents: HashMap<i64, BTreeSet<String>> = HashMap::new();
    if task_ids.is_empty() {
        return Ok(agents);
    }
    let backend = backend_of(connection);
    let rows = TaskAgent::find_by_statement(sql(
        backend,
        &format!(
            "SELECT task_id, agent_id FROM task_failed_agents WHERE task_id IN ({})",
            placeholders(backend, 1, task_ids.len())
        ),
        task_ids.iter().map(|id| (*id).into()).collect(),
    ))
    .all(connection)
    .await?;
    for row in rows {
        agents.entry(row.task_id).or_default().insert(row.agent_id);
    }
    Ok(agents)
}

/// The agents that failed at least `limit` tasks of a job in a row, by job.
pub async fn banned(
    connection: &impl ConnectionTrait,
    limit: i32,
) -> Result<HashMap<i64, Vec<String>>, DbErr> {
    let rows = JobAgent::find_by_statement(sql(
        backend_of(connection),
        "SELECT job_id, agent_id FROM job_agent_failures WHERE consecutive >= ?",
        vec![limit.into()],
    ))
    .all(connection)
    .await?;
    let mut banned: HashMap<i64, Vec<String>> = HashMap::new();
    for row in rows {
        banned.entry(row.job_id).or_default().push(row.agent_id);
    }
    Ok(banned)
}

/// An agent a task failed on, with its host name while the agent is known.
#[derive(Debug, Clone, FromQueryResult)]
pub struct FailedOn {
    /// Agent id.
    pub agent_id: String,
    /// Its host name.
    pub hostname: Option<String>,
}

/// Keep `task_id` away from `agent_id` from now on (as if it had failed there), without
/// counting a failure against the agent.
pub async fn avoid(
    connection: &impl ConnectionTrait,
    task_id: i64,
    agent_id: &str,
) -> Result<(), DbErr> {
    let backend = backend_of(connection);
    connection
        .execute_raw(sql(
            backend,
            &format!(
                "INSERT INTO task_failed_agents (task_id, agent_id) VALUES (?, ?){}",
                on_conflict_do_nothing(backend, "task_id, agent_id")
            ),
            vec![task_id.into(), agent_id.into()],
        ))
        .await?;
    Ok(())
}

/// The agents `task_id` failed on, by id.
pub async fn failed_on(
    connection: &impl ConnectionTrait,
    task_id: i64,
) -> Result<Vec<FailedOn>, DbErr> {
    FailedOn::find_by_statement(sql(
        backend_of(connection),
        "SELECT f.agent_id, a.hostname FROM task_failed_agents f LEFT JOIN agents a ON a.id = f.agent_id \
         WHERE f.task_id = ? ORDER BY f.agent_id",
        vec![task_id.into()],
    ))
    .all(connection)
    .await
}

/// Forget the agents `task_id` failed on (only `agent_id`, when given), so it may run there
/// again; how many were forgotten.
pub async fn forget(
    connection: &impl ConnectionTrait,
    task_id: i64,
    agent_id: Option<&str>,
) -> Result<u64, DbErr> {
    let mut text = String::from("DELETE FROM task_failed_agents WHERE task_id = ?");
    let mut values: Vec<sea_orm::Value> = vec![task_id.into()];
    if let Some(agent_id) = agent_id {
        text.push_str(" AND agent_id = ?");
        values.push(agent_id.into());
    }
    let deleted = connection
        .execute_raw(sql(backend_of(connection), &text, values))
        .await?;
    Ok(deleted.rows_affected())
}
