//! The `task_logs` table.

use sea_orm::entity::prelude::*;

/// One row of `task_logs`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "task_logs")]
pub struct Model {
    /// Task id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub task_id: i64,
    /// Attempt.
    #[sea_orm(primary_key, auto_increment = false)]
    pub attempt: i32,
    /// Agent that ran the attempt.
    pub agent_id: String,
    /// When the attempt started, microseconds since the epoch.
    pub time_created: i64,
}

/// No relations are navigated through the ORM; joins are written as queries.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
