//! The `job_type_versions` table.

use sea_orm::entity::prelude::*;

/// One row of `job_type_versions`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "job_type_versions")]
pub struct Model {
    /// Version row id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The job type.
    pub job_type_id: i64,
    /// Version number, from 1.
    pub version: i32,
    /// The declarative spec, JSON.
    pub spec: String,
    /// Creation time, microseconds since the epoch.
    pub time_created: i64,
}

/// No relations are navigated through the ORM; joins are written as queries.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
