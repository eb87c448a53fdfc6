//! The `dead_letters` table.

use sea_orm::entity::prelude::*;

/// One row of `dead_letters`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "dead_letters")]
pub struct Model {
    /// Row id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// When it was dead-lettered, microseconds since the epoch.
    pub time_created: i64,
    /// Queue it came from.
    pub source: String,
    /// Why it could not be processed.
    pub reason: String,
    /// Its AMQP `type`, when set.
    pub kind: Option<String>,
    /// Its body (truncated), lossily decoded as UTF-8.
    pub payload: String,
    /// Its whole body as it came, to replay it (rows older than replay have none).
    pub data: Option<Vec<u8>>,
    /// The broker user that published it.
    pub user_id: Option<String>,
    /// When it was last replayed, microseconds since the epoch.
    pub replayed_at: Option<i64>,
    /// Whether `data` holds it.
    pub replayable: bool,
}

/// No relations are navigated through the ORM; joins are written as queries.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
