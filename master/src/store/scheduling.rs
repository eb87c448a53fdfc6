//! What the scheduler reads (queues, jobs with waiting tasks, limits) and why a job waits.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ConnectionTrait, FromQueryResult};

use warren_shared::{JobState, TaskState};

use super::Result;
use crate::db::{backend_of, sql};
use crate::scheduler::{JobDemand, QueueNode, Snapshot};

/// Most jobs with waiting tasks of one job queue considered per round, highest priority (then
/// oldest) first: every queue with work takes part in fair share, however many jobs another
/// queue holds.
pub const CANDIDATES_PER_QUEUE: i64 = 32;
/// Most jobs considered per round in all, highest priority first.
const MAX_CANDIDATES: i64 = 4_000;

/// Jobs whose parents are not all done are not candidates.
const PARENTS_DONE: &str = "NOT EXISTS (SELECT 1 FROM job_parents p JOIN jobs pj ON pj.id = p.parent_id \
     WHERE p.job_id = j.id AND pj.state <> 'done')";

/// A limit and how much of it is in use.
#[derive(Debug, Clone)]
pub struct LimitUse {
    /// Limit id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Units available farm-wide.
    pub max_count: i64,
    /// Counted once per host instead of once per task.
    pub per_host: bool,
    /// Units held now by dispatched and running tasks.
    pub in_use: i64,
    /// Per-host limits: the agents running tasks that hold it (more of its tasks may go to
    /// them, pinned, without taking a unit).
    pub holders: Vec<String>,
}

#[derive(FromQueryResult)]
struct LimitRow {
    id: i64,
    name: String,
    max_count: i32,
    per_host: bool,
    per_task: i64,
}

#[derive(FromQueryResult)]
struct QueueRow {
    id: i64,
    parent_id: Option<i64>,
    priority: i32,
    weight: i32,
    minimum_agents: Option<i32>,
    maximum_agents: Option<i32>,
}

#[derive(FromQueryResult)]
struct ClassActivity {
    queue_id: i64,
    class_id: i64,
    dispatched: Option<i64>,
    active: Option<i64>,
}

#[derive(FromQueryResult)]
struct DemandRow {
    id: i64,
    queue_id: i64,
    class_id: i64,
    priority: i32,
    weight: i32,
    minimum_agents: Option<i32>,
    maximum_agents: Option<i32>,
    n_queued: i64,
    active: i64,
}

#[derive(FromQueryResult)]
struct JobLimit {
    job_id: i64,
    limit_id: i64,
}

#[derive(FromQueryResult)]
struct Parent {
    id: i64,
    title: String,
    state: super::Named<JobState>,
}

#[derive(FromQueryResult)]
struct QueueLine {
    id: i64,
    parent_id: Option<i64>,
    name: String,
    maximum_agents: Option<i32>,
}

#[derive(FromQueryResult)]
struct QueueActivity {
    queue_id: i64,
    active: Option<i64>,
}

