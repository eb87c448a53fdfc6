//! The `log_chunks` table.

use sea_orm::entity::prelude::*;

/// One row of `log_chunks`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "log_chunks")]
pub struct Model {
    /// Task id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub task_id: i64,
    /// Attempt.
    #[sea_orm(primary_key, auto_increment = false)]
    pub attempt: i32,
    /// Chunk number within the attempt.
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    /// Line number of the first line, from 1.
    pub first_line: i64,
    /// Lines in the chunk.
    pub n_lines: i32,
    /// The lines as a JSON array of `LogLine` (rows written before compression); empty when
    /// `zdata` holds them.
    pub data: String,
    /// The lines, encoded and zstd-compressed (see `store::logs`).
    pub zdata: Option<Vec<u8>>,
}

/// No relations are navigated through the ORM; joins are written as queries.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
