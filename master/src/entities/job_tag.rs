//! The `job_tags` table.

use sea_orm::entity::prelude::*;

/// One row of `job_tags`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "job_tags")]
pub struct Model {
    /// Job id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub job_id: i64,
    /// Tag id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub tag_id: i64,
}

/// No relations are navigated through the ORM; joins are written as queries.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