/// Every limit with its use. Dispatched tasks hold a unit (they may start at any moment). A
/// per-host limit counts each host once: the hosts running its tasks and those its dispatched
/// tasks are pinned to, plus one for each dispatched task that is not pinned.
pub async fn limit_use(connection: &impl ConnectionTrait) -> Result<Vec<LimitUse>> {
    #[derive(FromQueryResult)]
    struct Held {
        limit_id: i64,
        state: super::Named<TaskState>,
        agent_id: Option<String>,
        pinned_agent: Option<String>,
    }
    let backend = backend_of(connection);
    let rows = LimitRow::find_by_statement(crate::db::sql(backend, "SELECT l.id, l.name, l.max_count, l.per_host, \
             (SELECT CAST(COALESCE(SUM(j.n_dispatched + j.n_running), 0) AS BIGINT) FROM job_limits jl JOIN jobs j ON j.id = jl.job_id \
              WHERE jl.limit_id = l.id AND j.state IN ('queued', 'running')) AS per_task \
             FROM limits l ORDER BY l.name", Vec::new()))
        .all(connection)
        .await?;
    let mut hosts: HashMap<i64, BTreeSet<String>> = HashMap::new();
    let mut holders: HashMap<i64, BTreeSet<String>> = HashMap::new();
    let mut unpinned: HashMap<i64, i64> = HashMap::new();
    if rows.iter().any(|row| row.per_host) {
        // One statement, so a task moving from dispatched to running is seen once.
        for row in Held::find_by_statement(crate::db::sql(
            backend,
            "SELECT jl.limit_id, t.state, t.agent_id, t.pinned_agent \
             FROM job_limits jl JOIN limits l ON l.id = jl.limit_id JOIN tasks t ON t.job_id = jl.job_id \
             WHERE l.per_host AND t.state IN ('dispatched', 'running')",
            Vec::new(),
        ))
        .all(connection)
        .await?
        {
            match (row.state.0, row.agent_id, row.pinned_agent) {
                (TaskState::Running, Some(host), _) => {
                    holders.entry(row.limit_id).or_default().insert(host.clone());
                    hosts.entry(row.limit_id).or_default().insert(host);
                }
                (TaskState::Dispatched, _, Some(host)) => {
                    hosts.entry(row.limit_id).or_default().insert(host);
                }
                (TaskState::Dispatched, _, None) => *unpinned.entry(row.limit_id).or_default() += 1,
                _ => {}
            }
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| LimitUse {
            id: row.id,
            in_use: if row.per_host {
                hosts.get(&row.id).map_or(0, BTreeSet::len) as i64
                    + unpinned.get(&row.id).copied().unwrap_or(0)
            } else {
                row.per_task
            },
            holders: holders
                .remove(&row.id)
                .map(|holders| holders.into_iter().collect())
                .unwrap_or_default(),
            name: row.name,
            max_count: i64::from(row.max_count),
            per_host: row.per_host,
        })
        .collect())
}

/// Whether any limit exists; the dispatcher skips limit queries on farms without them.
pub async fn any_limits(connection: &impl ConnectionTrait) -> Result<bool> {
    let count = super::count(
        connection,
        crate::db::sql(
            backend_of(connection),
            "SELECT COUNT(*) AS n FROM limits",
            Vec::new(),
        ),
    )
    .await?;
    Ok(count > 0)
}

/// Every job queue.
pub async fn queues(connection: &impl ConnectionTrait) -> Result<Vec<QueueNode>> {
    let rows = QueueRow::find_by_statement(crate::db::sql(
        backend_of(connection),
        "SELECT id, parent_id, priority, weight, minimum_agents, maximum_agents FROM job_queues",
        Vec::new(),
    ))
    .all(connection)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| QueueNode {
            id: row.id,
            parent_id: row.parent_id,
            priority: row.priority,
            weight: row.weight,
            minimum: row.minimum_agents,
            maximum: row.maximum_agents,
        })
        .collect())
}

