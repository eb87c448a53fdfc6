//! The job queue tree: queues, their shares, and what each holds now.

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::{Result, StoreError};
use crate::db::{backend_of, now_us, sql};
use crate::entities::job_queue;

/// A job queue with what it holds now.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Queue {
    /// Id.
    pub id: i64,
    /// Parent's id; `None` for `root`.
    pub parent_id: Option<i64>,
    /// Name.
    pub name: String,
    /// Priority among its siblings.
    pub priority: i32,
    /// Share among siblings of equal priority.
    pub weight: i32,
    /// Task slots it gets first.
    pub minimum_agents: Option<i32>,
    /// Task slots it never exceeds.
    pub maximum_agents: Option<i32>,
    /// When it was made (µs).
    pub time_created: i64,
    /// Days its jobs' logs are kept after they end (`None`: its parent's or the farm's).
    pub log_retention_days: Option<i32>,
    /// Jobs in it.
    pub n_jobs: i64,
    /// Its tasks dispatched or running now.
    pub active: i64,
}

/// Every queue, by name.
pub async fn list(connection: &impl ConnectionTrait) -> Result<Vec<Queue>> {
    Ok(Queue::find_by_statement(sql(
        backend_of(connection),
        "SELECT q.id, q.parent_id, q.name, q.priority, q.weight, q.minimum_agents, q.maximum_agents, q.time_created, \
         q.log_retention_days, (SELECT COUNT(*) FROM jobs j WHERE j.queue_id = q.id) AS n_jobs, \
         (SELECT CAST(COALESCE(SUM(j.n_dispatched + j.n_running), 0) AS BIGINT) FROM jobs j \
          WHERE j.queue_id = q.id AND j.state IN ('queued', 'running')) AS active \
         FROM job_queues q ORDER BY q.name",
        Vec::new(),
    ))
    .all(connection)
    .await?)
}

/// A queue by id or name.
pub async fn find(connection: &impl ConnectionTrait, key: &str) -> Result<Queue> {
    list(connection)
        .await?
        .into_iter()
        .find(|queue| queue.name == key || queue.id.to_string() == key)
        .ok_or_else(|| StoreError::NotFound(format!("job queue `{key}` not found")))
}

/// A new queue's settings.
#[derive(Debug, Clone)]
pub struct NewQueue<'a> {
    /// Its parent.
    pub parent_id: i64,
    /// Its name.
    pub name: &'a str,
    /// Priority among its siblings.
    pub priority: i32,
    /// Share among siblings of equal priority.
    pub weight: i32,
    /// Task slots it gets first.
    pub minimum_agents: Option<i32>,
    /// Task slots it never exceeds.
    pub maximum_agents: Option<i32>,
    /// Days its jobs' logs are kept after they end.
    pub log_retention_days: Option<i32>,
}

/// Make a queue; a name in use is a conflict.
pub async fn create(connection: &impl ConnectionTrait, queue: &NewQueue<'_>) -> Result<()> {
    let backend = backend_of(connection);
    let exists = connection
        .query_one_raw(sql(
            backend,
            "SELECT id FROM job_queues WHERE name = ?",
            vec![queue.name.into()],
        ))
        .await?;
    if exists.is_some() {
        return Err(StoreError::Conflict(format!(
            "job queue `{}` already exists",
            queue.name
        )));
    }
    connection
        .execute_raw(sql(
            backend,
            "INSERT INTO job_queues (parent_id, name, priority, weight, minimum_agents, maximum_agents, \
             log_retention_days, time_created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                queue.parent_id.into(),
                queue.name.into(),
                queue.priority.into(),
                queue.weight.into(),
                queue.minimum_agents.into(),
                queue.maximum_agents.into(),
                queue.log_retention_days.into(),
                now_us().into(),
            ],
        ))
        .await?;
    Ok(())
}

/// Changes to a queue; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct QueueChange {
    /// New parent.
    pub parent_id: Option<i64>,
    /// New priority.
    pub priority: Option<i32>,
    /// New weight.
    pub weight: Option<i32>,
    /// New minimum (`Some(None)` clears it).
    pub minimum_agents: Option<Option<i32>>,
    /// New maximum (`Some(None)` clears it).
    pub maximum_agents: Option<Option<i32>>,
    /// New log retention (`Some(None)` clears it).
    pub log_retention_days: Option<Option<i32>>,
}

/// Change a queue's settings.
pub async fn update(
    connection: &impl ConnectionTrait,
    queue_id: i64,
    change: &QueueChange,
) -> Result<()> {
    let mut update = Query::update();
    update.table(job_queue::Entity);
    let mut any = false;
    let mut set = |column: job_queue::Column, value: sea_orm::Value| {
        update.value(column, value);
        any = true;
    };
    if let Some(parent_id) = change.parent_id {
        set(job_queue::Column::ParentId, parent_id.into());
    }
    if let Some(priority) = change.priority {
        set(job_queue::Column::Priority, priority.into());
    }
    if let Some(weight) = change.weight {
        set(job_queue::Column::Weight, weight.into());
    }
    if let Some(minimum) = change.minimum_agents {
        set(job_queue::Column::MinimumAgents, minimum.into());
    }
    if let Some(maximum) = change.maximum_agents {
        set(job_queue::Column::MaximumAgents, maximum.into());
    }
    if let Some(days) = change.log_retention_days {
        set(job_queue::Column::LogRetentionDays, days.into());
    }
    if !any {
        return Ok(());
    }
    update.and_where(Expr::col(job_queue::Column::Id).eq(queue_id));
    connection.execute(&update).await?;
    Ok(())
}

/// Delete a queue with no jobs and no sub-queues (and the requirement classes of its own).
pub async fn delete(connection: &impl ConnectionTrait, queue: &Queue) -> Result<()> {
    if queue.name == "root" {
        return Err(StoreError::Conflict(
            "the `root` queue cannot be deleted".to_owned(),
        ));
    }
    if queue.n_jobs > 0 {
        return Err(StoreError::Conflict(format!(
            "job queue `{}` still holds {} jobs: move or delete them first",
            queue.name, queue.n_jobs
        )));
    }
    let backend = backend_of(connection);
    let children = super::count(
        connection,
        sql(
            backend,
            "SELECT COUNT(*) AS n FROM job_queues WHERE parent_id = ?",
            vec![queue.id.into()],
        ),
    )
    .await?;
    if children > 0 {
        return Err(StoreError::Conflict(format!(
            "job queue `{}` has {children} sub-queues: delete or move them first",
            queue.name
        )));
    }
    for statement in [
        "DELETE FROM task_classes WHERE queue_id = ?",
        "DELETE FROM job_queues WHERE id = ?",
    ] {
        connection
            .execute_raw(sql(backend, statement, vec![queue.id.into()]))
            .await?;
    }
    Ok(())
}

/// The id of the queue named `name`, if there is one.
pub async fn id_by_name(connection: &impl ConnectionTrait, name: &str) -> Result<Option<i64>> {
    use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
    Ok(job_queue::Entity::find()
        .filter(job_queue::Column::Name.eq(name))
        .one(connection)
        .await?
        .map(|queue| queue.id))
}
