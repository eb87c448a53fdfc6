//! The `job_types` table.

use sea_orm::entity::prelude::*;

/// One row of `job_types`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "job_types")]
pub struct Model {
    /// Job type id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// Creation time, microseconds since the epoch.
    pub time_created: i64,
}

/// No relations are navigated through the ORM; joins are written as queries.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
