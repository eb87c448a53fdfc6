//! The `task_classes` table.

use sea_orm::entity::prelude::*;

/// One row of `task_classes`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "task_classes")]
pub struct Model {
    /// Class id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Job queue the class belongs to.
    pub queue_id: i64,
    /// Canonical class key.
    pub key: String,
    /// The requirements, JSON.
    pub requirements: String,
    /// Creation time, microseconds since the epoch.
    pub time_created: i64,
}

/// No relations are navigated through the ORM; joins are written as queries.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
