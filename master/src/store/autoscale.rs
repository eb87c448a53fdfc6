//! Elastic workers as stored: each job queue's autoscaler (`autoscalers`), the nodes they
//! started (`scaled_nodes`) and every decision (`scaling_events`).

use sea_orm::{ConnectionTrait, FromQueryResult};
use warren_api::AutoscalerSettings;

use super::{Result, StoreError};
use crate::db::{backend_of, now_us, sql};

warren_shared::state_enum!(
    /// A node's state, as the autoscaler tracks it.
    NodeState, "node", {
        /// Started; its agent is not online yet.
        Starting => "starting",
        /// Its agent is online.
        Running => "running",
        /// Told to take no new work; stopped once its running tasks end.
        Draining => "draining",
        /// Stopped by its provider.
        Stopped => "stopped",
        /// Its provider no longer lists it.
        Gone => "gone",
    }
);

/// A job queue's autoscaler.
#[derive(Debug, Clone)]
pub struct Autoscaler {
    /// The job queue's id.
    pub queue_id: i64,
    /// The job queue's name.
    pub queue: String,
    /// Its settings.
    pub settings: AutoscalerSettings,
}

#[derive(FromQueryResult)]
struct AutoscalerRow {
    queue_id: i64,
    queue: String,
    provider: String,
    min_nodes: i32,
    max_nodes: i32,
    tasks_per_node: i32,
    scale_up_after_secs: i32,
    idle_secs: i32,
    tags: String,
    cpus: i32,
    ram_mb: i64,
    enabled: bool,
}

impl TryFrom<AutoscalerRow> for Autoscaler {
    type Error = StoreError;

    fn try_from(row: AutoscalerRow) -> Result<Self> {
        let tags = serde_json::from_str(&row.tags)
            .map_err(|error| StoreError::Corrupt(format!("autoscaler tags: {error}")))?;
        Ok(Self {
            queue_id: row.queue_id,
            queue: row.queue,
            settings: AutoscalerSettings {
                provider: row.provider,
                min_nodes: row.min_nodes,
                max_nodes: row.max_nodes,
                tasks_per_node: row.tasks_per_node,
                scale_up_after_secs: row.scale_up_after_secs,
                idle_secs: row.idle_secs,
                tags,
                cpus: row.cpus,
                ram_mb: row.ram_mb,
                enabled: row.enabled,
            },
        })
    }
}

/// Every autoscaler, by queue name.
pub async fn list(connection: &impl ConnectionTrait) -> Result<Vec<Autoscaler>> {
    AutoscalerRow::find_by_statement(sql(
        backend_of(connection),
        "SELECT a.queue_id, q.name AS queue, a.provider, a.min_nodes, a.max_nodes, a.tasks_per_node, \
         a.scale_up_after_secs, a.idle_secs, a.tags, a.cpus, a.ram_mb, a.enabled \
         FROM autoscalers a JOIN job_queues q ON q.id = a.queue_id ORDER BY q.name",
        Vec::new(),
    ))
    .all(connection)
    .await?
    .into_iter()
    .map(Autoscaler::try_from)
    .collect()
}

/// Set a queue's autoscaler; whether it is new. Call inside a transaction.
pub async fn put(
    connection: &impl ConnectionTrait,
    queue_id: i64,
    settings: &AutoscalerSettings,
) -> Result<bool> {
    let backend = backend_of(connection);
    let removed = connection
        .execute_raw(sql(
            backend,
            "DELETE FROM autoscalers WHERE queue_id = ?",
            vec![queue_id.into()],
        ))
        .await?
        .rows_affected();
    let tags = serde_json::to_string(&settings.tags)
        .map_err(|error| StoreError::Corrupt(error.to_string()))?;
    connection
        .execute_raw(sql(
            backend,
            "INSERT INTO autoscalers (queue_id, provider, min_nodes, max_nodes, tasks_per_node, \
             scale_up_after_secs, idle_secs, tags, cpus, ram_mb, enabled, time_updated) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                queue_id.into(),
                settings.provider.clone().into(),
                settings.min_nodes.into(),
                settings.max_nodes.into(),
                settings.tasks_per_node.into(),
                settings.scale_up_after_secs.into(),
                settings.idle_secs.into(),
                tags.into(),
                settings.cpus.into(),
                settings.ram_mb.into(),
                settings.enabled.into(),
                now_us().into(),
            ],
        ))
        .await?;
    Ok(removed == 0)
}

