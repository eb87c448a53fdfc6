//! Reading tasks.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use warren_shared::TaskState;

use super::{Result, StoreError};
use crate::entities::{job, task};

/// Filters for listing a job's tasks.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    /// Only tasks in these states.
    pub states: Vec<TaskState>,
    /// Only tasks with an index above this (paging in index order).
    pub after_idx: Option<i64>,
    /// Page size.
    pub limit: u64,
}

/// A job's tasks in index order.
pub async fn list(
    connection: &DatabaseConnection,
    job_id: i64,
    filter: &TaskFilter,
) -> Result<Vec<task::Model>> {
    if job::Entity::find_by_id(job_id)
        .one(connection)
        .await?
        .is_none()
    {
        return Err(StoreError::NotFound(format!("job {job_id} not found")));
    }
    let mut query = task::Entity::find()
        .filter(task::Column::JobId.eq(job_id))
        .order_by_asc(task::Column::Idx)
        .limit(filter.limit);
    if !filter.states.is_empty() {
        query = query
            .filter(task::Column::State.is_in(filter.states.iter().map(|state| state.as_str())));
    }
    if let Some(after_idx) = filter.after_idx {
        query = query.filter(task::Column::Idx.gt(after_idx));
    }
    Ok(query.all(connection).await?)
}

/// One task of one job.
pub async fn get(
    connection: &DatabaseConnection,
    job_id: i64,
    task_id: i64,
) -> Result<task::Model> {
    get_in(connection, job_id, task_id).await
}

/// One task of one job, inside a transaction or on a connection.
pub async fn get_in(
    connection: &impl sea_orm::ConnectionTrait,
    job_id: i64,
    task_id: i64,
) -> Result<task::Model> {
    task::Entity::find_by_id(task_id)
        .filter(task::Column::JobId.eq(job_id))
        .one(connection)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("task {task_id} of job {job_id} not found")))
}
