//! The `job_queues` table.

use sea_orm::entity::prelude::*;

/// One row of `job_queues`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "job_queues")]
pub struct Model {
    /// Queue id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Parent queue; `None` for `root`.
    pub parent_id: Option<i64>,
    /// Unique name, part of AMQP names.
    pub name: String,
    /// Priority among siblings.
    pub priority: i32,
    /// Share among siblings of equal priority.
    pub weight: i32,
    /// Agents to reserve.
    pub minimum_agents: Option<i32>,
    /// Agents never to exceed.
    pub maximum_agents: Option<i32>,
    /// Creation time, microseconds since the epoch.
    pub time_created: i64,
    /// Keep logs of its jobs this many days after they end; `None`: its parent's or the
    /// farm's policy.
    pub log_retention_days: Option<i32>,
}

/// No relations are navigated through the ORM; joins are written as queries.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