/// Remove a queue's autoscaler (its nodes stay as they are); whether it existed.
pub async fn delete(connection: &impl ConnectionTrait, queue_id: i64) -> Result<bool> {
    Ok(connection
        .execute_raw(sql(
            backend_of(connection),
            "DELETE FROM autoscalers WHERE queue_id = ?",
            vec![queue_id.into()],
        ))
        .await?
        .rows_affected()
        > 0)
}

/// A node an autoscaler started.
#[derive(Debug, Clone)]
pub struct Node {
    /// Row id.
    pub id: i64,
    /// The job queue's id.
    pub queue_id: i64,
    /// The provider that started it.
    pub provider: String,
    /// Its name, as the provider printed it.
    pub name: String,
    /// The agent it joined as.
    pub agent_id: String,
    /// Its state.
    pub state: NodeState,
    /// When it was started (µs).
    pub time_started: i64,
    /// When it last ran a task (µs).
    pub last_busy_at: i64,
}

#[derive(FromQueryResult)]
struct NodeRow {
    id: i64,
    queue_id: i64,
    provider: String,
    node_name: String,
    agent_id: String,
    state: super::Named<NodeState>,
    time_started: i64,
    last_busy_at: i64,
}

/// Nodes not stopped yet (`starting`, `running`, `draining`), oldest first.
pub async fn live_nodes(connection: &impl ConnectionTrait) -> Result<Vec<Node>> {
    NodeRow::find_by_statement(sql(
        backend_of(connection),
        "SELECT id, queue_id, provider, node_name, agent_id, state, time_started, last_busy_at \
         FROM scaled_nodes WHERE state IN ('starting', 'running', 'draining') ORDER BY id",
        Vec::new(),
    ))
    .all(connection)
    .await?
    .into_iter()
    .map(|row| {
        Ok(Node {
            id: row.id,
            queue_id: row.queue_id,
            provider: row.provider,
            name: row.node_name,
            agent_id: row.agent_id,
            state: row.state.0,
            time_started: row.time_started,
            last_busy_at: row.last_busy_at,
        })
    })
    .collect()
}

/// Record a node just started.
pub async fn add_node(
    connection: &impl ConnectionTrait,
    queue_id: i64,
    provider: &str,
    name: &str,
    agent_id: &str,
) -> Result<()> {
    let now = now_us();
    connection
        .execute_raw(sql(
            backend_of(connection),
            "INSERT INTO scaled_nodes (queue_id, provider, node_name, agent_id, state, time_started, last_busy_at) \
             VALUES (?, ?, ?, ?, 'starting', ?, ?)",
            vec![
                queue_id.into(),
                provider.to_owned().into(),
                name.to_owned().into(),
                agent_id.to_owned().into(),
                now.into(),
                now.into(),
            ],
        ))
        .await?;
    Ok(())
}

/// Move a node to `state`; stopped and gone nodes get their time.
pub async fn set_node_state(
    connection: &impl ConnectionTrait,
    node_id: i64,
    state: NodeState,
) -> Result<()> {
    let stopped = matches!(state, NodeState::Stopped | NodeState::Gone).then(now_us);
    connection
        .execute_raw(sql(
            backend_of(connection),
            "UPDATE scaled_nodes SET state = ?, time_stopped = ? WHERE id = ?",
            vec![state.as_str().into(), stopped.into(), node_id.into()],
        ))
        .await?;
    Ok(())
}

/// Note that a node is running tasks now.
pub async fn mark_busy(connection: &impl ConnectionTrait, node_id: i64) -> Result<()> {
    connection
        .execute_raw(sql(
            backend_of(connection),
            "UPDATE scaled_nodes SET last_busy_at = ? WHERE id = ?",
            vec![now_us().into(), node_id.into()],
        ))
        .await?;
    Ok(())
}