/// Load what the allocation needs besides the queues: active slots per queue and class, and
/// the jobs with waiting tasks whose parents are done. `class_room` is left for the caller to
/// fill; the second value is the number of dispatched tasks per class.
pub async fn snapshot(
    connection: &impl ConnectionTrait,
    queues: Vec<QueueNode>,
    with_limits: bool,
) -> Result<(Snapshot, HashMap<i64, i64>)> {
    let backend = backend_of(connection);
    let mut snapshot = Snapshot {
        queues,
        ..Snapshot::default()
    };
    // Two reads on two pooled connections at once: the round waits for one round trip, not two.
    let activity = ClassActivity::find_by_statement(crate::db::sql(
        backend,
        "SELECT queue_id, class_id, CAST(SUM(n_dispatched) AS BIGINT) AS dispatched, \
         CAST(SUM(n_dispatched + n_running) AS BIGINT) AS active FROM jobs \
         WHERE state IN ('queued', 'running') GROUP BY queue_id, class_id",
        Vec::new(),
    ))
    .all(connection);
    let demand = DemandRow::find_by_statement(sql(
            backend,
            &format!(
                "SELECT id, queue_id, class_id, priority, weight, minimum_agents, maximum_agents, n_queued, active \
                 FROM (SELECT j.id, j.queue_id, j.class_id, j.priority, j.weight, j.minimum_agents, \
                 j.maximum_agents, j.n_queued, j.n_dispatched + j.n_running AS active, \
                 ROW_NUMBER() OVER (PARTITION BY j.queue_id ORDER BY j.priority DESC, j.id) AS queue_place \
                 FROM jobs j WHERE j.state IN ('queued', 'running') AND j.n_queued > 0 AND {PARENTS_DONE}) candidates \
                 WHERE queue_place <= ? ORDER BY priority DESC, id LIMIT ?"
            ),
            vec![CANDIDATES_PER_QUEUE.into(), MAX_CANDIDATES.into()],
        ))
        .all(connection);
    let (activity, rows) = tokio::try_join!(activity, demand)?;
    let mut class_dispatched: HashMap<i64, i64> = HashMap::new();
    for row in activity {
        *snapshot.queue_active.entry(row.queue_id).or_default() += row.active.unwrap_or(0);
        *class_dispatched.entry(row.class_id).or_default() += row.dispatched.unwrap_or(0);
    }
    let mut job_index: HashMap<i64, usize> = HashMap::new();
    for row in rows {
        job_index.insert(row.id, snapshot.jobs.len());
        snapshot.jobs.push(JobDemand {
            id: row.id,
            queue_id: row.queue_id,
            class_id: row.class_id,
            priority: row.priority,
            weight: row.weight,
            minimum: row.minimum_agents,
            maximum: row.maximum_agents,
            active: row.active,
            queued: row.n_queued,
            limits: Vec::new(),
        });
    }
    if with_limits && !snapshot.jobs.is_empty() {
        let limits = limit_use(connection).await?;
        let limit_index: HashMap<i64, usize> = limits
            .iter()
            .enumerate()
            .map(|(index, limit)| (limit.id, index))
            .collect();
        // A per-host limit's room: the hosts it may still take, plus one task per host already
        // holding it (pinned there, it takes no unit).
        snapshot.limit_room = limits
            .iter()
            .map(|limit| (limit.max_count - limit.in_use).max(0) + limit.holders.len() as i64)
            .collect();
        snapshot.limit_pins = limits
            .iter()
            .enumerate()
            .filter(|(_, limit)| limit.per_host)
            .map(|(index, limit)| {
                (
                    index,
                    crate::scheduler::LimitPins {
                        unpinned_room: (limit.max_count - limit.in_use).max(0),
                        holders: limit.holders.clone(),
                    },
                )
            })
            .collect();
        for row in JobLimit::find_by_statement(crate::db::sql(
            backend,
            "SELECT jl.job_id, jl.limit_id FROM job_limits jl JOIN jobs j ON j.id = jl.job_id \
             WHERE j.state IN ('queued', 'running') AND j.n_queued > 0",
            Vec::new(),
        ))
        .all(connection)
        .await?
        {
            if let (Some(job), Some(limit)) =
                (job_index.get(&row.job_id), limit_index.get(&row.limit_id))
            {
                snapshot.jobs[*job].limits.push(*limit);
            }
        }
    }
    Ok((snapshot, class_dispatched))
}

/// Why a job's waiting tasks are not dispatched, besides having no eligible agent (which the
/// API works out from agent capabilities): a paused job, parents, frame dependencies, its or its
/// queue's maximum, a full limit; or simply higher-priority work. `None` when nothing waits.
pub async fn hold_reason(
    connection: &impl ConnectionTrait,
    record: &super::jobs::JobRecord,
) -> Result<Option<String>> {
    let job = &record.job;
    let backend = backend_of(connection);
    if job.n_queued == 0 {
        if job.n_paused > 0 && job.n_dispatched + job.n_running == 0 {
            return Ok(Some("the job is paused".to_owned()));
        }
        return Ok(None);
    }
    let parents = if record.parents.is_empty() {
        Vec::new()
    } else {
        Parent::find_by_statement(sql(
            backend,
            "SELECT pj.id, pj.title, pj.state FROM job_parents p JOIN jobs pj ON pj.id = p.parent_id \
             WHERE p.job_id = ? AND pj.state <> 'done' ORDER BY pj.id",
            vec![job.id.into()],
        ))
        .all(connection)
        .await?
    };
    if let Some(Parent {
        id,
        title,
        state: super::Named(state),
    }) = parents.first()
    {
        let more = if parents.len() > 1 {
            format!(" (and {} more parents)", parents.len() - 1)
        } else {
            String::new()
        };
        return Ok(Some(
            if matches!(state, JobState::Failed | JobState::Cancelled) {
                format!(
                    "waiting for parent job {id} `{title}`, which is {state}; rerun it to let this job start{more}"
                )
            } else {
                format!("waiting for parent job {id} `{title}` ({state}) to finish{more}")
            },
        ));
    }
    let active = job.n_dispatched + job.n_running;
    if let Some(maximum) = job.maximum_agents
        && active >= i64::from(maximum)
    {
        return Ok(Some(format!(
            "the job's maximum agents is reached ({active} of {maximum})"
        )));
    }
    if !record.limits.is_empty() {
        let limits = limit_use(connection).await?;
        for name in &record.limits {
            if let Some(limit) = limits.iter().find(|limit| &limit.name == name)
                && limit.in_use >= limit.max_count
            {
                return Ok(Some(format!(
                    "limit `{}` is full ({} of {} in use)",
                    limit.name, limit.in_use, limit.max_count
                )));
            }
        }
    }
    if let Some(queue) = queue_at_maximum(connection, job.queue_id).await? {
        return Ok(Some(queue));
    }
    if let Some(parent_id) = job.frame_parent_id {
        let waiting = super::count(
            connection,
            sql(
                backend,
                "SELECT COUNT(*) AS n FROM tasks t WHERE t.job_id = ? AND t.state = 'queued' AND EXISTS \
                 (SELECT 1 FROM tasks p WHERE p.job_id = ? AND p.frame_first <= t.frame_last \
                  AND p.frame_last >= t.frame_first AND p.state <> 'done')",
                vec![job.id.into(), parent_id.into()],
            ),
        )
        .await?;
        if waiting == job.n_queued {
            return Ok(Some(format!(
                "its frames wait for the same frames of job {parent_id} to be done"
            )));
        }
    }
    Ok(Some(if active > 0 {
        "waiting for free slots: the farm is busy with this job and work of equal or higher priority"
            .to_owned()
    } else {
        "waiting for free slots: every slot is busy with higher-priority or earlier work".to_owned()
    }))
}

