//! Requirement classes: one per distinct requirement set within a job queue.

use sea_orm::{ConnectionTrait, EntityTrait};
use warren_broker::Names;
use warren_shared::{ClassKey, ClassSubscription, Requirements};

use super::{Result, StoreError};
use crate::db::{now_us, on_conflict_do_nothing, sql};
use crate::entities::{job_queue, task_class};

/// A class with what the dispatcher and workers need to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskClass {
    /// Row id.
    pub id: i64,
    /// Job queue name.
    pub queue: String,
    /// Routing key.
    pub key: ClassKey,
    /// Requirements.
    pub requirements: Requirements,
}

impl TaskClass {
    /// The subscription workers receive for this class.
    #[must_use]
    pub fn subscription(&self, names: &Names) -> ClassSubscription {
        ClassSubscription {
            queue: self.queue.clone(),
            class: self.key.clone(),
            requirements: self.requirements.clone(),
            amqp_queue: names.class_queue(self.key.as_str()),
        }
    }

    fn from_row(row: task_class::Model, queue: String) -> Result<Self> {
        let requirements = serde_json::from_str(&row.requirements).map_err(|error| {
            StoreError::Corrupt(format!("requirements of class {}: {error}", row.id))
        })?;
        Ok(Self {
            id: row.id,
            queue,
            key: ClassKey::from_stored(row.key),
            requirements,
        })
    }
}

/// The class of `requirements` in the queue `queue_id` (named `queue_name`), created if new.
pub async fn get_or_create(
    connection: &impl ConnectionTrait,
    queue_id: i64,
    queue_name: &str,
    requirements: &Requirements,
) -> Result<TaskClass> {
    let key = requirements.class_key();
    #[derive(sea_orm::FromQueryResult)]
    struct ClassRow {
        id: i64,
        requirements: String,
    }
    use sea_orm::FromQueryResult as _;
    let backend = connection.get_database_backend();
    let find = || {
        ClassRow::find_by_statement(sql(
            backend,
            "SELECT id, requirements FROM task_classes WHERE queue_id = ? AND \"key\" = ?",
            vec![queue_id.into(), key.as_str().into()],
        ))
        .one(connection)
    };
    // Most submissions use a class that exists: one read, and a write only for a new one.
    let row = match find().await? {
        Some(row) => row,
        None => {
            let requirements_json =
                serde_json::to_string(requirements).expect("requirements serialize to JSON");
            connection
                .execute_raw(sql(
                    backend,
                    &format!(
                        "INSERT INTO task_classes (queue_id, \"key\", requirements, time_created) VALUES (?, ?, ?, ?){}",
                        on_conflict_do_nothing(backend, "queue_id, \"key\"")
                    ),
                    vec![queue_id.into(), key.as_str().into(), requirements_json.into(), now_us().into()],
                ))
                .await?;
            find()
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("class `{key}` was not created")))?
        }
    };
    let requirements =
        super::json_column(format!("class `{key}`"), "requirements", &row.requirements)?;
    Ok(TaskClass {
        id: row.id,
        queue: queue_name.to_owned(),
        key,
        requirements,
    })
}

/// Every class of every queue.
pub async fn all(connection: &impl ConnectionTrait) -> Result<Vec<TaskClass>> {
    let queues: std::collections::HashMap<i64, String> = job_queue::Entity::find()
        .all(connection)
        .await?
        .into_iter()
        .map(|queue| (queue.id, queue.name))
        .collect();
    task_class::Entity::find()
        .all(connection)
        .await?
        .into_iter()
        .map(|row| {
            let queue = queues.get(&row.queue_id).cloned().unwrap_or_default();
            TaskClass::from_row(row, queue)
        })
        .collect()
}

/// One class by id.
pub async fn by_id(connection: &impl ConnectionTrait, class_id: i64) -> Result<TaskClass> {
    let row = task_class::Entity::find_by_id(class_id)
        .one(connection)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("class {class_id} not found")))?;
    let queue = job_queue::Entity::find_by_id(row.queue_id)
        .one(connection)
        .await?
        .map(|queue| queue.name)
        .unwrap_or_default();
    TaskClass::from_row(row, queue)
}