/// What a queue's work looks like to its autoscaler.
#[derive(Debug, Clone, Default)]
pub struct Demand {
    /// Tasks waiting to be dispatched.
    pub waiting: i64,
    /// When the oldest job with waiting tasks was submitted (µs).
    pub oldest_submitted: Option<i64>,
    /// The waiting jobs' requirements, as stored (JSON), to check against the online agents.
    pub requirements: Vec<String>,
}

#[derive(FromQueryResult)]
struct DemandRow {
    n_queued: i64,
    time_submitted: i64,
    requirements: String,
}

/// The waiting work of one job queue.
pub async fn demand(connection: &impl ConnectionTrait, queue_id: i64) -> Result<Demand> {
    let rows = DemandRow::find_by_statement(sql(
        backend_of(connection),
        "SELECT n_queued, time_submitted, requirements FROM jobs \
         WHERE queue_id = ? AND n_queued > 0 AND state IN ('queued', 'running')",
        vec![queue_id.into()],
    ))
    .all(connection)
    .await?;
    let mut demand = Demand::default();
    for row in rows {
        demand.waiting += row.n_queued;
        demand.oldest_submitted = Some(
            demand
                .oldest_submitted
                .map_or(row.time_submitted, |oldest| oldest.min(row.time_submitted)),
        );
        demand.requirements.push(row.requirements);
    }
    Ok(demand)
}

#[derive(FromQueryResult)]
struct Busy {
    agent_id: String,
}

/// Which of these agents hold dispatched or running tasks.
pub async fn busy_agents(
    connection: &impl ConnectionTrait,
    agent_ids: &[String],
) -> Result<std::collections::BTreeSet<String>> {
    if agent_ids.is_empty() {
        return Ok(std::collections::BTreeSet::new());
    }
    let placeholders = vec!["?"; agent_ids.len()].join(", ");
    Ok(Busy::find_by_statement(sql(
        backend_of(connection),
        &format!(
            "SELECT DISTINCT agent_id FROM tasks WHERE state IN ('dispatched', 'running') AND agent_id IN ({placeholders})"
        ),
        agent_ids.iter().map(|id| id.clone().into()).collect(),
    ))
    .all(connection)
    .await?
    .into_iter()
    .map(|row| row.agent_id)
    .collect())
}

/// A scaling decision.
#[derive(Debug, Clone)]
pub struct ScalingEvent {
    /// Id.
    pub id: i64,
    /// When (µs).
    pub time: i64,
    /// The job queue's name (if it still exists).
    pub queue: Option<String>,
    /// What was done.
    pub action: String,
    /// The nodes concerned (JSON list).
    pub nodes: Vec<String>,
    /// Why.
    pub reason: String,
}

/// Record a decision.
pub async fn record_event(
    connection: &impl ConnectionTrait,
    queue_id: Option<i64>,
    action: &str,
    nodes: &[String],
    reason: &str,
) -> Result<()> {
    let nodes =
        serde_json::to_string(nodes).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    connection
        .execute_raw(sql(
            backend_of(connection),
            "INSERT INTO scaling_events (time, queue_id, action, nodes, reason) VALUES (?, ?, ?, ?, ?)",
            vec![
                now_us().into(),
                queue_id.into(),
                action.to_owned().into(),
                nodes.into(),
                super::truncate(reason, 4096).into(),
            ],
        ))
        .await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct EventRow {
    id: i64,
    time: i64,
    queue: Option<String>,
    action: String,
    nodes: String,
    reason: String,
}

/// The latest `limit` decisions, newest first.
pub async fn events(connection: &impl ConnectionTrait, limit: u64) -> Result<Vec<ScalingEvent>> {
    EventRow::find_by_statement(sql(
        backend_of(connection),
        "SELECT e.id, e.time, q.name AS queue, e.action, e.nodes, e.reason FROM scaling_events e \
         LEFT JOIN job_queues q ON q.id = e.queue_id ORDER BY e.id DESC LIMIT ?",
        vec![(limit as i64).into()],
    ))
    .all(connection)
    .await?
    .into_iter()
    .map(|row| {
        Ok(ScalingEvent {
            id: row.id,
            time: row.time,
            queue: row.queue,
            action: row.action,
            nodes: serde_json::from_str(&row.nodes)
                .map_err(|error| StoreError::Corrupt(format!("scaling event nodes: {error}")))?,
            reason: row.reason,
        })
    })
    .collect()
}