/// Tasks of job `parent_id` covering any of the frames `first..=last` that are not done.
pub async fn parent_frames_not_done(
    connection: &impl ConnectionTrait,
    parent_id: i64,
    first: i64,
    last: i64,
) -> Result<i64> {
    Ok(super::count(
        connection,
        sql(
            backend_of(connection),
            "SELECT COUNT(*) AS n FROM tasks WHERE job_id = ? AND frame_first <= ? \
             AND frame_last >= ? AND state <> 'done'",
            vec![parent_id.into(), last.into(), first.into()],
        ),
    )
    .await?)
}

/// The first queue on the way from `queue_id` to the top that is at its maximum agents.
async fn queue_at_maximum(
    connection: &impl ConnectionTrait,
    queue_id: i64,
) -> Result<Option<String>> {
    let backend = backend_of(connection);
    let mut queues: HashMap<i64, (Option<i64>, String, Option<i32>)> = HashMap::new();
    for row in QueueLine::find_by_statement(crate::db::sql(
        backend,
        "SELECT id, parent_id, name, maximum_agents FROM job_queues",
        Vec::new(),
    ))
    .all(connection)
    .await?
    {
        queues.insert(row.id, (row.parent_id, row.name, row.maximum_agents));
    }
    if queues.values().all(|(_, _, maximum)| maximum.is_none()) {
        return Ok(None);
    }
    let mut active: HashMap<i64, i64> = HashMap::new();
    for row in QueueActivity::find_by_statement(crate::db::sql(
        backend,
        "SELECT queue_id, CAST(SUM(n_dispatched + n_running) AS BIGINT) AS active FROM jobs \
         WHERE state IN ('queued', 'running') GROUP BY queue_id",
        Vec::new(),
    ))
    .all(connection)
    .await?
    {
        active.insert(row.queue_id, row.active.unwrap_or(0));
    }
    let subtree = |root: i64| -> i64 {
        active
            .iter()
            .filter(|(queue, _)| {
                let mut current = Some(**queue);
                for _ in 0..=queues.len() {
                    match current {
                        Some(id) if id == root => return true,
                        Some(id) => current = queues.get(&id).and_then(|(parent, _, _)| *parent),
                        None => return false,
                    }
                }
                false
            })
            .map(|(_, count)| *count)
            .sum()
    };
    let mut current = Some(queue_id);
    for _ in 0..=queues.len() {
        let Some(id) = current else { break };
        let Some((parent, name, maximum)) = queues.get(&id) else {
            break;
        };
        if let Some(maximum) = maximum {
            let used = subtree(id);
            if used >= i64::from(*maximum) {
                return Ok(Some(format!(
                    "job queue `{name}` is at its maximum agents ({used} of {maximum})"
                )));
            }
        }
        current = *parent;
    }
    Ok(None)
}
